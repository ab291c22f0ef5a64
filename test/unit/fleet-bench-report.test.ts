import assert from 'node:assert/strict'
import { test } from 'node:test'
import { latencySvg } from '../../scripts/bench/latency-svg.ts'
import { markdownReport } from '../../scripts/bench/markdown.ts'
import { withReadmeSection } from '../../scripts/bench/markdown.ts'
import { capacityFigures, capacityRow, cpuPerPayment, keptLatency, latencyRow, loopDelayRatio, median, paywallVsProxy, spread, targetVerdicts, type BenchResults, type CapacityPath } from '../../scripts/bench/report.ts'
import { faucetAmounts, splitFee } from '../../scripts/fleet/fleet-wallet.ts'

const outcome = (segmentMs: number[], errors: Record<string, number> = {}) => ({ viewers: 10, segmentMs, payMs: segmentMs.map((ms) => ms * 2), ok: segmentMs.length, errors, seconds: 2 })

test('a latency row has nearest-rank percentiles, requests per second and errors; paywall rows add payment latency', () => {
  const samples = Array.from({ length: 100 }, (_, i) => i + 1)
  const row = latencyRow(500, 'paywall', outcome(samples, { http_502: 1, update_stale: 2 }))
  assert.equal(row.p50_ms, 50)
  assert.equal(row.p99_ms, 99)
  assert.equal(row.rps, 50)
  assert.equal(row.errors, 3)
  assert.equal(row.requests, 103)
  assert.equal(row.pay_p99_ms, 198)
  assert.equal(latencyRow(500, 'proxy', outcome(samples)).pay_p50_ms, undefined)
})

/** A capacity row: `cpuUs` µs of server CPU per viewer-second over 100 segments of 2 s. */
const capacity = (path: CapacityPath, cpuUs: number, payMs = 10) =>
  capacityRow({ path, outcome: { ...outcome(Array(100).fill(5)), payMs: Array(100).fill(payMs) }, segmentSeconds: 2, serverCpuMicros: cpuUs * 200, generatorCpuMicros: 500_000, wallSeconds: 2 })

test('a capacity row charges the server with CPU per second of video delivered, and the generators beside it', () => {
  const row = capacityRow({ path: 'paywall', outcome: { ...outcome(Array(50).fill(5), { update_stale: 1 }), payMs: Array(50).fill(30) }, segmentSeconds: 2, serverCpuMicros: 4_000_000, generatorCpuMicros: 1_200_000, wallSeconds: 8 })
  assert.deepEqual(row, {
    path: 'paywall',
    run: 1,
    viewers: 10,
    viewer_seconds: 100,
    server_cpu_ms: 4_000,
    cpu_us_per_viewer_second: 40_000,
    segment_p99_ms: 5,
    pay_p99_ms: 30,
    errors: 1,
    generator_cpu_pct: 15,
    idle_cpu_pct: null,
  })
  assert.equal(capacityRow({ path: 'edge', outcome: outcome([5]), segmentSeconds: 2, serverCpuMicros: 1, generatorCpuMicros: 0, wallSeconds: 1, idleCpuPct: 12.5 }).idle_cpu_pct, 12.5)
  assert.equal(capacity('static', 10).pay_p99_ms, null, 'a free path has no payment latency')
  const nothing = capacityRow({ path: 'static', outcome: outcome([]), segmentSeconds: 2, serverCpuMicros: 1000, generatorCpuMicros: 0, wallSeconds: 0 })
  assert.equal(nothing.cpu_us_per_viewer_second, null, 'no video delivered is no figure, not infinity')
  assert.equal(nothing.generator_cpu_pct, 0)
})

test('capacity figures give CPU per viewer-second for the four paths and viewers per core for the paying two', () => {
  const figures = capacityFigures(200, [capacity('static', 20), capacity('proxy', 25), capacity('paywall', 250), capacity('edge', 40)])
  assert.deepEqual(figures.cpu_us_per_viewer_second, { static: 20, proxy: 25, paywall: 250, edge: 40 })
  assert.deepEqual(figures.viewers_per_core, { paywall: 4_000, edge: 25_000 })
  assert.deepEqual(figures.pay_p99_ms, { paywall: 10, edge: 10 })
  assert.equal(figures.paywall_over_static, 12.5)
  const partial = capacityFigures(200, [capacity('static', 20)])
  assert.equal(partial.cpu_us_per_viewer_second.edge, null)
  assert.equal(partial.viewers_per_core.paywall, null)
  assert.equal(partial.paywall_over_static, null)
})

