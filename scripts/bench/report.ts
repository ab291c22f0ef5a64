// The bench's results: the JSON written to bench/results.json, the ratios (medians over repeated runs) and the
// target verdicts. Pure. The markdown table is markdown.ts's, the picture latency-svg.ts's.
import { latencyStats, roundMs } from '../fleet/percentiles.ts'
import type { HeapRun } from './phases/heap.ts'
import type { Throughput } from './phases/throughput.ts'
import type { Assets } from './phases/assets.ts'
import type { Ttff } from './phases/ttff.ts'
import type { LoadOutcome } from './segment-load.ts'
import type { LoopDelay } from './loop-delay.ts'
import type { VerifyResult } from './verify.ts'

export type BenchPath = 'static' | 'proxy' | 'paywall'

export interface LatencyRow {
  viewers: number
  path: BenchPath
  /** Which run of this level and path (the largest level runs several times). */
  run?: number
  p50_ms: number | null
  p99_ms: number | null
  rps: number
  errors: number
  requests: number
  /** How late the server's own event loop ran during the level (its p99): a tail the server did not cause is not here. */
  server_loop_p99_ms?: number
  /** Paywall only: update sent to acknowledgement, the payment a viewer makes before each segment. */
  pay_p50_ms?: number | null
  pay_p99_ms?: number | null
  /** The load generators' CPU over the run, in % of one core: at GENERATOR_SATURATED_PCT the row measures them. */
  generator_cpu_pct?: number
}

export type CapacityPath = 'static' | 'proxy' | 'paywall' | 'edge'

/** One path at a load below saturation: what the one server of that path spent per second of video it delivered. */
export interface CapacityRow {
  path: CapacityPath
  /** Which of the phase's runs (1, 2, …): every path is measured once per run, the runs one after another. */
  run: number
  viewers: number
  /** Seconds of video delivered (segments fetched × segment seconds): at real-time pace, viewer-seconds. */
  viewer_seconds: number
  server_cpu_ms: number
  cpu_us_per_viewer_second: number | null
  segment_p99_ms: number | null
  /** Paywall and edge: update to acknowledgement. */
  pay_p99_ms: number | null
  errors: number
  generator_cpu_pct: number
  /** The server's CPU with no viewer asking, in % of one core, read just before: its background work. */
  idle_cpu_pct: number | null
}

export interface Capacity {
  viewers: number
  rows: CapacityRow[]
  /** Each path's median over the runs. */
  cpu_us_per_viewer_second: Record<CapacityPath, number | null>
  /** The paywall's CPU per viewer-second over the static server's, within each run, then the median of the runs. */
  paywall_over_static: number | null
  /** One core's microseconds a second over the CPU per viewer-second: viewers at real-time pace one host core serves. */
  viewers_per_core: { paywall: number | null; edge: number | null }
  /** The payment-ack p99 those viewers saw (the projection holds only where it is within TARGETS.payAckP99Ms). */
  pay_p99_ms: { paywall: number | null; edge: number | null }
}

/** Load generators at this share of one core are the bottleneck: their rows measure the generator, not the server. */
export const GENERATOR_SATURATED_PCT = 80

export interface Machine {
  cpu: string
  cores: number
  memory_gb: number
  node: string
  platform: string
}

export interface TargetVerdict {
  name: string
  target: string
  value: string
  met: boolean
}

export interface Ratio {
  viewers: number
  /** Medians over the runs of the level. */
  p50_ratio: number | null
  p99_ratio: number | null
  runs: number
  errors: number
}

