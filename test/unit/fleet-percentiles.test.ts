import assert from 'node:assert/strict'
import { test } from 'node:test'
import { latencyStats, percentile, roundMs } from '../../scripts/fleet/percentiles.ts'

test('nearest-rank percentiles pick measured samples', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1)
  assert.equal(percentile(sorted, 50), 50)
  assert.equal(percentile(sorted, 95), 95)
  assert.equal(percentile(sorted, 99), 99)
  assert.equal(percentile(sorted, 100), 100)
  assert.equal(percentile(sorted, 0), 1)
  assert.equal(percentile([7], 99), 7)
  assert.equal(percentile([1, 2, 3], 50), 2)
  assert.equal(percentile([1, 2, 3, 4], 50), 2)
  assert.ok(Number.isNaN(percentile([], 50)))
  assert.throws(() => percentile(sorted, 101))
})

test('latency stats sort numerically, not as strings, and tolerate no samples', () => {
  const stats = latencyStats([100, 9, 20, 3, 1000, 5, 7, 8, 2, 1])
  assert.equal(stats.count, 10)
  assert.equal(stats.p50, 7)
  assert.equal(stats.p95, 1000)
  assert.equal(stats.max, 1000)
  assert.equal(stats.mean, 115.5)
  const none = latencyStats([])
  assert.equal(none.count, 0)
  assert.equal(roundMs(none.p99), null)
  assert.equal(roundMs(1.23456), 1.23)
})
