// The load generator as several processes (load-worker.ts): viewers and channels are dealt out among them, their
// outcomes merged, and their CPU summed so the report can show what generating the load cost.
import type { StreamSegment } from '../fleet/playlist.ts'
import { startChild, type BenchChild } from './child-process.ts'
import type { ChannelSet, LoadRequest, PaymentsOutcome, PreparedChannel, SegmentJob } from './load-worker.ts'
import type { LoadOutcome } from './segment-load.ts'

export interface LoadGenerators {
  readonly count: number
  /** Deals the channels of one set out; paying viewers later name a channel by its index in this list. */
  prepare(set: ChannelSet, url: string, channels: PreparedChannel[]): Promise<void>
  segments(job: SegmentJob): Promise<LoadOutcome>
  /** Every channel of `set` (default: the paywall host's) pays as fast as its host acknowledges, for `seconds`, at most `perChannel` each. */
  payments(seconds: number, segments: StreamSegment[], set?: ChannelSet, perChannel?: number): Promise<PaymentsOutcome>
  /** CPU the generator processes have used so far, microseconds. */
  cpuMicros(): Promise<number>
  stop(): Promise<void>
}

async function ask<T>(worker: BenchChild, request: LoadRequest): Promise<T> {
  const answer = await worker.ask<{ result?: T; error?: string }>(request)
  if (answer.error !== undefined) throw new Error(`load generator ${worker.pid}: ${answer.error}`)
  return answer.result as T
}

export function mergeOutcomes(outcomes: readonly LoadOutcome[]): LoadOutcome {
  const merged: LoadOutcome = { viewers: 0, segmentMs: [], payMs: [], ok: 0, errors: {}, seconds: 0 }
  for (const outcome of outcomes) {
    merged.viewers += outcome.viewers
    merged.segmentMs.push(...outcome.segmentMs)
    merged.payMs.push(...outcome.payMs)
    merged.ok += outcome.ok
    for (const [kind, n] of Object.entries(outcome.errors)) merged.errors[kind] = (merged.errors[kind] ?? 0) + n
    merged.seconds = Math.max(merged.seconds, outcome.seconds)
  }
  return merged
}

export async function startLoadGenerators(count: number): Promise<LoadGenerators> {
  const workers = await Promise.all(Array.from({ length: count }, () => startChild('./load-worker.ts', [])))
  /** Per set, global channel index -> [worker, index in that worker]. */
  const placements = new Map<ChannelSet, Array<[number, number]>>()
  const share = <T>(items: readonly T[], owner: (item: T, index: number) => number): T[][] => {
    const shares = workers.map((): T[] => [])
    items.forEach((item, index) => shares[owner(item, index)].push(item))
    return shares
  }
  return {
    count,
    async prepare(set, url, channels) {
      const shares = share(channels, (_, index) => index % count)
      placements.set(set, channels.map((_, index) => [index % count, Math.floor(index / count)]))
      await Promise.all(workers.map((worker, w) => ask(worker, { type: 'prepare', set, url, channels: shares[w] })))
    },
    async segments(job) {
      const placement = placements.get(job.set ?? 'paywall') ?? []
      const shares = share(job.viewers, (viewer, index) => ('channel' in viewer ? placement[viewer.channel][0] : index % count))
      const outcomes = await Promise.all(
        workers.map((worker, w) => {
          const viewers = shares[w].map((viewer) => ('channel' in viewer ? { channel: placement[viewer.channel][1] } : viewer))
          return viewers.length === 0 ? null : ask<LoadOutcome>(worker, { type: 'segments', job: { ...job, viewers } })
        }),
      )
      return mergeOutcomes(outcomes.filter((outcome): outcome is LoadOutcome => outcome !== null))
    },
    async payments(seconds, segments, set, perChannel) {
      const outcomes = await Promise.all(workers.map((worker) => ask<PaymentsOutcome>(worker, { type: 'payments', seconds, segments, set, perChannel })))
      return outcomes.reduce((sum, o) => ({ accepted: sum.accepted + o.accepted, refused: sum.refused + o.refused, seconds: Math.max(sum.seconds, o.seconds) }), { accepted: 0, refused: 0, seconds: 0 })
    },
    async cpuMicros() {
      const answers = await Promise.all(workers.map((worker) => ask<{ cpuMicros: number }>(worker, { type: 'cpu' })))
      return answers.reduce((sum, answer) => sum + answer.cpuMicros, 0)
    },
    async stop() {
      await Promise.all(workers.map((worker) => worker.stop()))
    },
  }
}
