// Escalating alerts as toasts: info fades on its own, warning stays a while, critical stays until dismissed. Info and
// warning go to the polite live region (read when the screen reader is free), critical to the assertive one (read at
// once): both regions are in the page from the start, so a screen reader announces each toast as it arrives. The
// cap's alerts and those of the host and monthly limits look alike and say which limit they are about.
import { limitName, type BudgetAlert } from '../payer/budgets.ts'
import type { CapAlert } from '../payer/cap-alerts.ts'
import { capAsTime, formatSats } from './cap-format.ts'
import { byTestId, el } from './dom.ts'

const LINGER_MS = { info: 6_000, warning: 15_000, critical: 0 } as const

/** What an alert says, and the test id of its toast ("alert-80" for the cap, "alert-host-80" for a host limit). */
export function alertText(alert: CapAlert | BudgetAlert, pricePerSecond: number): { text: string; id: string } {
  const percent = Math.round(alert.fraction * 100)
  const left = Math.max(0, alert.cap - alert.spent)
  const limit = 'kind' in alert ? limitName(alert) : 'cap'
  const id = 'kind' in alert ? `alert-${alert.kind}-${percent}` : `alert-${percent}`
  const text =
    alert.level === 'critical'
      ? `${percent}% of your ${limit} is spent: ${formatSats(left)} left (${capAsTime(left, pricePerSecond)}). Playback pauses at the ${'kind' in alert ? 'limit' : 'cap'}.`
      : `${percent}% of your ${limit} is spent (${formatSats(alert.spent)} of ${formatSats(alert.cap)}).`
  return { text, id }
}

export class AlertToasts {
  private readonly polite = byTestId('alerts-polite')
  private readonly urgent = byTestId('alerts-urgent')

  /** Shows the alert; returns what it says. */
  show(alert: CapAlert | BudgetAlert, pricePerSecond: number): string {
    const { text, id } = alertText(alert, pricePerSecond)
    const close = el('button', { class: 'link-button dismiss', 'aria-label': 'Dismiss the alert', type: 'button' }, '×')
    const toast = el('div', { class: `toast toast-${alert.level}`, 'data-testid': id, 'data-level': alert.level }, el('span', {}, text), close)
    close.addEventListener('click', () => toast.remove())
    ;(alert.level === 'critical' ? this.urgent : this.polite).append(toast)
    const linger = LINGER_MS[alert.level]
    if (linger > 0) setTimeout(() => toast.classList.add('toast-faded'), linger)
    return text
  }
}
