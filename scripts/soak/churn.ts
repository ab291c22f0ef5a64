// The soak's audience: viewers of the fleet (scripts/fleet/) join and leave without a break, a few at a time, each
// watching a while at its own length, most tipping, then closing, until the soak's time is up. Coins come from the
// devnet faucet a batch at a time, as they run out.
import { HttpChain } from '../../protocol/chain/http-chain.ts'
import { coinWallet, fundFleet, type FleetCoin } from '../fleet/fleet-wallet.ts'
import { createHttpClient } from '../fleet/http-client.ts'
import { checkClosesOnLedger } from '../fleet/ledger-check.ts'
import { coinForCap, fetchTerms } from '../fleet/run-fleet.ts'
import { summarizeFleet, type FleetSummary } from '../fleet/summary.ts'
import { runViewer, type FleetProgress } from '../fleet/viewer.ts'
import type { ViewerResult } from '../fleet/viewer-result.ts'

export interface ChurnOptions {
  url: string
  playlistPath: string
  /** Viewers watching at once. */
  concurrency: number
  /** Each viewer watches a random number of seconds in this range (or until its cap). */
  seconds: { min: number; max: number }
  speed: number
  cap: number
  /** Viewers tip 1 to this many satoshis before they close, every other one. */
  maxTip: number
  /** No viewer joins after this (performance.now()). */
  until: number
  /** While true, nobody joins (the host is stopped). */
  paused(): boolean
  progress: FleetProgress
}

/** Coins funded per faucet round: a few minutes of viewers. */
const BATCH_PER_LANE = 10

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export async function churn(opts: ChurnOptions): Promise<{ summary: FleetSummary; results: ViewerResult[] }> {
  const devnetBaseUrl = `${opts.url}/devnet`
  const terms = await fetchTerms(opts.url)
  const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl })
  const satoshisEach = coinForCap(opts.cap + opts.maxTip, terms)
  const coins: FleetCoin[] = []
  let funding: Promise<void> | null = null
  const nextCoin = async (): Promise<FleetCoin> => {
    while (coins.length === 0) {
      funding ??= fundFleet({ devnetBaseUrl, chain, feeRate: terms.feeRate, count: opts.concurrency * BATCH_PER_LANE, satoshisEach })
        .then((batch) => void coins.push(...batch))
        .finally(() => (funding = null))
      await funding
    }
    return coins.pop()!
  }
  const http = createHttpClient()
  const results: ViewerResult[] = []
  let index = 0
  const lane = async () => {
    while (performance.now() < opts.until) {
      if (opts.paused()) {
        await sleep(200)
        continue
      }
      const wallet = coinWallet(await nextCoin())
      const me = index++
      const seconds = opts.seconds.min + Math.random() * (opts.seconds.max - opts.seconds.min)
      const tip = me % 2 === 0 ? 1 + Math.floor(Math.random() * opts.maxTip) : undefined
      results.push(await runViewer({ index: me, url: opts.url, playlistPath: opts.playlistPath, wallet, cap: opts.cap + opts.maxTip, speed: opts.speed, seconds, http, progress: opts.progress, tip }))
    }
  }
  try {
    // The lanes start spread over a viewer's shortest watch, so that arrivals and departures interleave from the start.
    await Promise.all(Array.from({ length: opts.concurrency }, (_, i) => sleep((i * opts.seconds.min * 1000) / opts.concurrency).then(lane)))
  } finally {
    http.close()
  }
  results.sort((a, b) => a.index - b.index)
  const checks = await checkClosesOnLedger(
    results.filter((result) => result.closeTxid !== null),
    (txid) => chain.rawTx(txid),
  )
  return { summary: summarizeFleet(results, checks), results }
}
