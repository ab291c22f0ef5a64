// When the host settles a channel, and with which transaction, as pure functions of the channel and the clock.
import { isLost, type TxInfo, type TxStatus } from '../../protocol/chain/chain.ts'
import type { CloseReason } from '../../protocol/messages.ts'
import type { FundingLoss } from '../../protocol/funding-loss.ts'
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

/** Blocks on top of a close (its own included) after which no reorganisation is expected to undo it. */
export const CLOSE_FINAL_DEPTH = 6

/** What the ledger's answer on a settled close means: deep enough to forget, still to watch, or no longer held. */
export type CloseVerdict = 'final' | 'watch' | 'dropped'

/** Statuses of a tx the chain does not hold: orphaned and not taken back, waiting for a parent, or refused. */
const DROPPED: ReadonlySet<TxStatus> = new Set<TxStatus>(['UNKNOWN', 'SEEN_IN_ORPHAN_MEMPOOL', 'REJECTED', 'MINED_IN_STALE_BLOCK'])

/**
 * A settled close the ledger does not know (null), or holds no more, is dropped: it must be sent again, or the
 * channel was lost. A close back in the mempool after a reorganisation, or in an undecided double spend, is watched.
 */
export function closeVerdict(info: Pick<TxInfo, 'status' | 'blockHeight'> | null, height: number): CloseVerdict {
  if (info === null || DROPPED.has(info.status)) return 'dropped'
  if (info.status === 'MINED' && info.blockHeight !== undefined && height - info.blockHeight + 1 >= CLOSE_FINAL_DEPTH) return 'final'
  return 'watch'
}

/**
 * After the ledger refused a close (not for being down): whether another tx has taken the funding output for good, so
 * the channel is lost rather than its settlement pending, and how. The funding itself lost a double spend
 * (`funding_double_spent`); or a competitor of the close won (REJECTED with competing txs), or the close was refused
 * outright as a conflict (466) without the ledger keeping it, which a ledger does against a spend already in a block
 * (`funding_spent`). Null: the funding output is still the close's to take.
 */
export function fundingLossOf(refusalCode: number, close: Pick<TxInfo, 'status' | 'competingTxs'> | null, funding: Pick<TxInfo, 'status'> | null): FundingLoss | null {
  if (funding !== null && isLost(funding.status)) return 'funding_double_spent'
  if (close?.status === 'REJECTED' && (close.competingTxs?.length ?? 0) > 0) return 'funding_spent'
  return refusalCode === 466 && close === null ? 'funding_spent' : null
}
