import assert from 'node:assert/strict'
import { test } from 'node:test'
import { latencyRow, markdownReport, paywallVsProxy, targetVerdicts, type BenchResults } from '../../scripts/bench/report.ts'
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
    latencyRow(500, 'proxy', outcome([10, 10, 20])),
    latencyRow(500, 'paywall', outcome([12, 14, 30])),
    latencyRow(100, 'proxy', outcome([4])),
  ]
  return {
    when: '2026-01-01T00:00:00Z',
    quick: true,
    machine: { cpu: 'test cpu', cores: 2, memory_gb: 8, node: 'v20', platform: 'linux x64' },
    setup: {},
    verify: { native_per_sec: 5_000, openssl_per_sec: 2_500, interpreter_per_sec: 300, ratio: 16.7 },
    latency,
    paywall_vs_proxy: paywallVsProxy(latency),
    open: { p50_ms: 40, p99_ms: 60, count: 10, host_p50_ms: 20, host_p99_ms: 30 },
    heap_bytes_per_channel: 4_000,
    heap: { channels: 10_000, heap_before: 0, heap_after: 0, rss_before: 0, rss_after: 0, extrapolated_from: null },
    cpu_us_per_payment: 500,
    cpu: { payments: 100, cpu_ms: 50 },
    ...overrides,
  }
}

test('paywall-to-proxy ratios pair rows of the same audience only', () => {
  const ratios = paywallVsProxy(results().latency)
  assert.deepEqual(ratios, [{ viewers: 500, p50_ratio: 1.4, p99_ratio: 1.5 }])
})

test('each target is met or missed on its own threshold', () => {
  const met = targetVerdicts(results())
  assert.deepEqual(met.map((t) => t.met), [true, true, true, true])
  const missed = targetVerdicts(
    results({
      verify: { native_per_sec: 2_999, openssl_per_sec: 1, interpreter_per_sec: 1, ratio: 1 },
      heap_bytes_per_channel: 8_193,
      open: { p50_ms: 50.01, p99_ms: 80, count: 1, host_p50_ms: 1, host_p99_ms: 1 },
      latency: [latencyRow(500, 'proxy', outcome([10])), latencyRow(500, 'paywall', outcome([10], { network: 1 }))],
      paywall_vs_proxy: [{ viewers: 500, p50_ratio: 1, p99_ratio: 1 }],
    }),
  )
  assert.deepEqual(missed.map((t) => t.met), [false, false, false, false])
  assert.match(missed[1].value, /1 errors/)
  const unmeasured = targetVerdicts(results({ latency: [], paywall_vs_proxy: [] }))
  assert.equal(unmeasured[1].met, false)
  assert.equal(unmeasured[1].value, 'not measured')
})

test('the markdown report names the machine and every target', () => {
  const full = results()
  const text = markdownReport({ ...full, targets: targetVerdicts(full) })
  assert.match(text, /test cpu, 2 cores/)
  assert.match(text, /\| 500 \| paywall \| 14 \| 30 \|/)
  assert.equal((text.match(/\| yes \|/g) ?? []).length, 4)
})

test('fleet funding asks the faucet in capped amounts and pays the split fee by size', () => {
  assert.deepEqual(faucetAmounts(25, 10), [10, 10, 5])
  assert.deepEqual(faucetAmounts(10, 10), [10])
  assert.ok(splitFee(1, 5_000, { satoshis: 100, bytes: 1000 }) >= 5_000 * 34 * 0.1)
})
