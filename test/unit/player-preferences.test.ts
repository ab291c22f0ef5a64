import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryStorage } from '../../client/payer/storage.ts'
import {
  capFromInput,
  DEFAULT_PREFERENCES,
  loadPreferences,
  parsePreferences,
  PREFERENCES_KEY,
  savePreferences,
  thresholdsFromPercents,
} from '../../client/player/preferences.ts'

test('missing or corrupt preferences fall back to the defaults, field by field', () => {
  assert.deepEqual(parsePreferences(null), DEFAULT_PREFERENCES)
  assert.deepEqual(parsePreferences('nonsense'), DEFAULT_PREFERENCES)
  const partial = parsePreferences({ cap: 5000, thresholds: 'high', settleOnLeave: 'yes' })
  assert.equal(partial.cap, 5000)
  assert.deepEqual(partial.thresholds, DEFAULT_PREFERENCES.thresholds)
  assert.equal(partial.settleOnLeave, true)
  assert.equal(partial.buyAhead, 'exact', 'buying just in time is the default')
  assert.equal(parsePreferences({ buyAhead: 'everything' }).buyAhead, 'exact')
  assert.equal(parsePreferences({ cap: -5 }).cap, DEFAULT_PREFERENCES.cap)
  assert.equal(parsePreferences({ cap: 12.5 }).cap, DEFAULT_PREFERENCES.cap)
})

test('stored thresholds are normalised in ascending order', () => {
  const prefs = parsePreferences({ cap: 100, thresholds: [{ fraction: 0.9, level: 'critical' }, { fraction: 0.25, level: 'info' }], settleOnLeave: false })
  assert.deepEqual(prefs.thresholds.map((t) => t.fraction), [0.25, 0.9])
  assert.equal(prefs.settleOnLeave, false)
})

test('preferences survive a save and a load through storage; a corrupt entry loads as defaults', () => {
  const storage = new MemoryStorage()
  const prefs = { cap: 3000, thresholds: [{ fraction: 0.4, level: 'info' as const }, { fraction: 0.7, level: 'warning' as const }, { fraction: 0.9, level: 'critical' as const }], settleOnLeave: false, buyAhead: 'smoothest' as const }
  savePreferences(storage, prefs)
  assert.deepEqual(loadPreferences(storage), prefs)
  storage.setItem(PREFERENCES_KEY, '{not json')
  assert.deepEqual(loadPreferences(storage), DEFAULT_PREFERENCES)
})

test('alert percentages from the form must be whole, in range and rising', () => {
  const ok = thresholdsFromPercents(['40', ' 75 ', '90'])
  assert.ok(ok.ok)
  assert.deepEqual(ok.thresholds, [
    { fraction: 0.4, level: 'info' },
    { fraction: 0.75, level: 'warning' },
    { fraction: 0.9, level: 'critical' },
  ])
  assert.equal(thresholdsFromPercents(['80', '50', '95']).ok, false)
  assert.equal(thresholdsFromPercents(['0', '50', '95']).ok, false)
  assert.equal(thresholdsFromPercents(['50', '80', '101']).ok, false)
  assert.equal(thresholdsFromPercents(['50', '80']).ok, false)
  assert.equal(thresholdsFromPercents(['50', 'x', '95']).ok, false)
})

test('a cap typed by the viewer: digits with separators, nothing else', () => {
  assert.deepEqual(capFromInput('1,200'), { ok: true, cap: 1200 })
  assert.deepEqual(capFromInput(' 5000 '), { ok: true, cap: 5000 })
  assert.equal(capFromInput('0').ok, false)
  assert.equal(capFromInput('12.5').ok, false)
  assert.equal(capFromInput('lots').ok, false)
})
