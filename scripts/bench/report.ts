// The bench's results: the JSON written to bench/results.json, the target verdicts and the markdown table. Pure.
import { latencyStats, roundMs } from '../fleet/percentiles.ts'
import type { LoadOutcome } from './segment-load.ts'
import type { LoopDelay } from './loop-delay.ts'
import type { VerifyResult } from './verify.ts'

export type BenchPath = 'static' | 'proxy' | 'paywall'

export interface LatencyRow {
  viewers: number
  path: BenchPath
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
}

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

export interface BenchResults {
  when: string
  quick: boolean
  machine: Machine
  setup: Record<string, unknown>
  verify: VerifyResult
  latency: LatencyRow[]
  paywall_vs_proxy: Array<{ viewers: number; p50_ratio: number | null; p99_ratio: number | null }>
  open: { p50_ms: number | null; p99_ms: number | null; count: number; host_p50_ms: number | null; host_p99_ms: number | null }
  heap_bytes_per_channel: number
  heap: { channels: number; heap_before: number; heap_after: number; rss_before: number; rss_after: number; extrapolated_from: number | null }
  cpu_us_per_payment: number
  cpu: { payments: number; cpu_ms: number }
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

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && b > 0 ? Math.round((a / b) * 100) / 100 : null)

export function paywallVsProxy(rows: readonly LatencyRow[]): BenchResults['paywall_vs_proxy'] {
  const levels = [...new Set(rows.map((row) => row.viewers))]
  return levels.flatMap((viewers) => {
    const proxy = rows.find((row) => row.viewers === viewers && row.path === 'proxy')
    const paywall = rows.find((row) => row.viewers === viewers && row.path === 'paywall')
    return proxy && paywall ? [{ viewers, p50_ratio: ratio(paywall.p50_ms, proxy.p50_ms), p99_ratio: ratio(paywall.p99_ms, proxy.p99_ms) }] : []
  })
}

export const TARGETS = { verifyPerSec: 3_000, p99Ratio: 1.5, heapBytes: 8 * 1024, openP50Ms: 50, targetViewers: 500 } as const

export function targetVerdicts(r: Omit<BenchResults, 'targets'>): TargetVerdict[] {
  const at500 = r.paywall_vs_proxy.find((row) => row.viewers === TARGETS.targetViewers)
  const paywall500 = r.latency.find((row) => row.viewers === TARGETS.targetViewers && row.path === 'paywall')
  return [
    {
      name: 'verified updates per second per core',
      target: `>= ${TARGETS.verifyPerSec}`,
      value: String(r.verify.native_per_sec),
      met: r.verify.native_per_sec >= TARGETS.verifyPerSec,
    },
    {
      name: `paywall p99 / proxy p99 at ${TARGETS.targetViewers} viewers, 0 errors`,
      target: `<= ${TARGETS.p99Ratio}x, 0 errors`,
      value: at500 && paywall500 ? `${at500.p99_ratio}x, ${paywall500.errors} errors` : 'not measured',
      met: at500?.p99_ratio != null && at500.p99_ratio <= TARGETS.p99Ratio && paywall500?.errors === 0,
    },
    {
      name: 'heap per open channel',
      target: `<= ${TARGETS.heapBytes} B`,
      value: `${r.heap_bytes_per_channel} B`,
      met: r.heap_bytes_per_channel <= TARGETS.heapBytes,
    },
    {
      name: 'channel open p50 on devnet',
      target: `<= ${TARGETS.openP50Ms} ms`,
      value: `${r.open.p50_ms} ms`,
      met: r.open.p50_ms !== null && r.open.p50_ms <= TARGETS.openP50Ms,
    },
  ]
}

const cell = (value: unknown) => (value === null || value === undefined ? '-' : String(value))

export function markdownReport(r: BenchResults): string {
  const lines = [
    `## Benchmark (${r.quick ? 'quick' : 'full'} run, ${r.when})`,
    '',
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memory_gb} GB, Node ${r.machine.node}, ${r.machine.platform}.`,
    `Setup: ${Object.entries(r.setup).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    '| update verification (one core) | per second |',
    '|---|---|',
    `| native (checkUpdate, libsecp256k1: the host's engine) | ${r.verify.native_per_sec} |`,
    `| native (checkUpdate, OpenSSL: the fallback) | ${r.verify.openssl_per_sec} |`,
    `| full interpreter | ${r.verify.interpreter_per_sec} |`,
    `| ratio | ${r.verify.ratio}x |`,
    '',
    '| viewers | path | p50 ms | p99 ms | req/s | errors | pay p50 ms | pay p99 ms | p99 vs proxy | server loop delay p99 ms |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...r.latency.map((row) => {
      const vs = row.path === 'paywall' ? r.paywall_vs_proxy.find((v) => v.viewers === row.viewers)?.p99_ratio : null
      return `| ${row.viewers} | ${row.path} | ${cell(row.p50_ms)} | ${cell(row.p99_ms)} | ${row.rps} | ${row.errors} | ${cell(row.pay_p50_ms)} | ${cell(row.pay_p99_ms)} | ${vs == null ? '' : `${vs}x`} | ${cell(row.server_loop_p99_ms)} |`
    }),
    '',
    '| measure | value |',
    '|---|---|',
    `| channel open p50 / p99 (viewer's ChannelSession.open, ${r.open.count} opens) | ${cell(r.open.p50_ms)} / ${cell(r.open.p99_ms)} ms |`,
    `| of which host (open request to fund acknowledgement) p50 / p99 | ${cell(r.open.host_p50_ms)} / ${cell(r.open.host_p99_ms)} ms |`,
    `| heap per open channel (${r.heap.channels} channels${r.heap.extrapolated_from ? `, measured with ${r.heap.extrapolated_from}` : ''}) | ${r.heap_bytes_per_channel} B |`,
    `| host CPU per accepted payment (${r.cpu.payments} payments) | ${r.cpu_us_per_payment} µs |`,
    '',
    '| target | wanted | measured | met |',
    '|---|---|---|---|',
    ...r.targets.map((t) => `| ${t.name} | ${t.target} | ${t.value} | ${t.met ? 'yes' : 'NO'} |`),
  ]
  return lines.join('\n')
}
