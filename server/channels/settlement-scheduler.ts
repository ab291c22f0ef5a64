// Settles channels that went idle, that near their refund deadline, or whose settlement a crash interrupted.
import type { Settlement } from './settlement.ts'

/** What the scheduler needs: which channels are due, and their settlement, skipped when no longer due. */
export type DueSettlements = Pick<Settlement, 'due' | 'settleIfDue'>

export function startSettlementScheduler(settlement: DueSettlements, intervalMs: number, onError: (error: unknown, channelId: string) => void): () => void {
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      await Promise.all((await settlement.due()).map(({ id, reason }) => settlement.settleIfDue(id, reason).catch((error) => onError(error, id))))
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void tick(), intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
