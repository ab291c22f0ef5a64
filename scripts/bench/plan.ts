// What one `npm run bench` measures and how much of it: the full run, or --quick with every row kept and fewer
// repeats, shorter windows and fewer samples.
/** The phases one run may leave out (--skip): the ones the CPU figures do not need. */
export const SKIPPABLE_PHASES = ['latency', 'open', 'heap', 'ttff', 'assets'] as const
export type SkippablePhase = (typeof SKIPPABLE_PHASES)[number]

export interface Plan {
  quick: boolean
  /** Only this phase (with the servers it needs), written to its own file: `--only ttff`. */
  only: 'ttff' | null
  /** Phases left out of this run: their rows read "not measured". */
  skip: SkippablePhase[]
  /** Pin the host(s) to one core and everything else to the others with taskset (--no-pin turns it off). */
  pin: boolean
  /** Viewers at real-time pace in the capacity phase: well below saturation, so CPU per viewer-second is the work's own. */
  capacityViewers: number
  /** Runs of the capacity phase (every path once per run): its figures are the runs' medians. */
  capacityRuns: number
  /** Concurrent viewers per latency level. */
  levels: number[]
  /** Runs of the ratio level (the largest): the ratio reported is their median. */
  repeats: number
  /** Seconds each latency level runs. */
  window: number
  speed: number
  segmentBytes: number
  /** Load generator processes. */
  generators: number
  /** Seconds of sustained payments for the throughput row. */
  throughputSeconds: number
  heapChannels: number
  heapMeasured: number
  heapRuns: number
  opens: number
  verifySeconds: number
  ttffLoads: number
  ttffRttLoads: number
  rttMs: number
  durability: 'full' | 'normal'
  profileHost: string | null
  /** Write the targets into README.md's benchmark section. */
  readme: boolean
  out: string
  svg: string
}

export function planFrom(o: Record<string, unknown>): Plan {
  const quick = o.quick === true
  const heapChannels = (o.heapChannels as number | undefined) ?? 10_000
  const only = (o.only as 'ttff' | undefined) ?? null
  const out = (o.out as string | undefined) ?? (only ? `bench/${only}.json` : 'bench/results.json')
  const skip = o.skip ? String(o.skip).split(',').map((name) => name.trim()) : []
  const unknown = skip.filter((name) => !(SKIPPABLE_PHASES as readonly string[]).includes(name))
  if (unknown.length > 0) throw new Error(`--skip: unknown phase ${unknown.join(', ')} (one of ${SKIPPABLE_PHASES.join(', ')})`)
  return {
    quick,
    only,
    skip: skip as SkippablePhase[],
    pin: o.pin !== false,
    capacityViewers: (o.capacityViewers as number | undefined) ?? (quick ? 200 : 500),
    // One run's figure moves with whatever else the machine did in its seconds: three, and their median.
    capacityRuns: (o.capacityRuns as number | undefined) ?? 3,
    // --quick stays below the 2,000 that measure the machine rather than the host (issue 23).
    levels: o.levels ? String(o.levels).split(',').map(Number) : quick ? [100, 400] : [100, 500, 1000, 2000],
    repeats: (o.repeats as number | undefined) ?? (quick ? 1 : 3),
    window: (o.window as number | undefined) ?? (quick ? 8 : 20),
    speed: o.speed as number,
    segmentBytes: o.segmentBytes as number,
    generators: (o.generators as number | undefined) ?? 2,
    throughputSeconds: quick ? 5 : 10,
    heapChannels,
    // --quick opens a tenth and scales up, labelled as such; the full run opens them all.
    heapMeasured: quick && o.heapChannels === undefined ? 1_000 : heapChannels,
    heapRuns: quick ? 2 : 3,
    opens: (o.opens as number | undefined) ?? (quick ? 40 : 200),
    verifySeconds: quick ? 1 : 3,
    // Medians of at least 5 loads each: fewer and one slow load moves the median.
    ttffLoads: quick ? 5 : 9,
    ttffRttLoads: 5,
    rttMs: (o.rtt as number | undefined) ?? 80,
    durability: o.durability as 'full' | 'normal',
    profileHost: (o.profileHost as string | undefined) ?? null,
    readme: o.readme === true,
    out,
    svg: out.replace(/results\.json$/, 'latency.svg').replace(/\.json$/, '.svg'),
  }
}

export const SEGMENT_SECONDS = 2
export const PRICE = 10
export const CAP = 5_000

/** Segments one viewer plays in one run of one level, with room for arrivals spread over the first period. */
export function segmentsPerRun(plan: Plan): number {
  return Math.ceil((plan.window * plan.speed) / SEGMENT_SECONDS) + 2
}

/**
 * Before its capacity row each paying host is warmed up, unmeasured: first up to `payments` payments as fast as it
 * acknowledges them (at most `burstSeconds`), then its viewers play `seconds` at `speed` times real-time pace. A host
 * that has run a while runs its payment path as V8's optimised code; a fresh host's first several thousand payments
 * run largely in V8's interpreter and baseline tiers, with its optimising compiler at work beside them (with
 * --trace-opt, takePayment and inspectUpdate are first optimised after some 5,000 payments). Without the warm-up the
 * capacity rows charged the viewers with the host's warm-up.
 */
export const CAPACITY_WARMUP = { payments: 10_000, burstSeconds: 3, seconds: 2, speed: 10 }

/** Updates each paying channel keeps for the warm-up's burst, when `channels` share it. */
export function warmupUpdatesPerChannel(channels: number): number {
  return Math.ceil(CAPACITY_WARMUP.payments / channels)
}

/** Updates each capacity viewer pays after the burst: its paced warm-up, then its measured runs. */
export function capacityUpdatesPerViewer(plan: Plan): number {
  return Math.ceil((CAPACITY_WARMUP.seconds * CAPACITY_WARMUP.speed) / SEGMENT_SECONDS) + 2 + plan.capacityRuns * segmentsPerRun(plan)
}

export const skips = (plan: Plan, phase: SkippablePhase) => plan.skip.includes(phase)

/** Runs of each level: the largest repeats, the others run once. */
export function runsOf(plan: Plan, viewers: number): number {
  return viewers === Math.max(...plan.levels) ? plan.repeats : 1
}

/** Updates each throughput channel pays in the throughput phase: enough for its seconds at the target rate. */
export function throughputUpdatesPerChannel(plan: Plan, channels: number, targetPerSecond = 8_000): number {
  return Math.ceil((plan.throughputSeconds * targetPerSecond) / channels)
}

/** The bench's load comes from one loopback address: the host's per-address limits are lifted, or they would be all it measures. */
export const LOAD_FROM_ONE_ADDRESS = {
  connectionsPerAddress: 1_000_000,
  messagesPerSecondPerAddress: 1_000_000,
  pendingOpensPerConnection: 1_000_000,
  pendingOpensPerAddress: 1_000_000,
  pendingOpensTotal: 1_000_000,
}

/** The same, as the host's command-line flags (for hosts started as processes). */
export const LOAD_FROM_ONE_ADDRESS_FLAGS = [
  '--max-connections-per-address', '1000000', '--address-message-rate', '1000000',
  '--max-pending-per-connection', '1000000', '--max-pending-per-address', '1000000', '--max-pending-opens', '1000000',
]
