// Runs a whole fleet against one host: fund every viewer in one go, start them staggered, wait, settle, check the
// ledger, summarise. The CLI (scripts/viewers.ts) and the integration test both call this.
import { io } from 'socket.io-client'
import { HttpChain } from '../../protocol/chain/http-chain.ts'
import { feeFor, P2PKH_INPUT_BYTES, P2PKH_OUTPUT_BYTES } from '../../protocol/fees.ts'
import type { ClientToServerEvents, ServerToClientEvents, Terms } from '../../protocol/messages.ts'
import type { Socket } from 'socket.io-client'
import { planChannel } from '../../client/payer/channel-offer.ts'
import type { ChannelWallet } from '../../client/payer/channel-wallet.ts'
import { startFleetWallet, WALLET_COIN_HEADROOM } from './fleet-brc100.ts'
import { coinWallet, fundFleet } from './fleet-wallet.ts'
import { createHttpClient } from './http-client.ts'
import { checkClosesOnLedger } from './ledger-check.ts'
import { exitStatusOf, summarizeFleet, type FleetSummary } from './summary.ts'
import { runViewer, type FleetProgress } from './viewer.ts'
import type { ViewerResult } from './viewer-result.ts'

export interface FleetOptions {
  /** The host's base URL, e.g. http://127.0.0.1:8080 */
  url: string
  /** The master (or media) playlist's path on the host. */
  playlistPath: string
  count: number
  seconds: number
  cap: number
  speed: number
  /** Viewers start spread over this many milliseconds, as real audiences arrive. */
  rampMs?: number
  /** What pays: a key per viewer ('device', the default), or one BRC-100 wallet for all of them ('brc100'). */
  wallet?: 'device' | 'brc100'
  ackTimeoutMs?: number
  progress?: FleetProgress
  /** Called once funding is done, before the viewers start. */
  onFunded?: (info: { viewers: number; satoshisEach: number }) => void
}

export interface FleetRun {
  summary: FleetSummary
  results: ViewerResult[]
  exitStatus: number
}

/** Reads the host's terms over a throwaway socket: the fleet sizes its coins from them. */
export function fetchTerms(url: string, timeoutMs = 10_000): Promise<Terms> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs })
  return new Promise<Terms>((resolve, reject) => {
    socket.once('terms', resolve)
    socket.once('connect_error', reject)
  }).finally(() => socket.disconnect())
}

/** Pure: what each viewer's coin must hold: the channel capacity for its cap, plus the funding tx's own fee. */
export function coinForCap(cap: number, terms: Pick<Terms, 'feeRate' | 'minCapacity' | 'maxCapacity'>): number {
  const { capacity } = planChannel({ cap, feeRate: terms.feeRate, minCapacity: terms.minCapacity, maxCapacity: terms.maxCapacity })
  // One input, the channel output and change: the change keeps whatever the estimate overshoots.
  return capacity + feeFor(10 + P2PKH_INPUT_BYTES + 80 + P2PKH_OUTPUT_BYTES, terms.feeRate) + 10
}

export async function runFleet(options: FleetOptions): Promise<FleetRun> {
  const url = options.url.replace(/\/+$/, '')
  const devnetBaseUrl = `${url}/devnet`
  const terms = await fetchTerms(url)
  if (terms.network !== 'devnet') throw new Error(`the fleet funds itself from the devnet faucet; this host runs on ${terms.network}`)
  const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl })
  const satoshisEach = coinForCap(options.cap, terms)
  const wallets = await fleetWallets(options, { url, devnetBaseUrl, chain, terms, satoshisEach })
  options.onFunded?.({ viewers: options.count, satoshisEach })

  const progress: FleetProgress = options.progress ?? { active: 0, finished: 0, segments: 0, satoshis: 0, errors: 0 }
  const http = createHttpClient()
  const rampMs = options.rampMs ?? Math.min(5_000, options.count * 10)
  try {
    const results = await Promise.all(
      wallets.each.map(async (wallet, index) => {
        await new Promise((resolve) => setTimeout(resolve, (rampMs * index) / Math.max(1, options.count)))
        return runViewer({
          index,
          url,
          playlistPath: options.playlistPath,
          wallet,
          cap: options.cap,
          speed: options.speed,
          seconds: options.seconds,
          http,
          progress,
          ackTimeoutMs: options.ackTimeoutMs,
        })
      }),
    )
    const checks = await checkClosesOnLedger(
      results.filter((result) => result.closeTxid !== null),
      (txid) => chain.rawTx(txid),
    )
    const summary = summarizeFleet(results, checks)
    return { summary, results, exitStatus: exitStatusOf(summary) }
  } finally {
    http.close()
    await wallets.close()
  }
}

/** One key and coin per viewer, or the fleet's BRC-100 wallet for every viewer. */
async function fleetWallets(
  options: FleetOptions,
  p: { url: string; devnetBaseUrl: string; chain: HttpChain; terms: Terms; satoshisEach: number },
): Promise<{ each: ChannelWallet[]; close(): Promise<void> }> {
  if (options.wallet === 'brc100') {
    const fleet = await startFleetWallet({ ...p, playlistPath: options.playlistPath, feeRate: p.terms.feeRate, count: options.count, satoshisEach: p.satoshisEach + WALLET_COIN_HEADROOM })
    return { each: Array(options.count).fill(fleet.wallet), close: () => fleet.close() }
  }
  const coins = await fundFleet({ devnetBaseUrl: p.devnetBaseUrl, chain: p.chain, feeRate: p.terms.feeRate, count: options.count, satoshisEach: p.satoshisEach })
  return { each: coins.map(coinWallet), close: async () => {} }
}
