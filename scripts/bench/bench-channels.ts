// Opens channels for the bench through the real protocol (open, co-signed refund, fund) with payer work done in
// worker threads. The co-signed refund is not re-verified here: that protects a viewer, and the host sees the same
// messages either way.
import { io } from 'socket.io-client'
import { request, type HostSocket } from '../../client/payer/host-request.ts'
import type { PayerChannel } from '../../client/payer/payer.ts'
import type { Terms } from '../../protocol/messages.ts'
import type { FleetCoin } from '../fleet/fleet-wallet.ts'
import type { PayerPool } from './payer-pool.ts'

export interface BenchChannel {
  socket: HostSocket
  keyHex: string
  channel: PayerChannel
  channelId: string
  token: string
  /** Pre-signed updates: updates[k] pays for the viewer's k-th segment. */
  updates: string[]
  /** The next segment (and update) this viewer plays. */
  cursor: number
}

export function connectBenchSocket(url: string): Promise<{ socket: HostSocket; terms: Terms }> {
  const socket: HostSocket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000 })
  return new Promise((resolve, reject) => {
    socket.once('terms', (terms) => resolve({ socket, terms }))
    socket.once('connect_error', reject)
  })
}

/** The bench loads the host on purpose: its answers may take long, and a slow one is measured, not failed. */
export const BENCH_ANSWER_TIMEOUT_MS = 60_000

/**
 * Opens one channel per coin, `concurrency` at a time, on the socket `socketFor(i)` gives. Returns the channels and
 * how long each took from the open request to the fund acknowledgement (the host's share of opening).
 */
export async function openBenchChannels(opts: {
  terms: Terms
  coins: FleetCoin[]
  cap: number
  pool: PayerPool
  socketFor: (index: number) => HostSocket
  concurrency: number
}): Promise<{ channels: BenchChannel[]; hostOpenMs: number[] }> {
  const channels: BenchChannel[] = new Array(opts.coins.length)
  const hostOpenMs: number[] = []
  let next = 0
  const worker = async () => {
    while (next < opts.coins.length) {
      const index = next++
      const { key, utxo } = opts.coins[index]
      const keyHex = key.toHex()
      const built = await opts.pool.run({ kind: 'open', keyHex, utxo, terms: opts.terms, cap: opts.cap })
      const socket = opts.socketFor(index)
      const started = performance.now()
      const open = await request(socket, 'open', built.request, BENCH_ANSWER_TIMEOUT_MS)
      if (!open.ok) throw new Error(`bench open ${index} refused: ${open.code} ${open.message}`)
      const fund = await request(socket, 'fund', { channelId: open.channelId, fundingTx: built.fundingHex }, BENCH_ANSWER_TIMEOUT_MS)
      if (!fund.ok) throw new Error(`bench fund ${index} refused: ${fund.code} ${fund.message}`)
      hostOpenMs.push(performance.now() - started)
      channels[index] = { socket, keyHex, channel: { ...built.channel, channelId: open.channelId }, channelId: open.channelId, token: fund.token, updates: [], cursor: 0 }
    }
  }
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.coins.length) }, worker))
  return { channels, hostOpenMs }
}
