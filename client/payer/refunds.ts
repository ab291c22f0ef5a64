// Getting coins back from channels that settled with nothing on chain. Such a channel's funding stays in the 2-of-2
// until the refund's nLockTime; the co-signed refund waits in the history, and once the chain reaches that height it
// is broadcast and the coins are the viewer's again. Isomorphic: the ledger is anything with height and broadcast.
import { ChainError } from '../../protocol/chain/chain.ts'
import { hexToBytes, parseRawTx } from '../../protocol/raw-tx.ts'
import { holdsUnsentRefund, type HistoryEntry, type RefundRecord } from './history.ts'

/** The ledger calls reclaiming needs: WhatsOnChainClient satisfies it. */
export interface RefundLedger {
  height(): Promise<number>
  broadcast(rawHex: string): Promise<string>
}

export type RefundOutcome =
  | { kind: 'reclaimed'; channelId: string; txid: string; satoshis: number }
  /** The funding is spent already (the host's close, or this refund sent before) or never reached the ledger. */
  | { kind: 'nothing_left'; channelId: string }
  /** Refused or unreachable for another reason: tried again next time. */
  | { kind: 'failed'; channelId: string; message: string }

/** ARC's codes for "the input is already spent" (466) and "the input does not exist" (460). */
const NOTHING_LEFT: ReadonlySet<number> = new Set([460, 466])

/** A refund still to be sent; `unlocksAt` is the first block height whose chain accepts it. */
export interface PendingRefund {
  channelId: string
  refundHex: string
  unlocksAt: number
  satoshis: number
}

/** Where a history entry's refund stands. */
export type RefundStatus = ({ status: 'waiting' } & Omit<PendingRefund, 'channelId'>) | RefundRecord

/** What the history keeps of an attempt: nothing for a failure, which is tried again next time. */
export function refundRecord(outcome: RefundOutcome): RefundRecord | null {
  if (outcome.kind === 'reclaimed') return { status: 'reclaimed', txid: outcome.txid }
  return outcome.kind === 'nothing_left' ? { status: 'nothing_left' } : null
}

/** null when the entry holds no refund (its channel settled on chain) or one that cannot be read. */
export function refundStatus(entry: HistoryEntry): RefundStatus | null {
  if (entry.refund) return entry.refund
  if (!holdsUnsentRefund(entry)) return null
  try {
    const tx = parseRawTx(hexToBytes(entry.refundHex))
    const satoshis = tx.outputs.reduce((sum, output) => sum + output.satoshis, 0)
    return { status: 'waiting', refundHex: entry.refundHex, unlocksAt: tx.lockTime, satoshis }
  } catch {
    return null
  }
}

/** Refunds in the history still waiting to be sent, with when each unlocks. */
export function pendingRefunds(history: readonly HistoryEntry[]): PendingRefund[] {
  return history.flatMap((entry) => {
    const refund = refundStatus(entry)
    if (refund?.status !== 'waiting') return []
    const { status: _waiting, ...pending } = refund
    return [{ channelId: entry.summary.channelId, ...pending }]
  })
}

/** A height-locked tx with a non-final input is final once its nLockTime is below the next block's height. */
function isUnlocked(refund: PendingRefund, height: number): boolean {
  return refund.unlocksAt <= height
}

/** Broadcasts every refund the chain accepts now, one at a time; returns what became of each one tried. */
export async function reclaimRefunds(history: readonly HistoryEntry[], ledger: RefundLedger): Promise<RefundOutcome[]> {
  const pending = pendingRefunds(history)
  if (pending.length === 0) return []
  const height = await ledger.height()
  const outcomes: RefundOutcome[] = []
  for (const refund of pending.filter((r) => isUnlocked(r, height))) {
    try {
      const txid = await ledger.broadcast(refund.refundHex)
      outcomes.push({ kind: 'reclaimed', channelId: refund.channelId, txid, satoshis: refund.satoshis })
    } catch (error) {
      if (error instanceof ChainError && NOTHING_LEFT.has(error.code)) outcomes.push({ kind: 'nothing_left', channelId: refund.channelId })
      else outcomes.push({ kind: 'failed', channelId: refund.channelId, message: error instanceof Error ? error.message : String(error) })
    }
  }
  return outcomes
}
