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

test("a host or monthly limit's alert names its limit and has its own toast id; the cap's keep theirs", async () => {
  const { alertText } = await import('../../client/player/alerts.ts')
  const cap = alertText({ fraction: 0.5, level: 'info', spent: 50, cap: 100 }, 10)
  assert.deepEqual(cap, { text: '50% of your cap is spent (50 sat of 100 sat).', id: 'alert-50' })
  const host = alertText({ fraction: 0.95, level: 'critical', spent: 285, cap: 300, kind: 'host', period: 'week' }, 10)
  assert.equal(host.id, 'alert-host-95')
  assert.equal(host.text, '95% of your weekly limit for this host is spent: 15 sat left (≈ 1 s at 10 sat/s). Playback pauses at the limit.')
  assert.match(alertText({ fraction: 0.8, level: 'warning', spent: 800, cap: 1000, kind: 'month', period: 'month' }, 10).text, /^80% of your monthly limit for all hosts is spent/)
})

test('the limits line lists only the limits that are set', async () => {
  const { limitsLine } = await import('../../client/player/cap-format.ts')
  const line = limitsLine([
    { kind: 'viewing', period: 'viewing', spent: 10, limit: 100 },
    { kind: 'host', period: 'day', spent: 120, limit: 500 },
    { kind: 'month', period: 'month', spent: 1320, limit: null },
  ])
  assert.equal(line, 'This host today: 120 sat of 500 sat')
})
