// How a channel ends, as both sides tell it: the summary the viewer sees, and when the viewer must keep the refund.
// Isomorphic and pure: the host builds the summary from its books, the viewer from its own when the host is silent.
import type { CloseReason, SettlementSummary } from './messages.ts'

/** The books of one channel that its summary is made of. */
export interface ChannelBooks {
  channelId: string
  capacity: number
  /** The close fee fixed at opening. */
  fee: number
  /** The refund's nLockTime. */
  lockTime: number
  /** Cumulative total of the last accepted update, tips included. */
  paid: number
  tips: number
  seconds: number
  segments: number
}

/**
 * A channel with nothing paid has no update to close with: nothing reaches the chain, and the viewer's co-signed
 * refund is the only way its coins come back.
 */
export function settlesOnChain(paid: number): boolean {
  return paid > 0
}

/**
 * The summary of a channel: what was paid, the fee and the change of the close, or, when nothing was paid, the
 * height from which the viewer's refund unlocks. `closeTxid` is null when the close is not known (yet).
 */
export function settlementSummary(books: ChannelBooks, reason: CloseReason, closeTxid: string | null): SettlementSummary {
  const onChain = settlesOnChain(books.paid)
  const fee = onChain ? books.fee : 0
  return {
    channelId: books.channelId,
    reason,
    seconds: books.seconds,
    segments: books.segments,
    paid: books.paid,
    tips: books.tips,
    fee,
    change: onChain ? books.capacity - books.paid - fee : 0,
    capacity: books.capacity,
    closeTxid,
    ...(onChain ? {} : { refundAfterHeight: books.lockTime }),
  }
}

/** Nothing was paid, so nothing reaches the chain: the viewer keeps the co-signed refund, its only way back. */
export function keepsRefund(summary: Pick<SettlementSummary, 'paid'>): boolean {
  return !settlesOnChain(summary.paid)
}
