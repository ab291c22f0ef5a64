// The paying viewers of the latency, capacity and throughput rows (and of the edge host's capacity row): funded in one
// split, opened through the real protocol (open, co-signed refund, fund), every update they will send pre-signed in
// worker threads, then handed to the load generator processes, which resume them on sockets of their own.
import { HttpChain } from '../../../protocol/chain/http-chain.ts'
import type { Terms } from '../../../protocol/messages.ts'
import { segmentPrice } from '../../../protocol/pricing.ts'
import { fundFleet } from '../../fleet/fleet-wallet.ts'
import { coinForCap } from '../../fleet/run-fleet.ts'
import { connectBenchSocket, openBenchChannels } from '../bench-channels.ts'
import type { BenchStream } from '../bench-stream.ts'
import type { LoadGenerators } from '../load-generators.ts'
import type { ChannelSet } from '../load-worker.ts'
import type { PayerPool } from '../payer-pool.ts'
import { CAP, capacityUpdatesPerViewer, runsOf, warmupUpdatesPerChannel, SEGMENT_SECONDS, segmentsPerRun, throughputUpdatesPerChannel, type Plan } from '../plan.ts'

/** How many updates viewer `index` needs: one run of each level it plays in, its share of the warm-up, its capacity run, then its throughput share. */
export function updatesFor(plan: Plan, index: number, viewers: number): number {
  const levels = plan.levels.filter((level) => index < level)
  const capacity = index < plan.capacityViewers ? capacityUpdatesPerViewer(plan) : 0
  return levels.reduce((sum, level) => sum + runsOf(plan, level) * segmentsPerRun(plan), 0) + warmupUpdatesPerChannel(viewers) + capacity + throughputUpdatesPerChannel(plan, viewers)
}

/** The paywall host's viewers: as many as the largest level or the capacity run needs. */
export function payingViewersOf(plan: Plan): number {
  return Math.max(...plan.levels, plan.capacityViewers)
}

/** Segments the bench stream needs so that no viewer pays for one segment twice. */
export function streamSegmentsFor(plan: Plan): number {
  return updatesFor(plan, 0, payingViewersOf(plan)) + 4
}

export async function preparePayingViewers(opts: {
  hostUrl: string
  terms: Terms
  stream: BenchStream
  pool: PayerPool
  generators: LoadGenerators
  log: (line: string) => void
  /** Which host's channels these are, how many, and how many updates viewer i needs. */
  set: ChannelSet
  count: number
  updates: (index: number) => number
}): Promise<number> {
  const { hostUrl, terms, stream, pool, count } = opts
  const devnetBaseUrl = `${hostUrl}/devnet`
  const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl })
  const coins = await fundFleet({ devnetBaseUrl, chain, feeRate: terms.feeRate, count, satoshisEach: coinForCap(CAP, terms) })
  // A few sockets carry the openings; the generators resume each channel on a socket of its own afterwards.
  const sockets = await Promise.all(Array.from({ length: 8 }, () => connectBenchSocket(hostUrl).then(({ socket }) => socket)))
  const { channels } = await openBenchChannels({ terms, coins, cap: CAP, pool, socketFor: (i) => sockets[i % sockets.length], concurrency: 8 })
  opts.log(`opened ${channels.length} paying viewers (${opts.set}); pre-signing their updates…`)
  const price = segmentPrice(SEGMENT_SECONDS, terms.pricePerSecond)
  const prepared = await Promise.all(
    channels.map(async (channel, i) => {
      const segments = stream.segments.slice(0, opts.updates(i)).map((segment) => ({ path: segment.id, price }))
      const signed = await pool.run({ kind: 'presign', keyHex: channel.keyHex, channel: channel.channel, segments, feeRate: terms.feeRate })
      return { channelId: channel.channelId, token: channel.token, updates: signed.txs }
    }),
  )
  await opts.generators.prepare(opts.set, hostUrl, prepared)
  for (const socket of sockets) socket.disconnect()
  return channels.length
}
