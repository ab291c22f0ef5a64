// The preferences form: the cap (also shown as watch time) and its alerts, the host and monthly limits and theirs,
// system notifications, settle on leaving, how far ahead to buy, and whether all this is kept for this host only.
import type { Period } from '../payer/budgets.ts'
import { parseBuyAhead } from '../payer/buy-ahead.ts'
import type { AlertThreshold } from '../payer/cap-alerts.ts'
import { capAsTime } from './cap-format.ts'
import { byTestId, setText } from './dom.ts'
import { capFromInput, limitFromInput, thresholdsFromPercents, type Preferences } from './preferences.ts'

const percents = (thresholds: readonly AlertThreshold[]) => thresholds.slice(0, 3).map((t) => String(Math.round(t.fraction * 100)))

/** "50 80 95" typed in one field: the three alert percentages of a limit. */
function thresholdsFromText(text: string): ReturnType<typeof thresholdsFromPercents> {
  return thresholdsFromPercents(text.split(/[\s,;]+/).filter((part) => part !== ''))
}

export class PreferencesPanel {
  private readonly form = byTestId<HTMLFormElement>('prefs-form')
  private readonly cap = byTestId<HTMLInputElement>('prefs-cap')
  private readonly capTime = byTestId('prefs-cap-time')
  private readonly thresholds = [byTestId<HTMLInputElement>('prefs-info'), byTestId<HTMLInputElement>('prefs-warning'), byTestId<HTMLInputElement>('prefs-critical')]
  private readonly hostLimit = byTestId<HTMLInputElement>('prefs-host-limit')
  private readonly hostPeriod = byTestId<HTMLSelectElement>('prefs-host-period')
  private readonly hostAlerts = byTestId<HTMLInputElement>('prefs-host-alerts')
  private readonly monthLimit = byTestId<HTMLInputElement>('prefs-month-limit')
  private readonly monthAlerts = byTestId<HTMLInputElement>('prefs-month-alerts')
  private readonly notify = byTestId<HTMLInputElement>('prefs-notify')
  private readonly settleOnLeave = byTestId<HTMLInputElement>('prefs-settle-on-leave')
  private readonly thisHostOnly = byTestId<HTMLInputElement>('prefs-this-host')
  private readonly buyAhead = byTestId<HTMLSelectElement>('prefs-buy-ahead')
  private readonly status = byTestId('prefs-status')
  private pricePerSecond = 0

  constructor(initial: Preferences, thisHostOnly: boolean, save: (preferences: Preferences, thisHostOnly: boolean) => Promise<string>) {
    this.fill(initial)
    this.thisHostOnly.checked = thisHostOnly
    this.cap.addEventListener('input', () => this.updateCapTime())
    this.form.addEventListener('submit', (event) => {
      event.preventDefault()
      const read = this.read()
      if (!read.ok) return setText(this.status, read.message)
      save(read.preferences, this.thisHostOnly.checked)
        .then((message) => setText(this.status, message))
        .catch((error: unknown) => setText(this.status, error instanceof Error ? error.message : String(error)))
    })
  }

  setPrice(pricePerSecond: number): void {
    this.pricePerSecond = pricePerSecond
    this.updateCapTime()
  }

  fill(preferences: Preferences): void {
    const { host, month } = preferences.budget
    this.cap.value = String(preferences.cap)
    percents(preferences.thresholds).forEach((value, i) => (this.thresholds[i].value = value))
    this.hostLimit.value = host.sats === null ? '' : String(host.sats)
    this.hostPeriod.value = host.period
    this.hostAlerts.value = percents(host.thresholds).join(' ')
    this.monthLimit.value = month.sats === null ? '' : String(month.sats)
    this.monthAlerts.value = percents(month.thresholds).join(' ')
    this.notify.checked = preferences.notify
    this.settleOnLeave.checked = preferences.settleOnLeave
    this.buyAhead.value = preferences.buyAhead
    this.updateCapTime()
  }

  /** The form as preferences, or the first problem in it. */
  private read(): { ok: true; preferences: Preferences } | { ok: false; message: string } {
    const cap = capFromInput(this.cap.value)
    if (!cap.ok) return cap
    const thresholds = thresholdsFromPercents(this.thresholds.map((input) => input.value))
    if (!thresholds.ok) return thresholds
    const hostLimit = limitFromInput(this.hostLimit.value)
    if (!hostLimit.ok) return hostLimit
    const hostAlerts = thresholdsFromText(this.hostAlerts.value)
    if (!hostAlerts.ok) return { ok: false, message: `Host limit: ${hostAlerts.message}` }
    const monthLimit = limitFromInput(this.monthLimit.value)
    if (!monthLimit.ok) return monthLimit
    const monthAlerts = thresholdsFromText(this.monthAlerts.value)
    if (!monthAlerts.ok) return { ok: false, message: `Monthly limit: ${monthAlerts.message}` }
    return {
      ok: true,
      preferences: {
        cap: cap.cap,
        thresholds: thresholds.thresholds,
        settleOnLeave: this.settleOnLeave.checked,
        buyAhead: parseBuyAhead(this.buyAhead.value),
        budget: {
          host: { sats: hostLimit.sats, period: this.hostPeriod.value as Period, thresholds: hostAlerts.thresholds },
          month: { sats: monthLimit.sats, thresholds: monthAlerts.thresholds },
        },
        notify: this.notify.checked,
      },
    }
  }

  private updateCapTime(): void {
    const cap = capFromInput(this.cap.value)
    setText(this.capTime, cap.ok ? capAsTime(cap.cap, this.pricePerSecond) : '')
  }
}
