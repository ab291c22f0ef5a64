// The paying viewers of the latency and throughput rows: funded in one split, opened through the real protocol
// (open, co-signed refund, fund), every update they will send pre-signed in worker threads, then handed to the load
// generator processes, which resume them on sockets of their own.
import { HttpChain } from '../../../protocol/chain/http-chain.ts'
import type { Terms } from '../../../protocol/messages.ts'
import { segmentPrice } from '../../../protocol/pricing.ts'
import { fundFleet } from '../../fleet/fleet-wallet.ts'
import { coinForCap } from '../../fleet/run-fleet.ts'
import { connectBenchSocket, openBenchChannels } from '../bench-channels.ts'
import type { BenchStream } from '../bench-stream.ts'
import type { LoadGenerators } from '../load-generators.ts'
import type { PayerPool } from '../payer-pool.ts'
import { CAP, runsOf, SEGMENT_SECONDS, segmentsPerRun, throughputUpdatesPerChannel, type Plan } from '../plan.ts'

/** How many updates viewer `index` needs: one run of each level it plays in, then its throughput share. */
export function updatesFor(plan: Plan, index: number, viewers: number): number {
  const levels = plan.levels.filter((level) => index < level)
  return levels.reduce((sum, level) => sum + runsOf(plan, level) * segmentsPerRun(plan), 0) + throughputUpdatesPerChannel(plan, viewers)
}

/** Segments the bench stream needs so that no viewer pays for one segment twice. */
export function streamSegmentsFor(plan: Plan): number {
  return updatesFor(plan, 0, Math.max(...plan.levels)) + 4
}

export async function preparePayingViewers(opts: {
  plan: Plan
  hostUrl: string
  terms: Terms
  stream: BenchStream
  pool: PayerPool
  generators: LoadGenerators
  log: (line: string) => void
}): Promise<number> {
  const { plan, hostUrl, terms, stream, pool } = opts
  const count = Math.max(...plan.levels)
  const devnetBaseUrl = `${hostUrl}/devnet`
  const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl })
  const coins = await fundFleet({ devnetBaseUrl, chain, feeRate: terms.feeRate, count, satoshisEach: coinForCap(CAP, terms) })
  // A few sockets carry the openings; the generators resume each channel on a socket of its own afterwards.
  const sockets = await Promise.all(Array.from({ length: 8 }, () => connectBenchSocket(hostUrl).then(({ socket }) => socket)))
  const { channels } = await openBenchChannels({ terms, coins, cap: CAP, pool, socketFor: (i) => sockets[i % sockets.length], concurrency: 8 })
  opts.log(`opened ${channels.length} paying viewers; pre-signing their updates…`)
  const price = segmentPrice(SEGMENT_SECONDS, terms.pricePerSecond)
  const prepared = await Promise.all(
    channels.map(async (channel, i) => {
      const segments = stream.segments.slice(0, updatesFor(plan, i, count)).map((segment) => ({ path: segment.path, price }))
      const signed = await pool.run({ kind: 'presign', keyHex: channel.keyHex, channel: channel.channel, segments, feeRate: terms.feeRate })
      return { channelId: channel.channelId, token: channel.token, updates: signed.txs }
    }),
  )
  await opts.generators.prepare(hostUrl, prepared)
  for (const socket of sockets) socket.disconnect()
  return channels.length
}
