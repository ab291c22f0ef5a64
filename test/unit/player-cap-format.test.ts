import { test } from 'node:test'
import assert from 'node:assert/strict'
import { capAsTime, formatDuration, formatSats, meterReading, secondsFor } from '../../client/player/cap-format.ts'
import { DEFAULT_THRESHOLDS } from '../../client/payer/cap-alerts.ts'

test('a cap reads as watch time at the host price', () => {
  assert.equal(capAsTime(7_200, 10), '≈ 12 min at 10 sat/s')
  assert.equal(capAsTime(450, 10), '≈ 45 s at 10 sat/s')
  assert.equal(capAsTime(39_000, 10), '≈ 1 h 5 min at 10 sat/s')
  assert.equal(capAsTime(36_000, 10), '≈ 1 h at 10 sat/s')
  assert.equal(capAsTime(1_000, 0), 'free at this host')
})

test('durations and satoshis format for people', () => {
  assert.equal(formatDuration(59.9), '59 s')
  assert.equal(formatDuration(60), '1 min')
  assert.equal(formatDuration(-3), '0 s')
  assert.equal(formatSats(1234567), '1,234,567 sat')
  assert.equal(secondsFor(200, 10), 20)
  assert.equal(secondsFor(200, 0), Infinity)
})

test('the meter shows the share spent, the time left, and the level of the last threshold crossed', () => {
  const fresh = meterReading(0, 1200, 10, DEFAULT_THRESHOLDS)
  assert.equal(fresh.level, 'ok')
  assert.equal(fresh.label, '0% of cap used · 2 min left')
  const warned = meterReading(1000, 1200, 10, DEFAULT_THRESHOLDS)
  assert.equal(warned.level, 'warning')
  assert.equal(warned.percentUsed, 83)
  assert.equal(warned.secondsLeft, 20)
  assert.equal(warned.label, '83% of cap used · 20 s left')
  const full = meterReading(1300, 1200, 10, DEFAULT_THRESHOLDS)
  assert.equal(full.fraction, 1)
  assert.equal(full.remainingSats, 0)
  assert.equal(full.level, 'critical')
})
