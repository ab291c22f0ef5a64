// What the withdraw dialog says before anything is signed: what arrives, the fee, and what the open channel holds.
// Pure: unit-tested in test/unit/player-withdraw.test.ts.
import type { SweepPlan } from '../../protocol/p2pkh-spend.ts'
import { formatSats } from './cap-format.ts'

export function withdrawalText(plan: SweepPlan, lockedInChannel: number): string {
  const locked =
    lockedInChannel > 0
      ? ` The ${formatSats(lockedInChannel)} locked in the open channel are not part of it: they come back to this wallet when the channel settles.`
      : ''
  if (!plan.ok) return plan.message + locked
  return `Sends ${formatSats(plan.amount)}: the whole balance of ${formatSats(plan.total)} minus a ${formatSats(plan.fee)} network fee.${locked}`
}

/** Withdrawing while a funding is being built would spend the coins it spends: the ledger would see a double spend. */
export function withdrawBlockedBy(phase: string): string | null {
  return phase === 'opening' || phase === 'switching'
    ? 'A channel is being opened with these coins right now. Wait a moment, or press "Stop and settle", then withdraw.'
    : null
}
