// Escalating alerts as toasts: info fades on its own, warning stays a while, critical stays until dismissed. Info and
// warning go to the polite live region (read when the screen reader is free), critical to the assertive one (read at
// once): both regions are in the page from the start, so a screen reader announces each toast as it arrives.
import type { CapAlert } from '../payer/cap-alerts.ts'
import { capAsTime, formatSats } from './cap-format.ts'
import { byTestId, el } from './dom.ts'

const LINGER_MS = { info: 6_000, warning: 15_000, critical: 0 } as const

export class AlertToasts {
  private readonly polite = byTestId('alerts-polite')
  private readonly urgent = byTestId('alerts-urgent')

  show(alert: CapAlert, pricePerSecond: number): void {
    const percent = Math.round(alert.fraction * 100)
    const left = Math.max(0, alert.cap - alert.spent)
    const text =
      alert.level === 'critical'
        ? `${percent}% of your cap is spent: ${formatSats(left)} left (${capAsTime(left, pricePerSecond)}). Playback pauses at the cap.`
        : `${percent}% of your cap is spent (${formatSats(alert.spent)} of ${formatSats(alert.cap)}).`
    const close = el('button', { class: 'link-button dismiss', 'aria-label': 'Dismiss the alert', type: 'button' }, '×')
    const toast = el('div', { class: `toast toast-${alert.level}`, 'data-testid': `alert-${percent}`, 'data-level': alert.level }, el('span', {}, text), close)
    close.addEventListener('click', () => toast.remove())
    ;(alert.level === 'critical' ? this.urgent : this.polite).append(toast)
    const linger = LINGER_MS[alert.level]
    if (linger > 0) setTimeout(() => toast.classList.add('toast-faded'), linger)
  }
}
