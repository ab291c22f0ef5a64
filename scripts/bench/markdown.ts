// The bench's report as a markdown table, from the results alone. Pure.
import type { Ttff } from './phases/ttff.ts'
import type { BenchResults } from './report.ts'

const cell = (value: unknown) => (value === null || value === undefined ? '-' : String(value))

export function markdownReport(r: BenchResults): string {
  const t = r.ttff
  const lines = [
    `## Benchmark (${r.quick ? 'quick' : 'full'} run, ${r.when})`,
    '',
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memory_gb} GB, Node ${r.machine.node}, ${r.machine.platform}.`,
    `Setup: ${Object.entries(r.setup).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    `Load generator: ${r.generator.processes} processes of their own, ${r.generator.cpu_ms} ms of CPU over the run.`,
    `Cores: ${r.pinning}.`,
    ...r.notes.map((note) => `Note: ${note}.`),
    '',
    '| update verification (one core) | per second |',
    '|---|---|',
    `| native (checkUpdate, libsecp256k1: the host's engine) | ${r.verify.native_per_sec} |`,
    `| native (checkUpdate, OpenSSL: the fallback) | ${r.verify.openssl_per_sec} |`,
    `| full interpreter | ${r.verify.interpreter_per_sec} |`,
    `| ratio | ${r.verify.ratio}x |`,
    '',
    `| path (${r.capacity.viewers} viewers, below saturation) | run | server CPU µs per viewer-second | viewers per core | segment p99 ms | pay p99 ms | errors | generators' CPU % of a core | server idle CPU % (before) |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...r.capacity.rows.map(
      (row) =>
        `| ${row.path} | ${row.run} | ${cell(row.cpu_us_per_viewer_second)} | ${row.cpu_us_per_viewer_second ? Math.floor(1e6 / row.cpu_us_per_viewer_second) : '-'} | ${cell(row.segment_p99_ms)} | ${cell(row.pay_p99_ms)} | ${row.errors} | ${row.generator_cpu_pct} | ${cell(row.idle_cpu_pct)} |`,
    ),
    '',
    '| viewers | path | run | p50 ms | p99 ms | req/s | errors | pay p50 ms | pay p99 ms | server loop delay p99 ms | generators\' CPU % |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.latency.map(
      (row) =>
        `| ${row.viewers} | ${row.path} | ${cell(row.run)} | ${cell(row.p50_ms)} | ${cell(row.p99_ms)} | ${row.rps} | ${row.errors} | ${cell(row.pay_p50_ms)} | ${cell(row.pay_p99_ms)} | ${cell(row.server_loop_p99_ms)} | ${cell(row.generator_cpu_pct)} |`,
    ),
    ...(r.latency_dropped.length > 0 ? ['', `Dropped (load generators saturated): ${r.latency_dropped.map((row) => `${row.viewers} ${row.path} run ${row.run} at ${row.generator_cpu_pct} %`).join('; ')}.`] : []),
    '',
    '| viewers | paywall / proxy p50 | paywall / proxy p99 | runs |',
    '|---|---|---|---|',
    ...r.paywall_vs_proxy.map((v) => `| ${v.viewers} | ${cell(v.p50_ratio)}x | ${cell(v.p99_ratio)}x | ${v.runs} |`),
    '',
    '| measure | value |',
    '|---|---|',
    `| payments accepted per second, sustained (${r.throughput.channels} channels, ${r.throughput.seconds} s) | ${r.throughput.payments_per_sec} (${r.throughput.refused} refused) |`,
    `| host CPU per accepted payment (${r.cpu.payments} payments); less the host's idle CPU | ${r.cpu_us_per_payment} µs; ${r.cpu_us_per_payment_net_of_idle} µs |`,
    `| host event-loop delay p99 / proxy's, at the largest level | ${cell(r.loop_delay_ratio)}x |`,
    ...ttffRows(t),
    `| channel open p50 / p99 (viewer's ChannelSession.open, ${r.open.count} opens) | ${cell(r.open.p50_ms)} / ${cell(r.open.p99_ms)} ms |`,
    `| of which host (open request to fund acknowledgement) p50 / p99 | ${cell(r.open.host_p50_ms)} / ${cell(r.open.host_p99_ms)} ms |`,
    `| heap per open channel (${r.heap.channels} channels${r.heap.extrapolated_from ? `, measured with ${r.heap.extrapolated_from}` : ''}; runs ${r.heap.runs.map((run) => run.per_channel).join(', ')}) | ${r.heap_bytes_per_channel} B |`,
    '',
    ...waterfallTable(t),
    '',
    ...targetsTable(r),
  ]
  return lines.join('\n')
}

