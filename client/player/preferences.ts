// The viewer's standing orders: how much a viewing may cost, when to be warned, whether to settle on leaving, how
// far ahead to buy.
// Parsing is pure and forgiving (a corrupt entry falls back to defaults field by field); storage sits at the edge.
import { parseBuyAhead, type BuyAhead } from '../payer/buy-ahead.ts'
import { DEFAULT_THRESHOLDS, normalizeThresholds, type AlertThreshold } from '../payer/cap-alerts.ts'
import { readJson, writeJson, type KeyValueStorage } from '../payer/storage.ts'

export const PREFERENCES_KEY = 'p2p.preferences'

export interface Preferences {
  /** Most a viewing may cost, satoshis, tips included. */
  cap: number
  thresholds: AlertThreshold[]
  /** Settle the channel when the page is closed (a reload keeps it). */
  settleOnLeave: boolean
  /** "exact" buys just in time (pay for what you watch); "smoothest" one segment more ahead. */
  buyAhead: BuyAhead
}

/** 1,200 sat: two minutes at the default 10 sat/s, so the 60 s sample plays through without a dialog. */
export const DEFAULT_CAP = 1_200

export const DEFAULT_PREFERENCES: Preferences = {
  cap: DEFAULT_CAP,
  thresholds: DEFAULT_THRESHOLDS.map((t) => ({ ...t })),
  settleOnLeave: true,
  buyAhead: 'exact',
}

// Checked by hand rather than with a schema library: the page carries no validator (issue 21's bundle budget).
const isCap = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= 21e14
const LEVELS: readonly unknown[] = ['info', 'warning', 'critical'] satisfies AlertThreshold['level'][]

function isThreshold(value: unknown): value is AlertThreshold {
  if (typeof value !== 'object' || value === null) return false
  const { fraction, level } = value as Record<string, unknown>
  return typeof fraction === 'number' && fraction > 0 && fraction <= 1 && LEVELS.includes(level)
}

const isThresholds = (value: unknown): value is AlertThreshold[] =>
  Array.isArray(value) && value.length >= 1 && value.length <= 10 && value.every(isThreshold)

export function parsePreferences(value: unknown): Preferences {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  return {
    cap: isCap(v.cap) ? v.cap : DEFAULT_PREFERENCES.cap,
    thresholds: isThresholds(v.thresholds) ? normalizeThresholds(v.thresholds) : DEFAULT_PREFERENCES.thresholds,
    settleOnLeave: typeof v.settleOnLeave === 'boolean' ? v.settleOnLeave : DEFAULT_PREFERENCES.settleOnLeave,
    buyAhead: parseBuyAhead(v.buyAhead),
  }
}

/**
 * The three alert percentages as typed in the form ("50", "80", "95"), in info/warning/critical order.
 * Returns an error message instead when they are not whole percentages rising from 1 to 100.
 */
export function thresholdsFromPercents(percents: readonly string[]): { ok: true; thresholds: AlertThreshold[] } | { ok: false; message: string } {
  const levels = ['info', 'warning', 'critical'] as const
  const values = percents.map((p) => Number(p.trim()))
  if (values.length !== levels.length || values.some((v) => !Number.isInteger(v) || v < 1 || v > 100)) {
    return { ok: false, message: 'Alert thresholds must be whole percentages between 1 and 100.' }
  }
  for (let i = 1; i < values.length; i++) {
    if (values[i] <= values[i - 1]) return { ok: false, message: 'Each alert threshold must be higher than the one before.' }
  }
  return { ok: true, thresholds: values.map((v, i) => ({ fraction: v / 100, level: levels[i] })) }
}

/** A cap typed in satoshis; whole and positive. */
export function capFromInput(text: string): { ok: true; cap: number } | { ok: false; message: string } {
  const value = Number(text.trim().replace(/[,_\s]/g, ''))
  if (!Number.isInteger(value) || value < 1) return { ok: false, message: 'The cap must be a whole number of satoshis above zero.' }
  return { ok: true, cap: value }
}

export function loadPreferences(storage: KeyValueStorage): Preferences {
  return parsePreferences(readJson(storage, PREFERENCES_KEY))
}

export function savePreferences(storage: KeyValueStorage, preferences: Preferences): void {
  writeJson(storage, PREFERENCES_KEY, preferences)
}
