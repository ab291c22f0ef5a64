// What the limit dialog asks at each limit: the viewing's cap, or a host or monthly limit (and when that one starts
// afresh by itself).
import { limitName, type LimitState } from '../payer/budgets.ts'
import type { LimitPrompt } from './cap-dialog.ts'
import { formatSats } from './cap-format.ts'

export function capPrompt(spent: number, cap: number, raise: (newCap: number) => Promise<void>): LimitPrompt {
  return {
    title: 'Cap reached',
    text: `You reached your cap: ${formatSats(spent)} of ${formatSats(cap)} spent. Playback is paused.`,
    field: 'New cap (sat)',
    suggested: cap * 2,
    raiseLabel: 'Raise cap and continue',
    raise,
  }
}

export function limitPrompt(limit: LimitState, raise: (newLimit: number) => Promise<void>): LimitPrompt {
  const name = limitName(limit)
  const resets = limit.resetsAt === null ? '' : ` It starts afresh on ${new Date(limit.resetsAt).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}.`
  const max = limit.limit ?? limit.spent
  return {
    title: `${name[0].toUpperCase()}${name.slice(1)} reached`,
    text: `You reached your ${name}: ${formatSats(limit.spent)} of ${formatSats(max)} spent. Playback is paused.${resets}`,
    field: 'New limit (sat)',
    suggested: max * 2,
    raiseLabel: 'Raise limit and continue',
    async raise(newLimit) {
      if (newLimit <= limit.spent) throw new Error(`The new limit must be above what was spent (${formatSats(limit.spent)}).`)
      await raise(newLimit)
    },
  }
}