export interface BenchResults {
  when: string
  quick: boolean
  machine: Machine
  setup: Record<string, unknown>
  verify: VerifyResult
  /** How the processes were placed on cores, and anything skipped or retried. */
  pinning: string
  notes: string[]
  /** Only the rows whose load generators were not saturated; the others are in latency_dropped. */
  latency: LatencyRow[]
  latency_dropped: LatencyRow[]
  capacity: Capacity
  paywall_vs_proxy: Ratio[]
  /** The paywall host's event-loop delay p99 over the plain proxy's, at the largest level (median over its runs). */
  loop_delay_ratio: number | null
  open: { p50_ms: number | null; p99_ms: number | null; count: number; host_p50_ms: number | null; host_p99_ms: number | null }
  heap_bytes_per_channel: number
  /** Heap per channel of each run. */
  heap_runs: number[]
  heap: { channels: number; heap_before: number; heap_after: number; rss_before: number; rss_after: number; extrapolated_from: number | null; runs: HeapRun[]; spread: number }
  cpu_us_per_payment: number
  /** The same less the host's idle CPU over those seconds: the payment path's own share. */
  cpu_us_per_payment_net_of_idle: number
  cpu: { payments: number; cpu_ms: number }
  throughput: Throughput
  ttff: Ttff
  assets: Assets
  /** CPU the load generator processes used over the whole run. */
  generator: { processes: number; cpu_ms: number }
  targets: TargetVerdict[]
}

export function latencyRow(viewers: number, path: BenchPath, outcome: LoadOutcome, serverLoop?: LoopDelay): LatencyRow {
  const segment = latencyStats(outcome.segmentMs)
  const errors = Object.values(outcome.errors).reduce((sum, n) => sum + n, 0)
  const row: LatencyRow = {
    viewers,
    path,
    p50_ms: roundMs(segment.p50),
    p99_ms: roundMs(segment.p99),
    rps: Math.round((outcome.ok / outcome.seconds) * 10) / 10,
    errors,
    requests: outcome.ok + errors,
    ...(serverLoop ? { server_loop_p99_ms: serverLoop.p99_ms } : {}),
  }
  if (path === 'paywall') {
    const pay = latencyStats(outcome.payMs)
    row.pay_p50_ms = roundMs(pay.p50)
    row.pay_p99_ms = roundMs(pay.p99)
  }
  return row
}

/** CPU microseconds over wall seconds, as % of one core, one decimal. */
export function cpuPercent(cpuMicros: number, wallSeconds: number): number {
  return wallSeconds > 0 ? Math.round((cpuMicros / (wallSeconds * 1e6)) * 1000) / 10 : 0
}

export function capacityRow(p: {
  path: CapacityPath
  run?: number
  outcome: LoadOutcome
  segmentSeconds: number
  serverCpuMicros: number
  generatorCpuMicros: number
  wallSeconds: number
  idleCpuPct?: number
}): CapacityRow {
  const viewerSeconds = p.outcome.ok * p.segmentSeconds
  const paying = p.path === 'paywall' || p.path === 'edge'
  return {
    path: p.path,
    run: p.run ?? 1,
    viewers: p.outcome.viewers,
    viewer_seconds: viewerSeconds,
    server_cpu_ms: Math.round(p.serverCpuMicros / 1000),
    cpu_us_per_viewer_second: viewerSeconds > 0 ? Math.round((p.serverCpuMicros / viewerSeconds) * 10) / 10 : null,
    segment_p99_ms: roundMs(latencyStats(p.outcome.segmentMs).p99),
    pay_p99_ms: paying ? roundMs(latencyStats(p.outcome.payMs).p99) : null,
    errors: Object.values(p.outcome.errors).reduce((sum, n) => sum + n, 0),
    generator_cpu_pct: cpuPercent(p.generatorCpuMicros, p.wallSeconds),
    idle_cpu_pct: p.idleCpuPct ?? null,
  }
}

/** Host CPU per accepted payment, gross and less what the host spends idle over the same time, in µs. */
export function cpuPerPayment(t: Pick<Throughput, 'accepted' | 'host_cpu_ms' | 'host_idle_cpu_ms'>): { gross: number; net: number } {
  if (t.accepted === 0) return { gross: 0, net: 0 }
  return { gross: Math.round((t.host_cpu_ms * 1000) / t.accepted), net: Math.round((Math.max(0, t.host_cpu_ms - t.host_idle_cpu_ms) * 1000) / t.accepted) }
}

