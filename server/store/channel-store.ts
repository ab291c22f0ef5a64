// The host's durable memory, as the channel core sees it: every accepted payment is committed here before the
// segment it pays for is served. Two engines keep it: SQLite in the data folder (sqlite-store.ts, the default) and
// PostgreSQL for several host instances. Every call is asynchronous; calls take effect in the order they are made.
import type { ChannelState, CloseReason } from '../../protocol/messages.ts'

/** Playlists the store remembers (the paywall reads the newest few again after a restart). */
export const REMEMBERED_PLAYLISTS = 1_000

export interface ChannelRecord {
  id: string
  token: string
  payerPublicKey: string
  fundingTxid: string
  fundingVout: number
  fundingTx: string | null
  capacity: number
  fee: number
  lockTime: number
  refundTx: string
  /** The payout script (P2PKH hex) every update pays, fixed at opening; null for channels from before payout addresses. */
  payoutScript: string | null
  /** Where the viewer's share goes (P2PKH hex), when the viewer named a script; null: the P2PKH of payerPublicKey. */
  payerScript: string | null
  /** The viewer's identity key, when the viewer chose to let the host know them; null otherwise. */
  viewerIdentity: string | null
  state: ChannelState
  sequence: number
  paid: number
  tips: number
  segments: number
  seconds: number
  lastTx: string | null
  lastTxid: string | null
  closeTx: string | null
  closeTxid: string | null
  closeReason: CloseReason | null
  createdAt: number
  lastActivityAt: number
  closedAt: number | null
}

export type PaymentKind = 'segment' | 'tip'

export interface PaymentRecord {
  channelId: string
  sequence: number
  paid: number
  txid: string
  tx: string
  kind: PaymentKind
  /** The segment path for a segment payment, the tip's note for a tip. */
  subject: string | null
  amount: number
  /** Seconds of media this payment bought (0 for tips). */
  seconds: number
  /** The stream a segment payment was for (its master playlist's path, or its media playlist's); null for tips. */
  stream: string | null
  at: number
}

/** What one stream has sold, over every channel. `stream` null: payments stored before streams were recorded. */
export interface StreamSales {
  stream: string | null
  amount: number
  seconds: number
}

/** Where a page of channels starts: after the channel created at `createdAt` with this `id` (the previous page's last). */
export interface ChannelCursor {
  createdAt: number
  id: string
}

export interface ChannelQuery {
  states: readonly ChannelState[] | null
  before: ChannelCursor | null
  limit: number
}

export interface TipRecord {
  channelId: string
  amount: number
  note: string | null
  at: number
}

export type NewChannel = Pick<ChannelRecord, 'id' | 'token' | 'payerPublicKey' | 'fundingTxid' | 'fundingVout' | 'capacity' | 'fee' | 'lockTime' | 'refundTx' | 'createdAt'> &
  Partial<Pick<ChannelRecord, 'payerScript' | 'viewerIdentity'>> & { payoutScript: string }

/** A viewer who let the host know their identity key: their funded channels and what those paid. */
export interface KnownViewer {
  identityKey: string
  channels: number
  paid: number
  lastSeenAt: number
}

/**
 * A payment that does not follow the channel's last stored one, or arrives after the channel left 'open': another
 * writer (another host instance sharing the store) got there first. The caller's picture of the channel is stale.
 */
export class StaleChannel extends Error {
  constructor(readonly channelId: string, readonly sequence: number) {
    super(`payment ${sequence} does not follow channel ${channelId}'s last stored one (or the channel is no longer open)`)
    this.name = 'StaleChannel'
  }
}

/** SQLite's and PostgreSQL's ways of saying the disk is full or read-only: the write failed, nothing was recorded. */
const STORAGE_UNAVAILABLE = /^(SQLITE_FULL|SQLITE_READONLY|SQLITE_IOERR|SQLITE_CANTOPEN|53100|25006)/

/** The store could not write for want of space or permission (not a bug, nor a conflict): refuse, retry later. */
export function isStorageUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && STORAGE_UNAVAILABLE.test(code)
}

