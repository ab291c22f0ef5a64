// The preferences form: cap (also shown as watch time), alert thresholds, settle on leaving, how far ahead to buy.
import { capAsTime } from './cap-format.ts'
import { byTestId, setText } from './dom.ts'
import { parseBuyAhead } from '../payer/buy-ahead.ts'
import { capFromInput, thresholdsFromPercents, type Preferences } from './preferences.ts'

export class PreferencesPanel {
  private readonly form = byTestId<HTMLFormElement>('prefs-form')
  private readonly cap = byTestId<HTMLInputElement>('prefs-cap')
  private readonly capTime = byTestId('prefs-cap-time')
  private readonly thresholds = [byTestId<HTMLInputElement>('prefs-info'), byTestId<HTMLInputElement>('prefs-warning'), byTestId<HTMLInputElement>('prefs-critical')]
  private readonly settleOnLeave = byTestId<HTMLInputElement>('prefs-settle-on-leave')
  private readonly buyAhead = byTestId<HTMLSelectElement>('prefs-buy-ahead')
  private readonly status = byTestId('prefs-status')
  private pricePerSecond = 0

  constructor(initial: Preferences, save: (preferences: Preferences) => Promise<string>) {
    this.fill(initial)
    this.cap.addEventListener('input', () => this.updateCapTime())
    this.form.addEventListener('submit', (event) => {
      event.preventDefault()
      const cap = capFromInput(this.cap.value)
      if (!cap.ok) return setText(this.status, cap.message)
      const thresholds = thresholdsFromPercents(this.thresholds.map((input) => input.value))
      if (!thresholds.ok) return setText(this.status, thresholds.message)
      save({ cap: cap.cap, thresholds: thresholds.thresholds, settleOnLeave: this.settleOnLeave.checked, buyAhead: parseBuyAhead(this.buyAhead.value) })
        .then((message) => setText(this.status, message))
        .catch((error: unknown) => setText(this.status, error instanceof Error ? error.message : String(error)))
    })
  }

  setPrice(pricePerSecond: number): void {
    this.pricePerSecond = pricePerSecond
    this.updateCapTime()
  }

  fill(preferences: Preferences): void {
    this.cap.value = String(preferences.cap)
    preferences.thresholds.slice(0, 3).forEach((t, i) => {
      this.thresholds[i].value = String(Math.round(t.fraction * 100))
    })
    this.settleOnLeave.checked = preferences.settleOnLeave
    this.buyAhead.value = preferences.buyAhead
    this.updateCapTime()
  }

  private updateCapTime(): void {
    const cap = capFromInput(this.cap.value)
    setText(this.capTime, cap.ok ? capAsTime(cap.cap, this.pricePerSecond) : '')
  }
}