test('capacity runs: each path is its runs\' median, and paywall over static is taken run by run, then the median', () => {
  const inRun = (run: number, path: CapacityPath, us: number, pay?: number) => ({ ...capacity(path, us, pay), run })
  const figures = capacityFigures(200, [
    inRun(1, 'static', 100), inRun(1, 'paywall', 140, 5),
    // A run the machine slowed for both: its ratio stays what the host costs against the same seconds.
    inRun(2, 'static', 300), inRun(2, 'paywall', 360, 40),
    inRun(3, 'static', 110), inRun(3, 'paywall', 200, 9),
  ])
  assert.deepEqual([figures.cpu_us_per_viewer_second.static, figures.cpu_us_per_viewer_second.paywall], [110, 200])
  assert.equal(figures.paywall_over_static, 1.4, 'ratios 1.4, 1.2 and 1.82: the median')
  assert.equal(figures.pay_p99_ms.paywall, 9)
  assert.equal(figures.viewers_per_core.paywall, 5_000)
})

test('latency rows the load generators could not keep up with are dropped, not reported as the server\'s', () => {
  const rows = [
    { ...latencyRow(100, 'proxy', outcome([4])), generator_cpu_pct: 20 },
    { ...latencyRow(2000, 'proxy', outcome([40])), generator_cpu_pct: 80 },
    latencyRow(500, 'static', outcome([4])),
  ]
  const { kept, dropped } = keptLatency(rows)
  assert.deepEqual(kept.map((row) => row.viewers), [100, 500])
  assert.deepEqual(dropped.map((row) => row.viewers), [2000])
})

function results(overrides: Partial<BenchResults> = {}): Omit<BenchResults, 'targets'> {
  const latency = [
    latencyRow(2000, 'proxy', outcome([10, 10, 20]), { p50_ms: 1, p99_ms: 4, max_ms: 9 }),
    latencyRow(2000, 'paywall', outcome([12, 14, 22]), { p50_ms: 1, p99_ms: 5, max_ms: 9 }),
    latencyRow(100, 'proxy', outcome([4])),
  ]
  const heapRun = { per_channel: 3_000, heap_before: 0, heap_after: 0, rss_before: 0, rss_after: 0 }
  return {
    when: '2026-01-01T00:00:00Z',
    quick: true,
    machine: { cpu: 'test cpu', cores: 2, memory_gb: 8, node: 'v20', platform: 'linux x64' },
    setup: { 'host durability': 'full' },
    pinning: 'host on core 0',
    notes: [],
    verify: { native_per_sec: 5_000, openssl_per_sec: 2_500, interpreter_per_sec: 300, ratio: 16.7 },
    latency,
    latency_dropped: [],
    capacity: capacityFigures(200, [capacity('static', 100), capacity('proxy', 120), capacity('paywall', 150, 50), capacity('edge', 60, 20)]),
    paywall_vs_proxy: paywallVsProxy(latency),
    loop_delay_ratio: loopDelayRatio(latency),
    open: { p50_ms: 18, p99_ms: 30, count: 10, host_p50_ms: 10, host_p99_ms: 20 },
    heap_bytes_per_channel: 3_000,
    heap_runs: [3_000, 3_100, 3_000],
    heap: { channels: 10_000, heap_before: 0, heap_after: 0, rss_before: 0, rss_after: 0, extrapolated_from: null, runs: [heapRun, { ...heapRun, per_channel: 3_100 }, heapRun], spread: spread([3_000, 3_100, 3_000]) },
    cpu_us_per_payment: 100,
    cpu_us_per_payment_net_of_idle: 90,
    cpu: { payments: 60_000, cpu_ms: 8_400 },
    throughput: { payments_per_sec: 10_000, accepted: 65_000, refused: 0, seconds: 10, channels: 2_000, host_cpu_ms: 9_100, host_idle_cpu_ms: 900, generator_cpu_ms: 4_000 },
    ttff: {
      free_ms: 270,
      paid_ms: 300,
      paid_minus_free_ms: 30,
      returning_free_ms: 200,
      returning_paid_ms: 215,
      returning_paid_minus_free_ms: 15,
      returning_new_channels: 0,
      rtt_ms: 80,
      rtt_free_ms: 700,
      rtt_paid_ms: 770,
      rtt_paid_minus_free_ms: 70,
      loads: 5,
      rtt_loads: 5,
      waterfall: [{ step: 'socket', start_ms: 40, end_ms: 52.5, loads: 5 }, { step: 'first frame', start_ms: null, end_ms: 300, loads: 5 }],
      rtt_waterfall: [{ step: 'socket', start_ms: 60, end_ms: 221, loads: 5 }],
    },
    assets: { player_js_wire_bytes: 300_000, player_js_gzip_bytes: 350_000, hls_js_wire_bytes: 150_000, hls_js_gzip_bytes: 185_000, player_js_bytes: 1_000_000 },
    generator: { processes: 2, cpu_ms: 9_000 },
    ...overrides,
  }
}

