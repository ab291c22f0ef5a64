import { test } from 'node:test'
import assert from 'node:assert/strict'
import { crossedThresholds, DEFAULT_THRESHOLDS, normalizeThresholds, rearm } from '../../client/payer/cap-alerts.ts'

test('each threshold fires once, in order, as spending rises', () => {
  let fired: number[] = []
  const seen: string[] = []
  for (const spent of [100, 490, 500, 600, 790, 800, 810, 949, 950, 1000]) {
    const result = crossedThresholds(DEFAULT_THRESHOLDS, fired, spent, 1000)
    fired = result.fired
    seen.push(...result.alerts.map((a) => `${a.level}@${spent}`))
  }
  assert.deepEqual(seen, ['info@500', 'warning@800', 'critical@950'])
})

test('a jump over several thresholds shows only the most severe, and marks all fired', () => {
  const result = crossedThresholds(DEFAULT_THRESHOLDS, [], 960, 1000)
  assert.deepEqual(result.alerts.map((a) => a.level), ['critical'])
  assert.deepEqual(result.fired.sort(), [0.5, 0.8, 0.95])
  assert.deepEqual(crossedThresholds(DEFAULT_THRESHOLDS, result.fired, 1000, 1000).alerts, [])
})

test('raising the cap re-arms the thresholds no longer crossed', () => {
  assert.deepEqual(rearm(DEFAULT_THRESHOLDS, 800, 1000), [0.5, 0.8])
  const fired = rearm(DEFAULT_THRESHOLDS, 800, 2000)
  assert.deepEqual(fired, [])
  assert.deepEqual(crossedThresholds(DEFAULT_THRESHOLDS, fired, 1000, 2000).alerts.map((a) => a.level), ['info'])
})

test('viewer-edited thresholds are sorted, deduplicated and kept within (0, 1]', () => {
  const normalized = normalizeThresholds([
    { fraction: 0.9, level: 'critical' },
    { fraction: 0.3, level: 'info' },
    { fraction: 0.3, level: 'warning' },
    { fraction: 0, level: 'info' },
    { fraction: 1.5, level: 'critical' },
  ])
  assert.deepEqual(normalized, [
    { fraction: 0.3, level: 'info' },
    { fraction: 0.9, level: 'critical' },
  ])
})

test('no cap, no alerts', () => {
  assert.deepEqual(crossedThresholds(DEFAULT_THRESHOLDS, [], 100, 0).alerts, [])
})