/** The capacity figures from every run's rows: each path's median, and the paywall-over-static ratio run by run. */
export function capacityFigures(viewers: number, rows: CapacityRow[]): Capacity {
  const ofPath = (path: CapacityPath) => rows.filter((row) => row.path === path)
  const cost = (path: CapacityPath) => median(ofPath(path).map((row) => row.cpu_us_per_viewer_second))
  const perCore = (path: CapacityPath) => {
    const us = cost(path)
    return us !== null && us > 0 ? Math.floor(1e6 / us) : null
  }
  const pay = (path: CapacityPath) => median(ofPath(path).map((row) => row.pay_p99_ms))
  const sameRun = (path: CapacityPath, run: number) => rows.find((row) => row.path === path && row.run === run)?.cpu_us_per_viewer_second
  return {
    viewers,
    rows,
    cpu_us_per_viewer_second: { static: cost('static'), proxy: cost('proxy'), paywall: cost('paywall'), edge: cost('edge') },
    paywall_over_static: median(ofPath('paywall').map((row) => ratio(row.cpu_us_per_viewer_second, sameRun('static', row.run)))),
    viewers_per_core: { paywall: perCore('paywall'), edge: perCore('edge') },
    pay_p99_ms: { paywall: pay('paywall'), edge: pay('edge') },
  }
}

/** The latency rows whose generators kept up, and the ones dropped because they did not. */
export function keptLatency(rows: readonly LatencyRow[]): { kept: LatencyRow[]; dropped: LatencyRow[] } {
  const saturated = (row: LatencyRow) => (row.generator_cpu_pct ?? 0) >= GENERATOR_SATURATED_PCT
  return { kept: rows.filter((row) => !saturated(row)), dropped: rows.filter(saturated) }
}

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && b > 0 ? Math.round((a / b) * 100) / 100 : null)

/** The median of the values that exist (the middle one, or the mean of the two middle ones); null when none do. */
export function median(values: ReadonlyArray<number | null | undefined>): number | null {
  const known = values.filter((v): v is number => v != null).sort((a, b) => a - b)
  if (known.length === 0) return null
  const mid = Math.floor(known.length / 2)
  return known.length % 2 === 1 ? known[mid] : Math.round(((known[mid - 1] + known[mid]) / 2) * 100) / 100
}

function runsOf(rows: readonly LatencyRow[], viewers: number, path: BenchPath): LatencyRow[] {
  return rows.filter((row) => row.viewers === viewers && row.path === path)
}

/** Paywall over proxy per level: each run of the paywall against the same run of the proxy, then the median. */
export function paywallVsProxy(rows: readonly LatencyRow[]): Ratio[] {
  const levels = [...new Set(rows.map((row) => row.viewers))].sort((a, b) => a - b)
  return levels.flatMap((viewers) => {
    const proxy = runsOf(rows, viewers, 'proxy')
    const paywall = runsOf(rows, viewers, 'paywall')
    if (proxy.length === 0 || paywall.length === 0) return []
    const pairs = paywall.map((row, i) => [row, proxy[Math.min(i, proxy.length - 1)]] as const)
    return [
      {
        viewers,
        p50_ratio: median(pairs.map(([pay, plain]) => ratio(pay.p50_ms, plain.p50_ms))),
        p99_ratio: median(pairs.map(([pay, plain]) => ratio(pay.p99_ms, plain.p99_ms))),
        runs: pairs.length,
        errors: paywall.reduce((sum, row) => sum + row.errors, 0),
      },
    ]
  })
}

export function loopDelayRatio(rows: readonly LatencyRow[]): number | null {
  const top = Math.max(...rows.map((row) => row.viewers))
  const proxy = runsOf(rows, top, 'proxy')
  const paywall = runsOf(rows, top, 'paywall')
  return median(paywall.map((row, i) => ratio(row.server_loop_p99_ms, proxy[Math.min(i, proxy.length - 1)]?.server_loop_p99_ms)))
}

