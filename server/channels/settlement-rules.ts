// When the host settles a channel, and with which transaction, as pure functions of the channel and the clock.
import type { CloseReason, FundingLoss } from '../../protocol/messages.ts'
import { settlesOnChain } from '../../protocol/settlement.ts'
import type { ChannelRecord } from '../store/channel-store.ts'

export interface SettlementClock {
  now: number
  height: number
  idleTimeoutSeconds: number
  deadlineMarginBlocks: number
}

/**
 * Why an open channel must be settled now, or null: within the margin of the refund's nLockTime (the host must close
 * before the viewer's refund becomes valid), or idle for longer than the timeout.
 */
export function settlementDue(record: Pick<ChannelRecord, 'lockTime' | 'lastActivityAt'>, clock: SettlementClock): CloseReason | null {
  if (clock.height + clock.deadlineMarginBlocks >= record.lockTime) return 'deadline'
  if (isIdle(record, clock)) return 'idle'
  return null
}

/** No payment nor resume for longer than the idle timeout (after a crash: nobody came back to it). */
export function isIdle(record: Pick<ChannelRecord, 'lastActivityAt'>, clock: Pick<SettlementClock, 'now' | 'idleTimeoutSeconds'>): boolean {
  return record.lastActivityAt < clock.now - clock.idleTimeoutSeconds * 1000
}

/** Stopping the host settles every open channel, each for what it has accepted. */
export const STOP_REASON: CloseReason = 'host_stopped'

/** Why a channel whose funding was lost is refused from then on: its close reason is also the code. */
export const FUNDING_LOSS_MESSAGES: Record<FundingLoss, string> = {
  funding_double_spent: "This channel's funding was double-spent: another transaction took its coins, so the host serves this channel no more.",
  funding_spent: "This channel's funding output was spent by another transaction (a refund, say), so the host serves this channel no more.",
}

export type ClosePlan =
  /** A close was stored before an earlier broadcast: send that one again, never a second, different close. */
  | { kind: 'rebroadcast'; closeTx: string; closeTxid: string }
  /** Build the close from the last accepted update. */
  | { kind: 'build' }
  /** Nothing was paid: there is no update to close with, and the viewer's refund returns the coins. */
  | { kind: 'nothing_to_close' }

export function closePlan(record: Pick<ChannelRecord, 'closeTx' | 'closeTxid' | 'paid'>): ClosePlan {
  if (record.closeTx && record.closeTxid) return { kind: 'rebroadcast', closeTx: record.closeTx, closeTxid: record.closeTxid }
  return settlesOnChain(record.paid) ? { kind: 'build' } : { kind: 'nothing_to_close' }
}