test('CPU per payment is given gross and less the host\'s idle CPU over the same seconds', () => {
  assert.deepEqual(cpuPerPayment({ accepted: 10_000, host_cpu_ms: 2_000, host_idle_cpu_ms: 500 }), { gross: 200, net: 150 })
  assert.deepEqual(cpuPerPayment({ accepted: 10, host_cpu_ms: 1, host_idle_cpu_ms: 5 }), { gross: 100, net: 0 }, 'never below zero')
  assert.deepEqual(cpuPerPayment({ accepted: 0, host_cpu_ms: 5, host_idle_cpu_ms: 0 }), { gross: 0, net: 0 })
})

test('paywall-to-proxy ratios pair rows of the same audience and run, and take the median over runs', () => {
  assert.deepEqual(paywallVsProxy(results().latency), [{ viewers: 2000, p50_ratio: 1.4, p99_ratio: 1.1, runs: 1, errors: 0 }])
  const runs = [5, 7, 30].flatMap((paywall, i) => [
    { ...latencyRow(2000, 'proxy', outcome([5])), run: i + 1 },
    { ...latencyRow(2000, 'paywall', outcome([paywall])), run: i + 1 },
  ])
  assert.equal(paywallVsProxy(runs)[0].p99_ratio, 1.4, 'one bad run out of three does not decide the ratio')
  assert.equal(loopDelayRatio(results().latency), 1.25)
  assert.equal(median([3, null, 1, 2]), 2)
  assert.equal(median([1, 2, 3, 4]), 2.5)
})