export interface ChannelStore {
  /**
   * Stores an opening and claims its funding outpoint for it, in one transaction. False, and nothing stored, when the
   * outpoint was ever claimed before: by a channel open, closed or expired (a co-signed refund for it exists).
   */
  insertChannel(record: NewChannel): Promise<boolean>
  /** The channel that claimed this funding outpoint, for life (its row may be gone); null when none did. */
  outpointClaimant(fundingTxid: string, fundingVout: number): Promise<string | null>
  channel(id: string): Promise<ChannelRecord | null>
  channelsIn(states: ChannelState[]): Promise<ChannelRecord[]>
  /** The open channel a segment request's token names, straight from the store (another instance may hold it live). */
  channelByToken(token: string): Promise<ChannelRecord | null>
  /** Open channels idle since before `idleBefore` (ms) or whose refund unlocks at or below `lockTimeAtMost`. */
  openChannelsDue(idleBefore: number, lockTimeAtMost: number): Promise<ChannelRecord[]>
  /** One page of channels, newest first (by createdAt, then id), in `states` (all when null), after the cursor `before`. */
  channelsPage(query: ChannelQuery): Promise<ChannelRecord[]>
  /**
   * Kept before broadcasting, so a crash between broadcast and `markOpen` can be recovered from the ledger. False when
   * the opening is gone (expired): nothing may then be broadcast.
   */
  setFundingTx(id: string, fundingTx: string): Promise<boolean>
  /** The funding was refused (or never reached the network): the opening is unfunded again, and expires at its timeout. */
  clearFundingTx(id: string): Promise<void>
  /**
   * Deletes the openings created before `createdBefore` that hold no funding, refund and all; returns their ids. Their
   * funding outpoints stay claimed.
   */
  expireUnfundedOpenings(createdBefore: number): Promise<string[]>
  /** The latest tips, newest first, with their notes. */
  recentTips(limit: number): Promise<TipRecord[]>
  markOpen(id: string, at: number): Promise<boolean>
  /**
   * Commits one accepted payment and the channel's new totals atomically; resolves once it is durable. Payments that
   * arrive together share one commit. A payment that does not follow the channel's last one fails alone with
   * StaleChannel, and commits nothing.
   */
  recordPayment(payment: PaymentRecord): Promise<void>
  /** The segments a channel has paid for, to rebuild its entitlements after a restart. */
  segmentPayments(channelId: string): Promise<Array<{ subject: string; amount: number; seconds: number }>>
  /** The close tx is stored before it is broadcast: settlement can then resume without ever building a second one. */
  markClosing(id: string, closeTx: string | null, closeTxid: string | null, reason: CloseReason): Promise<boolean>
  markClosed(id: string, closeTxid: string | null, reason: CloseReason, at: number): Promise<boolean>
  /**
   * A closed channel whose close the chain no longer holds (a reorganisation dropped it) is 'closing' again, its close
   * and reason kept, so settlement sends the same close again. False unless the channel is closed with a stored close.
   */
  reopenClose(id: string): Promise<boolean>
  /** Viewers known by identity key (funded channels only), most recently seen first. */
  knownViewers(limit: number): Promise<KnownViewer[]>
  /** Segment payments summed per stream, for the dashboard. */
  salesByStream(): Promise<StreamSales[]>
  /**
   * A playlist the paywall has served; only the first call for a path counts. Read back after a restart. At most
   * REMEMBERED_PLAYLISTS are kept: past it, those first served longest ago are forgotten.
   */
  rememberPlaylist(path: string, at: number): Promise<void>
  /** The remembered playlists, most recently first seen first. */
  playlists(limit: number): Promise<string[]>
  setting(key: string): Promise<string | null>
  putSetting(key: string, value: string): Promise<void>
  /** Stores `value` unless `key` has one already; resolves with the value kept (instances starting together agree). */
  claimSetting(key: string, value: string): Promise<string>
  deleteSetting(key: string): Promise<void>
  close(): Promise<void>
}
