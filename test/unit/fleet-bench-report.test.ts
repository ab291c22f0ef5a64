import assert from 'node:assert/strict'
import { test } from 'node:test'
import { latencySvg } from '../../scripts/bench/latency-svg.ts'
import { markdownReport } from '../../scripts/bench/markdown.ts'
import { latencyRow, loopDelayRatio, median, paywallVsProxy, spread, targetVerdicts, type BenchResults } from '../../scripts/bench/report.ts'
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
    verify: { native_per_sec: 5_000, openssl_per_sec: 2_500, interpreter_per_sec: 300, ratio: 16.7 },
    latency,
    paywall_vs_proxy: paywallVsProxy(latency),
    loop_delay_ratio: loopDelayRatio(latency),
    open: { p50_ms: 18, p99_ms: 30, count: 10, host_p50_ms: 10, host_p99_ms: 20 },
    heap_bytes_per_channel: 3_000,
    heap: { channels: 10_000, heap_before: 0, heap_after: 0, rss_before: 0, rss_after: 0, extrapolated_from: null, runs: [heapRun, { ...heapRun, per_channel: 3_100 }, heapRun], spread: spread([3_000, 3_100, 3_000]) },
    cpu_us_per_payment: 140,
    cpu: { payments: 60_000, cpu_ms: 8_400 },
    throughput: { payments_per_sec: 6_500, accepted: 65_000, refused: 0, seconds: 10, channels: 2_000, host_cpu_ms: 9_100, generator_cpu_ms: 4_000 },
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
      cpu_us_per_payment: 151,
      throughput: { ...results().throughput, payments_per_sec: 5_999 },
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
  const unstable = targetVerdicts(results({ heap: { ...results().heap, spread: 0.3 } }))
  assert.equal(unstable.at(-1)!.met, false, 'a heap figure that moves more than ±10% between runs is not met')
  const unmeasured = targetVerdicts(results({ latency: [], paywall_vs_proxy: [] }))
  assert.equal(unmeasured[3].met, false)
  assert.equal(unmeasured[3].value, 'not measured')
  const newChannel = targetVerdicts(results({ ttff: { ...results().ttff, returning_new_channels: 1 } }))
  assert.equal(newChannel.find((t) => t.name.startsWith('time to first frame, returning'))!.met, false, 'a returning viewer that opened a channel misses, however fast')
})

test('the markdown report names the machine and every target; the SVG draws the three paths', () => {
  const full = results()
  const text = markdownReport({ ...full, targets: targetVerdicts(full) })
  assert.match(text, /test cpu, 2 cores/)
  assert.match(text, /\| 2000 \| paywall \| - \| 14 \| 22 \|/)
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
