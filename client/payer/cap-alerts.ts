// Escalating spend alerts, like a laptop's battery warnings: each threshold fires once per cap, in order.
// Pure: the session feeds it spent/cap and gets back the alerts to show.

export type AlertLevel = 'info' | 'warning' | 'critical'

export interface AlertThreshold {
  /** Fraction of the cap spent, in (0, 1]. */
  fraction: number
  level: AlertLevel
}

export interface CapAlert extends AlertThreshold {
  spent: number
  cap: number
}

/** 50% info, 80% warning, 95% critical: the viewer can edit these in the preferences. */
export const DEFAULT_THRESHOLDS: readonly AlertThreshold[] = [
  { fraction: 0.5, level: 'info' },
  { fraction: 0.8, level: 'warning' },
  { fraction: 0.95, level: 'critical' },
]

/** Thresholds sorted ascending, duplicates and values outside (0, 1] dropped. */
export function normalizeThresholds(thresholds: readonly AlertThreshold[]): AlertThreshold[] {
  const seen = new Set<number>()
  return thresholds
    .filter((t) => Number.isFinite(t.fraction) && t.fraction > 0 && t.fraction <= 1)
    .sort((a, b) => a.fraction - b.fraction)
    .filter((t) => (seen.has(t.fraction) ? false : (seen.add(t.fraction), true)))
}

/**
 * The thresholds crossed by going to `spent`, skipping those already fired. Returns the new alerts and the updated
 * set of fired fractions. Raising the cap lowers the spent fraction; call `rearm` then so the alerts can fire again.
 */
export function crossedThresholds(
  thresholds: readonly AlertThreshold[],
  fired: readonly number[],
  spent: number,
  cap: number,
): { alerts: CapAlert[]; fired: number[] } {
  if (!(cap > 0)) return { alerts: [], fired: [...fired] }
  const alerts: CapAlert[] = []
  const nowFired = [...fired]
  for (const threshold of normalizeThresholds(thresholds)) {
    if (nowFired.includes(threshold.fraction)) continue
    if (spent >= threshold.fraction * cap) {
      alerts.push({ ...threshold, spent, cap })
      nowFired.push(threshold.fraction)
    }
  }
  // Only the most severe of several thresholds crossed at once needs the viewer's attention.
  return { alerts: alerts.length > 1 ? alerts.slice(-1) : alerts, fired: nowFired }
}

/** After a cap change: keep only the thresholds that are still crossed at the new cap, so the others fire again. */
export function rearm(thresholds: readonly AlertThreshold[], spent: number, cap: number): number[] {
  if (!(cap > 0)) return []
  return normalizeThresholds(thresholds)
    .filter((t) => spent >= t.fraction * cap)
    .map((t) => t.fraction)
}
