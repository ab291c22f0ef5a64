// Escalating alerts as toasts: info fades on its own, warning stays a while, critical stays until dismissed.
import type { CapAlert } from '../payer/cap-alerts.ts'
import { capAsTime, formatSats } from './cap-format.ts'
import { byTestId, el } from './dom.ts'

const LINGER_MS = { info: 6_000, warning: 15_000, critical: 0 } as const

export class AlertToasts {
  private readonly stack = byTestId('alerts')

  show(alert: CapAlert, pricePerSecond: number): void {
    const percent = Math.round(alert.fraction * 100)
    const left = Math.max(0, alert.cap - alert.spent)
    const text =
      alert.level === 'critical'
        ? `${percent}% of your cap is spent: ${formatSats(left)} left (${capAsTime(left, pricePerSecond)}). Playback pauses at the cap.`
        : `${percent}% of your cap is spent (${formatSats(alert.spent)} of ${formatSats(alert.cap)}).`
    const close = el('button', { class: 'toast-close', 'aria-label': 'Dismiss', type: 'button' }, '×')
    const toast = el('div', { class: `toast toast-${alert.level}`, role: alert.level === 'info' ? 'status' : 'alert', 'data-testid': `alert-${percent}`, 'data-level': alert.level }, el('span', {}, text), close)
    close.addEventListener('click', () => toast.remove())
    this.stack.append(toast)
    const linger = LINGER_MS[alert.level]
    if (linger > 0) setTimeout(() => toast.classList.add('toast-faded'), linger)
  }
}
