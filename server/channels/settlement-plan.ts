// What settling a channel means now, as a pure function of the store's record: nothing (settled already, or no longer
// due), an opening that never went live ended, or a close: with which transaction, and why. settlement.ts carries the
// plan out (store, ledger, events) and decides nothing of this itself.
import type { PrivateKey } from '@bsv/sdk'
import type { CloseReason } from '../../protocol/messages.ts'
import { isFundingLoss, type FundingLoss } from '../../protocol/funding-loss.ts'
import type { SignatureVerifier } from '../../protocol/signature.ts'
import type { ChannelRecord } from '../store/channel-store.ts'
import { buildClose } from './payee.ts'
import { payeeView } from './record-views.ts'
import { closePlan, settlementDue, type SettlementClock } from './settlement-rules.ts'

export interface SettlementRequest {
  reason: CloseReason
  /** The scheduler's settlement: only while the rules still say the channel is due. */
  onlyIfDue: boolean
}

export interface SettlementContext {
  clock: SettlementClock
  /** The last activity this process saw on the channel (a resume is not stored); null when it does not hold it live. */
  seenActivityAt: number | null
  /** The channel key, which co-signs the close. */
  payeeKey: PrivateKey
  payeePublicKey: string
  /** The curve math of the interpreter's check of a close it builds. */
  verify: SignatureVerifier
}

/** A signed close transaction, as the store and the ledger take it. */
export interface CloseTx {
  hex: string
  txid: string
}

export type SettlementPlan =
  /** Closed already: its summary stands, and this process lets the channel go. */
  | { kind: 'settled' }
  /** No longer due (a payment or a resume since the scheduler looked): the channel stays open, as `next`. */
  | { kind: 'not_due'; next: ChannelRecord }
  /** An opening that never went live: it ends without a close (the viewer's refund covers a funding that did land). */
  | { kind: 'end_opening'; reason: CloseReason }
  /**
   * Close, for `reason`: the stored close sent again (`rebroadcast`, after asking the ledger whether it already has
   * it), one built from the last accepted update (`build`), or none when nothing was paid (`nothing_to_close`: the
   * viewer's refund returns the coins).
   */
  | { kind: 'close'; reason: CloseReason; how: 'rebroadcast' | 'build' | 'nothing_to_close'; close: CloseTx | null }
  /** The last update cannot make a close (a corrupt stored update, a foreign key): settlement fails, and is retried. */
  | { kind: 'unclosable'; message: string }

export function planSettlement(record: ChannelRecord, request: SettlementRequest, ctx: SettlementContext): SettlementPlan {
  if (record.state === 'closed') return { kind: 'settled' }
  if (request.onlyIfDue && record.state === 'open') {
    const next = { ...record, lastActivityAt: Math.max(record.lastActivityAt, ctx.seenActivityAt ?? 0) }
    if (!settlementDue(next, ctx.clock)) return { kind: 'not_due', next }
  }
  if (record.state === 'opening') return { kind: 'end_opening', reason: request.reason }
  const plan = closePlan(record)
  const { reason } = request
  switch (plan.kind) {
    case 'rebroadcast':
      return { kind: 'close', reason, how: 'rebroadcast', close: { hex: plan.closeTx, txid: plan.closeTxid } }
    case 'nothing_to_close':
      return { kind: 'close', reason, how: 'nothing_to_close', close: null }
    case 'build': {
      const built = buildClose(payeeView(record, ctx.payeePublicKey), ctx.payeeKey, ctx.verify)
      if (!built.ok) return { kind: 'unclosable', message: `Channel ${record.id} cannot be closed: ${built.message}` }
      return { kind: 'close', reason, how: 'build', close: { hex: built.hex, txid: built.txid } }
    }
  }
}

/**
 * The ledger refused the close (it did not take it): try again later, or end the channel without a close because its
 * funding is gone for good. `loss` is what the ledger's answers about the close and the funding say (fundingLossOf in
 * settlement-rules.ts), null when they say nothing is lost or were not asked. `restate`: the channel's close reason
 * becomes the loss, and the store must say so.
 */
export type RefusedClose = { kind: 'retry' } | { kind: 'lost'; reason: FundingLoss; restate: boolean }

export function afterRefusedClose(reason: CloseReason, loss: FundingLoss | null): RefusedClose {
  // A settlement for a funding already lost expects the refusal: the close has nothing left to spend.
  if (isFundingLoss(reason)) return { kind: 'lost', reason, restate: false }
  return loss === null ? { kind: 'retry' } : { kind: 'lost', reason: loss, restate: true }
}
