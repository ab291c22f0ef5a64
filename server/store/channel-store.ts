// The host's durable memory: every accepted payment is committed here before the segment it pays for is served.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ChannelState, CloseReason } from '../../protocol/messages.ts'

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
  at: number
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS channels (
  id TEXT PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  payer_public_key TEXT NOT NULL,
  funding_txid TEXT NOT NULL,
  funding_vout INTEGER NOT NULL,
  funding_tx TEXT,
  capacity INTEGER NOT NULL,
  fee INTEGER NOT NULL,
  lock_time INTEGER NOT NULL,
  refund_tx TEXT NOT NULL,
  state TEXT NOT NULL,
  sequence INTEGER NOT NULL DEFAULT 0,
  paid INTEGER NOT NULL DEFAULT 0,
  tips INTEGER NOT NULL DEFAULT 0,
  segments INTEGER NOT NULL DEFAULT 0,
  seconds REAL NOT NULL DEFAULT 0,
  last_tx TEXT,
  last_txid TEXT,
  close_tx TEXT,
  close_txid TEXT,
  close_reason TEXT,
  created_at INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL,
  closed_at INTEGER
);
CREATE INDEX IF NOT EXISTS channels_state ON channels(state);
CREATE TABLE IF NOT EXISTS payments (
  channel_id TEXT NOT NULL REFERENCES channels(id),
  sequence INTEGER NOT NULL,
  paid INTEGER NOT NULL,
  txid TEXT NOT NULL,
  tx TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT,
  amount INTEGER NOT NULL,
  seconds REAL NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (channel_id, sequence)
);
CREATE TABLE IF NOT EXISTS segment_durations (
  path TEXT PRIMARY KEY,
  duration REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`

/** The channels table read straight into ChannelRecord's shape. */
const CHANNEL_COLUMNS = `id, token, payer_public_key AS payerPublicKey, funding_txid AS fundingTxid, funding_vout AS fundingVout,
  funding_tx AS fundingTx, capacity, fee, lock_time AS lockTime, refund_tx AS refundTx, state, sequence, paid, tips, segments,
  seconds, last_tx AS lastTx, last_txid AS lastTxid, close_tx AS closeTx, close_txid AS closeTxid, close_reason AS closeReason,
  created_at AS createdAt, last_activity_at AS lastActivityAt, closed_at AS closedAt`

export interface StoreOptions {
  /** 'full' fsyncs every commit (survives power loss); 'normal' survives a killed process, which is what WAL guarantees. */
  durability: 'full' | 'normal'
}

export class ChannelStore {
  private readonly db: Database.Database
  private readonly statements

  static open(dataDir: string, options: StoreOptions): ChannelStore {
    mkdirSync(dataDir, { recursive: true })
    return new ChannelStore(new Database(join(dataDir, 'host.sqlite')), options)
  }

  private constructor(db: Database.Database, options: StoreOptions) {
    this.db = db
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`)
    db.pragma('foreign_keys = ON')
    db.exec(SCHEMA)
    this.statements = {
      insertChannel: db.prepare(`INSERT INTO channels (id, token, payer_public_key, funding_txid, funding_vout, capacity, fee,
        lock_time, refund_tx, state, created_at, last_activity_at)
        VALUES (@id, @token, @payerPublicKey, @fundingTxid, @fundingVout, @capacity, @fee, @lockTime, @refundTx, 'opening',
        @createdAt, @createdAt)`),
      channel: db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE id = ?`),
      channelsInStates: db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE state IN (SELECT value FROM json_each(?)) ORDER BY created_at`),
      allChannels: db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels ORDER BY created_at DESC LIMIT ?`),
      setFundingTx: db.prepare('UPDATE channels SET funding_tx = ? WHERE id = ? AND state = \'opening\''),
      markOpen: db.prepare('UPDATE channels SET state = \'open\', last_activity_at = ? WHERE id = ? AND state = \'opening\''),
      insertPayment: db.prepare(`INSERT INTO payments (channel_id, sequence, paid, txid, tx, kind, subject, amount, seconds, at)
        VALUES (@channelId, @sequence, @paid, @txid, @tx, @kind, @subject, @amount, @seconds, @at)`),
      applyPayment: db.prepare(`UPDATE channels SET sequence = @sequence, paid = @paid, last_tx = @tx, last_txid = @txid,
        tips = tips + @tip, segments = segments + @segment, seconds = seconds + @seconds, last_activity_at = @at
        WHERE id = @channelId AND state = 'open' AND sequence = @sequence - 1`),
      segmentPayments: db.prepare('SELECT subject, amount, seconds FROM payments WHERE channel_id = ? AND kind = \'segment\''),
      markClosing: db.prepare(`UPDATE channels SET state = 'closing', close_tx = ?, close_txid = ?, close_reason = ?
        WHERE id = ? AND state IN ('open', 'closing')`),
      markClosed: db.prepare(`UPDATE channels SET state = 'closed', close_txid = ?, close_reason = COALESCE(close_reason, ?),
        closed_at = ? WHERE id = ? AND state <> 'closed'`),
      upsertDuration: db.prepare('INSERT OR REPLACE INTO segment_durations (path, duration) VALUES (?, ?)'),
      durations: db.prepare('SELECT path, duration FROM segment_durations'),
      setting: db.prepare('SELECT value FROM settings WHERE key = ?'),
      putSetting: db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)'),
    }
  }

  insertChannel(record: Pick<ChannelRecord, 'id' | 'token' | 'payerPublicKey' | 'fundingTxid' | 'fundingVout' | 'capacity' | 'fee' | 'lockTime' | 'refundTx' | 'createdAt'>): void {
    this.statements.insertChannel.run(record)
  }

  channel(id: string): ChannelRecord | null {
    return (this.statements.channel.get(id) as ChannelRecord | undefined) ?? null
  }

  channelsIn(states: ChannelState[]): ChannelRecord[] {
    return this.statements.channelsInStates.all(JSON.stringify(states)) as ChannelRecord[]
  }

  recentChannels(limit: number): ChannelRecord[] {
    return this.statements.allChannels.all(limit) as ChannelRecord[]
  }

  /** Kept before broadcasting, so a crash between broadcast and `markOpen` can be recovered from the ledger. */
  setFundingTx(id: string, fundingTx: string): void {
    this.statements.setFundingTx.run(fundingTx, id)
  }

  markOpen(id: string, at: number): boolean {
    return this.statements.markOpen.run(at, id).changes === 1
  }

  /**
   * Commits one accepted payment and the channel's new totals atomically. The sequence guard makes a lost race or a
   * replay fail loudly instead of double counting.
   */
  readonly recordPayment = (payment: PaymentRecord): void => {
    this.db.transaction(() => {
      this.statements.insertPayment.run(payment)
      const changed = this.statements.applyPayment.run({
        channelId: payment.channelId,
        sequence: payment.sequence,
        paid: payment.paid,
        tx: payment.tx,
        txid: payment.txid,
        tip: payment.kind === 'tip' ? payment.amount : 0,
        segment: payment.kind === 'segment' ? 1 : 0,
        seconds: payment.seconds,
        at: payment.at,
      }).changes
      if (changed !== 1) throw new Error(`payment ${payment.sequence} does not follow channel ${payment.channelId}'s last one`)
    })()
  }

  /** The segments a channel has paid for, to rebuild its entitlements after a restart. */
  segmentPayments(channelId: string): Array<{ subject: string; amount: number; seconds: number }> {
    return this.statements.segmentPayments.all(channelId) as Array<{ subject: string; amount: number; seconds: number }>
  }

  /** The close tx is stored before it is broadcast: settlement can then resume without ever building a second one. */
  markClosing(id: string, closeTx: string | null, closeTxid: string | null, reason: CloseReason): boolean {
    return this.statements.markClosing.run(closeTx, closeTxid, reason, id).changes === 1
  }

  markClosed(id: string, closeTxid: string | null, reason: CloseReason, at: number): boolean {
    return this.statements.markClosed.run(closeTxid, reason, at, id).changes === 1
  }

  rememberDuration(path: string, duration: number): void {
    this.statements.upsertDuration.run(path, duration)
  }

  durations(): Array<{ path: string; duration: number }> {
    return this.statements.durations.all() as Array<{ path: string; duration: number }>
  }

  setting(key: string): string | null {
    const row = this.statements.setting.get(key) as { value: string } | undefined
    return row ? row.value : null
  }

  putSetting(key: string, value: string): void {
    this.statements.putSetting.run(key, value)
  }

  close(): void {
    this.db.close()
  }
}