/** Every target of the issues with what this run measured, and whether it is met. */
export function targetsTable(r: BenchResults): string[] {
  return [
    '| target | wanted | measured | met |',
    '|---|---|---|---|',
    ...r.targets.map((target) => `| ${target.name} | ${target.target} | ${target.value} | ${target.met ? 'yes' : 'NO'} |`),
  ]
}

const README_START = '<!-- bench:start -->'
const README_END = '<!-- bench:end -->'

/**
 * The README with its benchmark section (between the bench's two markers) replaced by this run's targets: what run,
 * where, and each figure against its target. Throws when the markers are missing, rather than write elsewhere.
 */
export function withReadmeSection(readme: string, r: BenchResults): string {
  const start = readme.indexOf(README_START)
  const end = readme.indexOf(README_END)
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} section for the bench to write`)
  const section = [
    README_START,
    `From \`npm run bench -- ${r.quick ? '--quick ' : ''}--readme\` on ${r.when.slice(0, 10)}: ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}; ${r.pinning}. Every figure and how it is measured: [docs/benchmark.md](docs/benchmark.md).`,
    '',
    ...targetsTable(r),
    '',
  ].join('\n')
  return readme.slice(0, start) + section + readme.slice(end)
}

function ttffRows(t: Ttff): string[] {
  return [
    `| time to first frame, loopback: free / paid / paid - free (${t.loads} loads each, medians) | ${cell(t.free_ms)} / ${cell(t.paid_ms)} / ${cell(t.paid_minus_free_ms)} ms |`,
    `| time to first frame, returning viewer (loaded again, channel open): free / paid / paid - free | ${cell(t.returning_free_ms)} / ${cell(t.returning_paid_ms)} / ${cell(t.returning_paid_minus_free_ms)} ms (new channels: ${t.returning_new_channels}) |`,
    `| time to first frame, ${t.rtt_ms} ms RTT: free / paid / paid - free (${t.rtt_loads} loads each) | ${cell(t.rtt_free_ms)} / ${cell(t.rtt_paid_ms)} / ${cell(t.rtt_paid_minus_free_ms)} ms |`,
  ]
}

/** The paid start, step by step: median start and end since navigation, on loopback and with the round-trip time. */
function waterfallTable(t: Ttff): string[] {
  const rtt = new Map(t.rtt_waterfall.map((row) => [row.step, row]))
  const steps = [...new Set([...t.waterfall.map((row) => row.step), ...t.rtt_waterfall.map((row) => row.step)])]
  const loopback = new Map(t.waterfall.map((row) => [row.step, row]))
  const span = (row: { start_ms: number | null; end_ms: number | null } | undefined) => (row ? `${cell(row.start_ms)} → ${cell(row.end_ms)}` : '-')
  return [
    `| paid start, step (median ms since navigation) | loopback | ${t.rtt_ms} ms RTT |`,
    '|---|---|---|',
    ...steps.map((step) => `| ${step} | ${span(loopback.get(step))} | ${span(rtt.get(step))} |`),
  ]
}

/** `--only ttff`: its rows and the waterfall. */
export function ttffReport(t: Ttff): string {
  return ['| measure | value |', '|---|---|', ...ttffRows(t), '', ...waterfallTable(t)].join('\n')
}