test('each target is met or missed on its own threshold', () => {
  const met = targetVerdicts(results())
  assert.deepEqual(met.filter((t) => !t.met).map((t) => t.name), [])
  const missed = targetVerdicts(
    results({
      verify: { native_per_sec: 2_999, openssl_per_sec: 1, interpreter_per_sec: 1, ratio: 1 },
      cpu_us_per_payment: 101,
      throughput: { ...results().throughput, payments_per_sec: 9_999 },
      capacity: capacityFigures(200, [capacity('static', 100), capacity('paywall', 151, 50.1), capacity('edge', 60.1, 50.1)]),
      paywall_vs_proxy: [{ viewers: 2000, p50_ratio: 1, p99_ratio: 1.1, runs: 3, errors: 1 }],
      loop_delay_ratio: 1.51,
      ttff: { ...results().ttff, paid_minus_free_ms: 50.1, rtt_paid_minus_free_ms: 80.1, returning_paid_minus_free_ms: 20.1 },
      open: { p50_ms: 20.01, p99_ms: 80, count: 1, host_p50_ms: 1, host_p99_ms: 1 },
      heap_bytes_per_channel: 4_097,
      assets: { ...results().assets, player_js_wire_bytes: 305_001 },
    }),
  )
  assert.deepEqual(missed.filter((t) => t.met).map((t) => t.name), [])
  assert.match(missed[3].value, /1 errors/)
  assert.match(missed.find((t) => t.name.startsWith('paywall host CPU per viewer-second'))!.value, /^1\.51x \(151 µs vs 100 µs; median of 1 run\(s\)\)/)
  const slowAcks = targetVerdicts(results({ capacity: capacityFigures(200, [capacity('static', 100), capacity('paywall', 100, 50.1), capacity('edge', 10, 50.1)]) }))
  assert.deepEqual(slowAcks.filter((t) => !t.met).map((t) => t.name.split(',')[0]), ['projected viewers per host core', 'projected viewers per host core'], 'a projection whose payment ack p99 is over 50 ms is not met, however cheap')
  const noCapacity = targetVerdicts(results({ capacity: capacityFigures(200, []) }))
  assert.equal(noCapacity.filter((t) => t.value.startsWith('not measured')).length, 4)
  const unstable = targetVerdicts(results({ heap: { ...results().heap, spread: 0.3 } }))
  assert.equal(unstable.at(-1)!.met, false, 'a heap figure that moves more than ±10% between runs is not met')
  const unmeasured = targetVerdicts(results({ latency: [], paywall_vs_proxy: [], heap_runs: [], heap: { ...results().heap, runs: [] }, assets: { ...results().assets, player_js_wire_bytes: 0 } }))
  assert.equal(unmeasured[3].met, false)
  assert.equal(unmeasured[3].value, 'not measured')
  assert.equal(unmeasured.at(-1)!.met, false, 'a skipped heap phase is not a met heap target')
  assert.equal(unmeasured.find((t) => t.name.startsWith("the player's first-load"))!.met, false, 'skipped assets are not small assets')
  const newChannel = targetVerdicts(results({ ttff: { ...results().ttff, returning_new_channels: 1 } }))
  assert.equal(newChannel.find((t) => t.name.startsWith('time to first frame, returning'))!.met, false, 'a returning viewer that opened a channel misses, however fast')
})

test('the markdown report names the machine and every target; the SVG draws the three paths', () => {
  const full = results()
  const text = markdownReport({ ...full, targets: targetVerdicts(full) })
  assert.match(text, /test cpu, 2 cores/)
  assert.match(text, /\| 2000 \| paywall \| - \| 14 \| 22 \|/)
  assert.match(text, /\| edge \| 1 \| 60 \| 16666 \|/)
  assert.match(text, /Cores: host on core 0\./)
  assert.equal((text.match(/\| yes \|/g) ?? []).length, targetVerdicts(full).length)
  assert.match(text, /\| socket \| 40 → 52\.5 \| 60 → 221 \|/, 'the waterfall pairs each step on loopback and with the RTT')
  assert.match(text, /\| first frame \| - → 300 \| - \|/)
  const svg = latencySvg(full.latency, 'test')
  assert.equal((svg.match(/<polyline/g) ?? []).length, 3)
  assert.match(svg, />paywall</)
})

test('fleet funding asks the faucet in capped amounts and pays the split fee by size', () => {
  assert.deepEqual(faucetAmounts(25, 10), [10, 10, 5])
  assert.deepEqual(faucetAmounts(10, 10), [10])
  assert.ok(splitFee(1, 5_000, { satoshis: 100, bytes: 1000 }) >= 5_000 * 34 * 0.1)
})

test("--readme: the bench's section of the README is this run's targets, and nothing else of the README changes", () => {
  const full = { ...results(), targets: targetVerdicts(results()) }
  const readme = ['# Title', '', '## Benchmark', '<!-- bench:start -->', 'old figures', '<!-- bench:end -->', '', '## More', 'kept'].join('\n')
  const written = withReadmeSection(readme, full)
  assert.ok(written.startsWith('# Title\n\n## Benchmark\n<!-- bench:start -->\nFrom `npm run bench -- --quick --readme` on 2026-01-01'))
  assert.ok(written.endsWith('<!-- bench:end -->\n\n## More\nkept'))
  assert.doesNotMatch(written, /old figures/)
  for (const target of full.targets) assert.ok(written.includes(`| ${target.name} | ${target.target} | ${target.value} |`), target.name)
  assert.equal(withReadmeSection(written, full), written, 'writing it again changes nothing')
  assert.throws(() => withReadmeSection('# no markers', full), /no <!-- bench:start -->/)
})
