// The viewer's standing orders: how much a viewing, a host and a month may cost, when to be warned and how, whether
// to settle on leaving, how far ahead to buy; all of it general or kept for one host. Parsing is pure and forgiving
// (a corrupt entry falls back to defaults field by field); storage sits at the edge.
import type { BudgetPolicy, LimitKind, Period } from '../payer/budgets.ts'
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
  /** The host and monthly limits, each with its own alert thresholds. */
  budget: BudgetPolicy
  /** Also show the alerts as system notifications while the page is hidden (when the browser allows it). */
  notify: boolean
}

/** What is stored: the general preferences, and those a viewer keeps for one host. */
interface StoredPreferences {
  general: unknown
  hosts: Record<string, unknown>
}

/** 1,200 sat: two minutes at the default 10 sat/s, so the 60 s sample plays through without a dialog. */
export const DEFAULT_CAP = 1_200

const defaultThresholds = (): AlertThreshold[] => DEFAULT_THRESHOLDS.map((t) => ({ ...t }))

export const DEFAULT_PREFERENCES: Preferences = {
  cap: DEFAULT_CAP,
  thresholds: defaultThresholds(),
  settleOnLeave: true,
  budget: { host: { sats: null, period: 'day', thresholds: defaultThresholds() }, month: { sats: null, thresholds: defaultThresholds() } },
  notify: false,
  buyAhead: 'exact',
}

// Checked by hand rather than with a schema library: the page carries no validator (issue 21's bundle budget).
const isCap = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= 21e14
const LEVELS: readonly unknown[] = ['info', 'warning', 'critical'] satisfies AlertThreshold['level'][]
const PERIODS: readonly unknown[] = ['day', 'week', 'month'] satisfies Period[]

function isThreshold(value: unknown): value is AlertThreshold {
  if (typeof value !== 'object' || value === null) return false
  const { fraction, level } = value as Record<string, unknown>
  return typeof fraction === 'number' && fraction > 0 && fraction <= 1 && LEVELS.includes(level)
}

const isThresholds = (value: unknown): value is AlertThreshold[] =>
  Array.isArray(value) && value.length >= 1 && value.length <= 10 && value.every(isThreshold)

function objectOf(value: unknown): Record<string, unknown> {
  return (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
}

function parseThresholds(value: unknown, fallback: AlertThreshold[]): AlertThreshold[] {
  return isThresholds(value) ? normalizeThresholds(value) : fallback
}

function parseBudget(value: unknown): BudgetPolicy {
  const { host, month } = DEFAULT_PREFERENCES.budget
  const v = objectOf(value)
  const h = objectOf(v.host)
  const m = objectOf(v.month)
  return {
    host: { sats: isCap(h.sats) ? h.sats : null, period: PERIODS.includes(h.period) ? (h.period as Period) : host.period, thresholds: parseThresholds(h.thresholds, host.thresholds) },
    month: { sats: isCap(m.sats) ? m.sats : null, thresholds: parseThresholds(m.thresholds, month.thresholds) },
  }
}

export function parsePreferences(value: unknown): Preferences {
  const v = objectOf(value)
  return {
    cap: isCap(v.cap) ? v.cap : DEFAULT_PREFERENCES.cap,
    thresholds: parseThresholds(v.thresholds, DEFAULT_PREFERENCES.thresholds),
    settleOnLeave: typeof v.settleOnLeave === 'boolean' ? v.settleOnLeave : DEFAULT_PREFERENCES.settleOnLeave,
    budget: parseBudget(v.budget),
    notify: v.notify === true,
    buyAhead: parseBuyAhead(v.buyAhead),
  }
}

/** The preferences with one limit raised to `sats`: what the limit dialog's "raise" saves. */
export function withLimit(preferences: Preferences, kind: LimitKind, sats: number): Preferences {
  if (kind === 'viewing') return { ...preferences, cap: sats }
  const { budget } = preferences
  return { ...preferences, budget: { ...budget, [kind]: { ...budget[kind], sats } } }
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

/** A limit typed in satoshis; empty for none. */
export function limitFromInput(text: string): { ok: true; sats: number | null } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, sats: null }
  const cap = capFromInput(text)
  return cap.ok ? { ok: true, sats: cap.cap } : { ok: false, message: 'A limit must be a whole number of satoshis above zero, or empty for none.' }
}

/** A cap typed in satoshis; whole and positive. */
export function capFromInput(text: string): { ok: true; cap: number } | { ok: false; message: string } {
  const value = Number(text.trim().replace(/[,_\s]/g, ''))
  if (!Number.isInteger(value) || value < 1) return { ok: false, message: 'The cap must be a whole number of satoshis above zero.' }
  return { ok: true, cap: value }
}

/** Stored preferences; an entry from before per-host preferences is the general one. */
function readStored(storage: KeyValueStorage): StoredPreferences {
  const v = objectOf(readJson(storage, PREFERENCES_KEY))
  if (!('general' in v)) return { general: v, hosts: {} }
  return { general: v.general, hosts: objectOf(v.hosts) }
}

/** The preferences that apply at `host`: its own when the viewer kept some for it, else the general ones. */
export function loadPreferences(storage: KeyValueStorage, host?: string): Preferences {
  const stored = readStored(storage)
  const own = host !== undefined && Object.prototype.hasOwnProperty.call(stored.hosts, host) ? stored.hosts[host] : undefined
  return parsePreferences(own ?? stored.general)
}

/** True when the viewer keeps preferences for `host` alone. */
export function hasHostPreferences(storage: KeyValueStorage, host: string): boolean {
  return Object.prototype.hasOwnProperty.call(readStored(storage).hosts, host)
}

/** Saves the general preferences, or (`scope.only`) those of one host; saving the general ones from a host drops its own. */
export function savePreferences(storage: KeyValueStorage, preferences: Preferences, scope?: { host: string; only: boolean }): void {
  const stored = readStored(storage)
  const hosts = { ...stored.hosts }
  if (scope) delete hosts[scope.host]
  const next: StoredPreferences = scope?.only ? { general: stored.general, hosts: { ...hosts, [scope.host]: preferences } } : { general: preferences, hosts }
  writeJson(storage, PREFERENCES_KEY, next)
}
