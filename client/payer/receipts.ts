// A receipt for every channel in the history: where, what, when, what was watched, bought and paid, and the
// transactions on chain, each with its explorer link; exported as CSV and JSON. Pure: the links and the chain height
// come from the caller.
import { refundStatus } from './refunds.ts'
import type { HistoryEntry } from './history.ts'

/** A block every ten minutes: how far off a refund's block is, as a date. */
const BLOCK_MS = 600_000

export interface Receipt {
  channelId: string
  host: string | null
  stream: string | null
  /** ISO 8601: when the channel opened (null when the history does not know) and when it ended. */
  openedAt: string | null
  settledAt: string
  /** Media time played, seconds; null when it was not measured. */
  watchedSeconds: number | null
  /** Media time paid for, seconds. */
  boughtSeconds: number
  /** Paid to the host, satoshis, tips included. */
  paid: number
  tips: number
  fee: number
  change: number
  fundingTxid: string | null
  fundingUrl: string | null
  closeTxid: string | null
  closeUrl: string | null
  refund: 'none' | 'waiting' | 'reclaimed' | 'not needed'
  /** A waiting refund: the block it unlocks at, and about when that block comes (null until the height is known). */
  refundBlock: number | null
  refundExpectedAt: string | null
  refundTxid: string | null
  refundUrl: string | null
}

export interface ReceiptContext {
  /** The explorer page of a transaction on the channel's network. */
  txUrl: (txid: string) => string
  /** The chain's height now, when known: dates the waiting refunds. */
  height: number | null
  now: number
}

function iso(at: number): string {
  return new Date(at).toISOString()
}

function refundFields(entry: HistoryEntry, ctx: ReceiptContext): Pick<Receipt, 'refund' | 'refundBlock' | 'refundExpectedAt' | 'refundTxid' | 'refundUrl'> {
  const none = { refundBlock: null, refundExpectedAt: null, refundTxid: null, refundUrl: null }
  const status = refundStatus(entry)
  if (status === null) return { refund: 'none', ...none }
  if (status.status === 'nothing_left') return { refund: 'not needed', ...none }
  if (status.status === 'reclaimed') return { refund: 'reclaimed', ...none, refundTxid: status.txid, refundUrl: ctx.txUrl(status.txid) }
  const expected = ctx.height === null ? null : iso(ctx.now + Math.max(0, status.unlocksAt - ctx.height) * BLOCK_MS)
  return { refund: 'waiting', ...none, refundBlock: status.unlocksAt, refundExpectedAt: expected }
}

export function receiptOf(entry: HistoryEntry, ctx: ReceiptContext): Receipt {
  const { summary, viewing } = entry
  const fundingTxid = viewing?.fundingTxid ?? null
  return {
    channelId: summary.channelId,
    host: viewing?.host ?? null,
    stream: viewing?.stream ?? null,
    openedAt: viewing?.openedAt !== undefined ? iso(viewing.openedAt) : null,
    settledAt: iso(entry.settledAt),
    watchedSeconds: entry.watchedSeconds ?? null,
    boughtSeconds: summary.seconds,
    paid: summary.paid,
    tips: summary.tips,
    fee: summary.fee,
    change: summary.change,
    fundingTxid,
    fundingUrl: fundingTxid ? ctx.txUrl(fundingTxid) : null,
    closeTxid: summary.closeTxid,
    closeUrl: summary.closeTxid ? ctx.txUrl(summary.closeTxid) : null,
    ...refundFields(entry, ctx),
  }
}

/** The receipts' columns, in order: the CSV's header. */
export const RECEIPT_COLUMNS: readonly (keyof Receipt)[] = [
  'channelId', 'host', 'stream', 'openedAt', 'settledAt', 'watchedSeconds', 'boughtSeconds', 'paid', 'tips', 'fee', 'change',
  'fundingTxid', 'fundingUrl', 'closeTxid', 'closeUrl', 'refund', 'refundBlock', 'refundExpectedAt', 'refundTxid', 'refundUrl',
]

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text a spreadsheet would run as a
 * formula (a stream name from a link could start with "=") gets a leading apostrophe, and so does text that starts
 * with one already, so that reading it back is exact: drop one leading apostrophe followed by one of =+-@'.
 */
function csvField(value: string | number | null): string {
  if (value === null) return ''
  if (typeof value === 'number') return String(value)
  const safe = /^[=+\-@\t\r']/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

export function receiptsToCsv(receipts: readonly Receipt[]): string {
  const lines = [RECEIPT_COLUMNS.join(','), ...receipts.map((r) => RECEIPT_COLUMNS.map((column) => csvField(r[column])).join(','))]
  return `${lines.join('\r\n')}\r\n`
}

export function receiptsToJson(receipts: readonly Receipt[]): string {
  return `${JSON.stringify({ receipts }, null, 2)}\n`
}
