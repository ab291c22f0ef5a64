// The battery-like meter: how much of the cap is spent, and how much watching is left at the host's price.
import type { AlertThreshold } from '../payer/cap-alerts.ts'
import type { SessionSnapshot } from '../payer/session-types.ts'
import { capAsTime, formatSats, meterReading } from './cap-format.ts'
import { byTestId, setText } from './dom.ts'

export class CapMeter {
  private readonly fill = byTestId('cap-meter-fill')
  private readonly meter = byTestId('cap-meter')
  private readonly label = byTestId('cap-meter-label')
  private readonly detail = byTestId('cap-meter-detail')

  constructor(private thresholds: readonly AlertThreshold[]) {}

  setThresholds(thresholds: readonly AlertThreshold[]): void {
    this.thresholds = thresholds
  }

  render(snapshot: SessionSnapshot, fallbackCap: number): void {
    const price = snapshot.pricePerSecond ?? 0
    const cap = snapshot.cap > 0 ? snapshot.cap : fallbackCap
    const reading = meterReading(snapshot.spent, cap, price, this.thresholds)
    this.fill.style.width = `${(reading.fraction * 100).toFixed(1)}%`
    this.meter.dataset.level = reading.level
    this.meter.setAttribute('aria-valuenow', String(reading.percentUsed))
    this.meter.setAttribute('aria-valuetext', reading.label)
    setText(this.label, reading.label)
    setText(this.detail, `${formatSats(snapshot.spent)} of ${formatSats(cap)} cap (${capAsTime(cap, price)})`)
  }
}