/** (max - min) / median of the runs' figures: 0.1 means the runs lie within ±10% of each other, roughly. */
export function spread(values: readonly number[]): number {
  const mid = median(values)
  if (mid === null || mid === 0) return 0
  return Math.round(((Math.max(...values) - Math.min(...values)) / mid) * 100) / 100
}

export const TARGETS = {
  verifyPerSec: 3_000,
  /** Issue 23: at most 1.5x the signature check's own cost (about 70 µs here). */
  cpuUsPerPayment: 100,
  paymentsPerSec: 10_000,
  /** Paywall host CPU per viewer-second over the static server's, for the same bytes. */
  paywallOverStatic: 1.5,
  edgeCpuUsPerViewerSecond: 60,
  edgeViewersPerCore: 5_000,
  paywallViewersPerCore: 2_500,
  /** The payment acknowledgement p99 the viewers-per-core projections must hold at. */
  payAckP99Ms: 50,
  p99Ratio: 1.2,
  targetViewers: 2_000,
  loopDelayRatio: 1.5,
  ttffPaidMinusFreeMs: 50,
  /** A returning viewer (same host, channel still open) starts within this of the free page loaded again (issue 21). */
  ttffReturningPaidMinusFreeMs: 20,
  /** The player's first-load scripts on the wire may exceed hls.js's own, gzipped, by this much (issue 21). */
  playerJsOverHlsBytes: 120_000,
  openP50Ms: 20,
  heapBytes: 4 * 1024,
  heapSpread: 0.2,
} as const

function capacityVerdicts(c: Capacity): TargetVerdict[] {
  const { static: plain, paywall, edge } = c.cpu_us_per_viewer_second
  const us = (value: number | null) => (value === null ? 'not measured' : `${value} µs`)
  const overStatic = c.paywall_over_static
  const perCore = (path: 'paywall' | 'edge', wanted: number): TargetVerdict => {
    const viewers = c.viewers_per_core[path]
    const pay = c.pay_p99_ms[path]
    return {
      name: `projected viewers per host core, ${path === 'edge' ? 'edge mode' : 'host serves the bytes'} (2 s segments, from ${c.viewers} viewers)`,
      target: `>= ${wanted}, payment ack p99 <= ${TARGETS.payAckP99Ms} ms`,
      value: viewers === null ? 'not measured' : `${viewers}, ack p99 ${pay ?? '-'} ms`,
      met: viewers !== null && viewers >= wanted && pay !== null && pay <= TARGETS.payAckP99Ms,
    }
  }
  return [
    {
      name: 'paywall host CPU per viewer-second / static server\'s, same bytes',
      target: `<= ${TARGETS.paywallOverStatic}x`,
      value: overStatic === null ? 'not measured' : `${overStatic}x (${us(paywall)} vs ${us(plain)}; median of ${c.rows.filter((row) => row.path === 'paywall').length} run(s))`,
      met: overStatic !== null && overStatic <= TARGETS.paywallOverStatic,
    },
    { name: 'edge host CPU per viewer-second', target: `<= ${TARGETS.edgeCpuUsPerViewerSecond} µs`, value: us(edge), met: edge !== null && edge <= TARGETS.edgeCpuUsPerViewerSecond },
    perCore('edge', TARGETS.edgeViewersPerCore),
    perCore('paywall', TARGETS.paywallViewersPerCore),
  ]
}

