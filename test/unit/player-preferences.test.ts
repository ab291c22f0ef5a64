import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryStorage } from '../../client/payer/storage.ts'
import {
  capFromInput,
  DEFAULT_PREFERENCES,
  hasHostPreferences,
  limitFromInput,
  withLimit,
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
  const prefs = { ...DEFAULT_PREFERENCES, cap: 3000, thresholds: [{ fraction: 0.4, level: 'info' as const }, { fraction: 0.7, level: 'warning' as const }, { fraction: 0.9, level: 'critical' as const }], settleOnLeave: false, buyAhead: 'smoothest' as const }
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

test('the host and monthly limits: parsed field by field, none by default, raised one at a time', () => {
  assert.deepEqual(DEFAULT_PREFERENCES.budget.host.sats, null)
  const prefs = parsePreferences({ budget: { host: { sats: 500, period: 'week', thresholds: 'x' }, month: { sats: -1 } }, notify: 'yes' })
  assert.deepEqual(prefs.budget.host, { sats: 500, period: 'week', thresholds: DEFAULT_PREFERENCES.budget.host.thresholds })
  assert.equal(prefs.budget.month.sats, null, 'a negative limit is no limit')
  assert.equal(prefs.notify, false, 'notifications only when the viewer said so')
  assert.equal(parsePreferences({ budget: { host: { period: 'year' } } }).budget.host.period, 'day')
  const raised = withLimit(prefs, 'month', 9_000)
  assert.equal(raised.budget.month.sats, 9_000)
  assert.deepEqual(raised.budget.host, prefs.budget.host)
  assert.equal(withLimit(prefs, 'viewing', 777).cap, 777)
  assert.deepEqual(limitFromInput(' '), { ok: true, sats: null })
  assert.deepEqual(limitFromInput('2,500'), { ok: true, sats: 2500 })
  assert.equal(limitFromInput('-3').ok, false)
})

test('preferences for one host only: that host reads its own, the others the general ones; saving generally drops them', () => {
  const storage = new MemoryStorage()
  storage.setItem(PREFERENCES_KEY, JSON.stringify({ cap: 400, thresholds: DEFAULT_PREFERENCES.thresholds, settleOnLeave: true }))
  assert.equal(loadPreferences(storage, 'a.example').cap, 400, 'an entry from before per-host preferences is the general one')
  savePreferences(storage, withLimit(DEFAULT_PREFERENCES, 'host', 50), { host: 'a.example', only: true })
  assert.equal(loadPreferences(storage, 'a.example').budget.host.sats, 50)
  assert.ok(hasHostPreferences(storage, 'a.example'))
  assert.equal(loadPreferences(storage, 'b.example').cap, 400)
  assert.equal(loadPreferences(storage, 'b.example').budget.host.sats, null)
  savePreferences(storage, { ...DEFAULT_PREFERENCES, cap: 900 }, { host: 'a.example', only: false })
  assert.equal(hasHostPreferences(storage, 'a.example'), false)
  assert.equal(loadPreferences(storage, 'a.example').cap, 900)
  assert.equal(loadPreferences(storage, 'b.example').cap, 900)
})
