// How money reads on the page: satoshis, caps as watch time at the host's price, the battery-like meter.
// Pure: unit-tested in test/unit/player-cap-format.test.ts.
import type { AlertLevel } from '../payer/cap-alerts.ts'

/** One formatter for the page: toLocaleString builds a new one per call, and the page formats on every payment. */
const SATS = new Intl.NumberFormat('en-US')

export function formatSats(sats: number): string {
  return `${SATS.format(Math.round(sats))} sat`
}

/** 45 -> "45 s", 720 -> "12 min", 3900 -> "1 h 5 min". Whole units, rounded down except under a minute. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  if (s < 60) return `${s} s`
  const minutes = Math.floor(s / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`
}

/** Seconds of media a budget buys at the host's price (Infinity when watching is free). */
export function secondsFor(sats: number, pricePerSecond: number): number {
  if (!(pricePerSecond > 0)) return Infinity
  return Math.max(0, sats) / pricePerSecond
}

/** "≈ 12 min at 10 sat/s": the cap as the viewer thinks of it. */
export function capAsTime(capSats: number, pricePerSecond: number): string {
  if (!(pricePerSecond > 0)) return 'free at this host'
  return `≈ ${formatDuration(secondsFor(capSats, pricePerSecond))} at ${pricePerSecond} sat/s`
}

export type MeterLevel = 'ok' | AlertLevel

export interface MeterReading {
  /** Share of the cap spent, 0..1. */
  fraction: number
  percentUsed: number
  remainingSats: number
  secondsLeft: number
  level: MeterLevel
  label: string
}

/** The meter's reading; the level follows the alert thresholds so colour and alerts agree. */
export function meterReading(spent: number, cap: number, pricePerSecond: number, thresholds: ReadonlyArray<{ fraction: number; level: AlertLevel }>): MeterReading {
  const fraction = cap > 0 ? Math.min(1, Math.max(0, spent / cap)) : 0
  const remainingSats = Math.max(0, cap - spent)
  const secondsLeft = secondsFor(remainingSats, pricePerSecond)
  let level: MeterLevel = 'ok'
  for (const t of [...thresholds].sort((a, b) => a.fraction - b.fraction)) if (cap > 0 && spent >= t.fraction * cap) level = t.level
  const percentUsed = Math.floor(fraction * 100)
  const timeLeft = Number.isFinite(secondsLeft) ? `${formatDuration(secondsLeft)} left` : 'free'
  return { fraction, percentUsed, remainingSats, secondsLeft, level, label: `${percentUsed}% of cap used · ${timeLeft}` }
}

const SPAN: Record<string, string> = { day: 'today', week: 'this week', month: 'this month' }

/** "This host today: 120 sat of 500 sat · All hosts this month: 1,320 sat of 10,000 sat": the limits that are set. */
export function limitsLine(states: ReadonlyArray<{ kind: string; period: string; spent: number; limit: number | null }>): string {
  return states
    .filter((s) => s.kind !== 'viewing' && s.limit !== null)
    .map((s) => `${s.kind === 'host' ? 'This host' : 'All hosts'} ${SPAN[s.period]}: ${formatSats(s.spent)} of ${formatSats(s.limit!)}`)
    .join(' · ')
}