export function targetVerdicts(r: Omit<BenchResults, 'targets'>): TargetVerdict[] {
  const top = r.paywall_vs_proxy.find((row) => row.viewers === TARGETS.targetViewers)
  const ms = (value: number | null) => (value === null ? 'not measured' : `${value} ms`)
  return [
    { name: 'verified updates per second per core', target: `>= ${TARGETS.verifyPerSec}`, value: String(r.verify.native_per_sec), met: r.verify.native_per_sec >= TARGETS.verifyPerSec },
    { name: 'host CPU per accepted payment (durability ' + String(r.setup['host durability']) + ')', target: `<= ${TARGETS.cpuUsPerPayment} µs`, value: `${r.cpu_us_per_payment} µs`, met: r.cpu_us_per_payment > 0 && r.cpu_us_per_payment <= TARGETS.cpuUsPerPayment },
    { name: 'payments per second one host core accepts, sustained', target: `>= ${TARGETS.paymentsPerSec}`, value: String(r.throughput.payments_per_sec), met: r.throughput.payments_per_sec >= TARGETS.paymentsPerSec },
    {
      name: `paywall p99 / proxy p99 at ${TARGETS.targetViewers} viewers (median of runs), 0 errors`,
      target: `<= ${TARGETS.p99Ratio}x, 0 errors`,
      value: top ? `${top.p99_ratio}x over ${top.runs} runs, ${top.errors} errors` : 'not measured',
      met: top?.p99_ratio != null && top.p99_ratio <= TARGETS.p99Ratio && top.errors === 0,
    },
    ...capacityVerdicts(r.capacity),
    { name: 'host event-loop delay p99 / proxy p99', target: `<= ${TARGETS.loopDelayRatio}x`, value: r.loop_delay_ratio === null ? 'not measured' : `${r.loop_delay_ratio}x`, met: r.loop_delay_ratio !== null && r.loop_delay_ratio <= TARGETS.loopDelayRatio },
    { name: 'time to first frame, paid - free, Chromium, loopback', target: `<= +${TARGETS.ttffPaidMinusFreeMs} ms`, value: ms(r.ttff.paid_minus_free_ms), met: r.ttff.paid_minus_free_ms !== null && r.ttff.paid_minus_free_ms <= TARGETS.ttffPaidMinusFreeMs },
    {
      name: 'time to first frame, returning viewer, paid - free, loopback, no new channel',
      target: `<= +${TARGETS.ttffReturningPaidMinusFreeMs} ms, 0 new channels`,
      value: `${ms(r.ttff.returning_paid_minus_free_ms)}, ${r.ttff.returning_new_channels} new channels`,
      met: r.ttff.returning_paid_minus_free_ms !== null && r.ttff.returning_paid_minus_free_ms <= TARGETS.ttffReturningPaidMinusFreeMs && r.ttff.returning_new_channels === 0,
    },
    { name: `time to first frame, paid - free, ${r.ttff.rtt_ms} ms RTT`, target: `<= 1 RTT (${r.ttff.rtt_ms} ms)`, value: ms(r.ttff.rtt_paid_minus_free_ms), met: r.ttff.rtt_paid_minus_free_ms !== null && r.ttff.rtt_paid_minus_free_ms <= r.ttff.rtt_ms },
    {
      name: "the player's first-load JavaScript on the wire (brotli) vs hls.js's own, gzipped",
      target: `<= hls.js + ${TARGETS.playerJsOverHlsBytes / 1000} KB`,
      value: `${(r.assets.player_js_wire_bytes / 1000).toFixed(1)} KB vs ${(r.assets.hls_js_gzip_bytes / 1000).toFixed(1)} KB (brotli both: +${((r.assets.player_js_wire_bytes - r.assets.hls_js_wire_bytes) / 1000).toFixed(1)} KB)`,
      met: r.assets.player_js_wire_bytes > 0 && r.assets.player_js_wire_bytes <= r.assets.hls_js_gzip_bytes + TARGETS.playerJsOverHlsBytes,
    },
    { name: 'channel open p50 on devnet', target: `<= ${TARGETS.openP50Ms} ms`, value: ms(r.open.p50_ms), met: r.open.p50_ms !== null && r.open.p50_ms <= TARGETS.openP50Ms },
    {
      name: `heap per open channel at ${r.heap.channels}, stable over ${r.heap.runs.length} runs`,
      target: `<= ${TARGETS.heapBytes} B, runs within ±${(TARGETS.heapSpread / 2) * 100}%`,
      value: `${r.heap_bytes_per_channel} B (runs ${r.heap.runs.map((run) => run.per_channel).join(', ')})`,
      met: r.heap.runs.length > 0 && r.heap_bytes_per_channel <= TARGETS.heapBytes && r.heap.spread <= TARGETS.heapSpread,
    },
  ]
}
