// The viewer's past channels, newest first, kept in the viewer's storage: what each one cost, and the co-signed
// refund of every channel whose close was never seen, until it has been sent. Those refunds are the viewer's coins.
import type { SettlementSummary } from '../../protocol/messages.ts'
import { readJson, writeJson, type KeyValueStorage } from './storage.ts'
import type { WalletReturn } from './wallet-keys.ts'

export interface HistoryEntry {
  summary: SettlementSummary
  settledAt: number
  /** Kept when nothing was settled on chain: the refund returns the funds after its nLockTime. */
  refundHex?: string
  /** What became of refundHex: broadcast, or not needed (the funding was spent, or never reached the ledger). */
  refund?: RefundRecord
  /** Paid from a BRC-100 wallet: how to hand it what comes back (the close's change, or the refund). */
  returnTo?: WalletReturn
  /** The transaction whose return the wallet has taken in (internalizeAction), once it has. */
  takenBack?: string
  viewing?: ViewingRecord
  /** Media time played in this channel's viewing, seconds, as the player measured it (the summary's seconds are bought). */
  watchedSeconds?: number
}

/** What a receipt names besides the summary: the host and stream, when the channel opened, and its funding. */
export interface ViewingRecord {
  host: string
  stream: string
  fundingTxid: string
  openedAt?: number
}

export type RefundRecord = { status: 'reclaimed'; txid: string } | { status: 'nothing_left' }

/** How many past channels are listed; older ones go, except those still holding an unsent refund. */
export const HISTORY_LIMIT = 30

/** The entry keeps a refund nobody has sent yet: the viewer's coins, until it is. */
export function holdsUnsentRefund(entry: HistoryEntry): entry is HistoryEntry & { refundHex: string } {
  return entry.refundHex !== undefined && entry.refund === undefined
}

/**
 * The transaction that brought a BRC-100 wallet's coins back and that the wallet has not taken in yet: the close
 * (its change) or the sent refund. null when there is none, or none yet (a refund still waiting for its block).
 */
export function returnToTake(entry: HistoryEntry): { txid: string; what: 'change' | 'refund' } | null {
  if (!entry.returnTo || entry.takenBack !== undefined) return null
  if (entry.summary.closeTxid !== null && entry.summary.change > 0) return { txid: entry.summary.closeTxid, what: 'change' }
  return entry.refund?.status === 'reclaimed' ? { txid: entry.refund.txid, what: 'refund' } : null
}

/** The entry still owes the viewer something: an unsent refund, or coins their BRC-100 wallet has not taken in. */
function stillOwed(entry: HistoryEntry): boolean {
  return holdsUnsentRefund(entry) || returnToTake(entry) !== null
}

export class SessionHistory {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key: string,
    private readonly now: () => number = Date.now,
  ) {}

  entries(): HistoryEntry[] {
    const entries = readJson(this.storage, this.key)
    return Array.isArray(entries) ? (entries as HistoryEntry[]) : []
  }

  /** A channel ended: its summary goes first, replacing an earlier entry of the same channel. */
  record(summary: SettlementSummary, refundHex?: string, returnTo?: WalletReturn, viewing?: ViewingRecord): void {
    const entry: HistoryEntry = { summary, settledAt: this.now(), ...(refundHex ? { refundHex } : {}), ...(returnTo ? { returnTo } : {}), ...(viewing ? { viewing } : {}) }
    const others = this.entries().filter((e) => e.summary.channelId !== summary.channelId)
    this.write([entry, ...others])
  }

  /** Notes what became of a channel's refund. */
  recordRefund(channelId: string, refund: RefundRecord): void {
    this.write(this.entries().map((entry) => (entry.summary.channelId === channelId ? { ...entry, refund } : entry)))
  }

  /** Notes the media time the viewer watched in a channel's viewing, for its receipt. */
  recordWatched(channelId: string, seconds: number): void {
    this.write(this.entries().map((entry) => (entry.summary.channelId === channelId ? { ...entry, watchedSeconds: seconds } : entry)))
  }

  /** Notes that the wallet took in what `txid` returned to it. */
  recordTakenBack(channelId: string, txid: string): void {
    this.write(this.entries().map((entry) => (entry.summary.channelId === channelId ? { ...entry, takenBack: txid } : entry)))
  }

  private write(entries: HistoryEntry[]): void {
    const kept = entries.filter((entry, index) => index < HISTORY_LIMIT || stillOwed(entry))
    writeJson(this.storage, this.key, kept)
  }
}
