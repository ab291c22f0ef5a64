// The channel store in SQLite, in the data folder: WAL, and synchronous=FULL unless told otherwise. Payments that
// arrive in the same turn of the event loop are committed together, in one transaction with one fsync (group commit),
// and each is acknowledged only once that commit is durable. Every other call first commits the payments queued before it, so
// the store applies calls in the order they were made: a close never commits before the payments it settles.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ChannelState, CloseReason } from '../../protocol/messages.ts'
import { REMEMBERED_PLAYLISTS, StaleChannel, type ChannelQuery, type ChannelRecord, type ChannelStore, type KnownViewer, type NewChannel, type PaymentRecord, type StreamSales, type TipRecord } from './channel-store.ts'

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
  payout_script TEXT,
  payer_script TEXT,
  viewer_identity TEXT,
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
CREATE INDEX IF NOT EXISTS channels_newest ON channels(created_at DESC, id DESC);
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
  stream TEXT,
  PRIMARY KEY (channel_id, sequence)
);
CREATE TABLE IF NOT EXISTS served_playlists (
  path TEXT PRIMARY KEY,
  first_served_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`

/** Columns added since the first schema, with what they hold in older data folders (NULL: see ChannelRecord, PaymentRecord). */
const ADDED_COLUMNS: ReadonlyArray<{ table: string; column: string; type: string }> = [
  { table: 'channels', column: 'payout_script', type: 'TEXT' },
  { table: 'payments', column: 'stream', type: 'TEXT' },
  { table: 'channels', column: 'payer_script', type: 'TEXT' },
  { table: 'channels', column: 'viewer_identity', type: 'TEXT' },
]

/**
 * Every funding outpoint a co-signed refund spends, claimed by the first channel that opened on it, for life: rows are
 * never deleted, even when the opening expires. Created with the claims of the channels already stored (a funded one
 * before an unfunded one, then the oldest) when an earlier version's data folder is opened.
 */
const FUNDING_OUTPOINTS = `
CREATE TABLE funding_outpoints (
  txid TEXT NOT NULL,
  vout INTEGER NOT NULL,
  channel_id TEXT NOT NULL,
  claimed_at INTEGER NOT NULL,
  PRIMARY KEY (txid, vout)
) WITHOUT ROWID;
INSERT OR IGNORE INTO funding_outpoints (txid, vout, channel_id, claimed_at)
  SELECT funding_txid, funding_vout, id, created_at FROM channels ORDER BY state = 'opening', created_at, id;
`

/**
 * Brings a data folder from an earlier version up to SCHEMA (CREATE TABLE IF NOT EXISTS leaves old tables as they
 * were), each step guarded so it runs once. The segment_durations table of earlier versions is left as it was,
 * unused: the paywall now reads back the playlists it served.
 */
function upgrade(db: Database.Database): void {
  for (const { table, column, type } of ADDED_COLUMNS) {
    const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]
    if (!columns.includes(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`)
  }
  const hasOutpoints = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'funding_outpoints'`).get() !== undefined
  if (!hasOutpoints) db.transaction(() => db.exec(FUNDING_OUTPOINTS))()
}

/** The channels table read straight into ChannelRecord's shape. */
const CHANNEL_COLUMNS = `id, token, payer_public_key AS payerPublicKey, funding_txid AS fundingTxid, funding_vout AS fundingVout,
  funding_tx AS fundingTx, capacity, fee, lock_time AS lockTime, refund_tx AS refundTx, payout_script AS payoutScript,
  payer_script AS payerScript, viewer_identity AS viewerIdentity, state, sequence, paid, tips, segments,
  seconds, last_tx AS lastTx, last_txid AS lastTxid, close_tx AS closeTx, close_txid AS closeTxid, close_reason AS closeReason,
  created_at AS createdAt, last_activity_at AS lastActivityAt, closed_at AS closedAt`

export interface StoreOptions {
  /** 'full' fsyncs every commit (survives power loss); 'normal' survives a killed process, which is what WAL guarantees. */
  durability: 'full' | 'normal'
}

interface QueuedPayment {
  payment: PaymentRecord
  resolve: () => void
  reject: (error: Error) => void
}

export class SqliteChannelStore implements ChannelStore {
  private readonly db: Database.Database
  private readonly statements
  private readonly applyOne: (payment: PaymentRecord) => void
  private readonly claimAndInsert: (record: NewChannel) => boolean
  private readonly commitBatch: (batch: readonly QueuedPayment[]) => void
  private queued: QueuedPayment[] = []

  static open(dataDir: string, options: StoreOptions): SqliteChannelStore {
    mkdirSync(dataDir, { recursive: true })
    return new SqliteChannelStore(new Database(join(dataDir, 'host.sqlite')), options)
  }

  private constructor(db: Database.Database, options: StoreOptions) {
    this.db = db
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`)
    db.pragma('foreign_keys = ON')
    db.exec(SCHEMA)
    upgrade(db)
    this.statements = {
      insertChannel: db.prepare(`INSERT INTO channels (id, token, payer_public_key, funding_txid, funding_vout, capacity, fee,
        lock_time, refund_tx, payout_script, payer_script, viewer_identity, state, created_at, last_activity_at)
        VALUES (@id, @token, @payerPublicKey, @fundingTxid, @fundingVout, @capacity, @fee, @lockTime, @refundTx, @payoutScript,
        @payerScript, @viewerIdentity, 'opening', @createdAt, @createdAt)`),
      claimOutpoint: db.prepare('INSERT OR IGNORE INTO funding_outpoints (txid, vout, channel_id, claimed_at) VALUES (@fundingTxid, @fundingVout, @id, @createdAt)'),
      outpointClaimant: db.prepare('SELECT channel_id FROM funding_outpoints WHERE txid = ? AND vout = ?').pluck(),
      channel: db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE id = ?`),
      channelsInStates: db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE state IN (SELECT value FROM json_each(?)) ORDER BY created_at`),
      channelByToken: db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE token = ? AND state = 'open'`),
      openChannelsDue: db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE state = 'open' AND (last_activity_at < ? OR lock_time <= ?)`),
      channelsPage: db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels
        WHERE (@states IS NULL OR state IN (SELECT value FROM json_each(@states)))
          AND (@beforeAt IS NULL OR created_at < @beforeAt OR (created_at = @beforeAt AND id < @beforeId))
        ORDER BY created_at DESC, id DESC LIMIT @limit`),
      setFundingTx: db.prepare('UPDATE channels SET funding_tx = ? WHERE id = ? AND state = \'opening\''),
      clearFundingTx: db.prepare('UPDATE channels SET funding_tx = NULL WHERE id = ? AND state = \'opening\''),
      expireUnfunded: db.prepare(`DELETE FROM channels WHERE state = 'opening' AND funding_tx IS NULL AND created_at < ? RETURNING id`),
      recentTips: db.prepare(`SELECT channel_id AS channelId, amount, subject AS note, at FROM payments WHERE kind = 'tip' ORDER BY at DESC, channel_id, sequence DESC LIMIT ?`),
      markOpen: db.prepare('UPDATE channels SET state = \'open\', last_activity_at = ? WHERE id = ? AND state = \'opening\''),
      insertPayment: db.prepare(`INSERT INTO payments (channel_id, sequence, paid, txid, tx, kind, subject, amount, seconds, stream, at)
        VALUES (@channelId, @sequence, @paid, @txid, @tx, @kind, @subject, @amount, @seconds, @stream, @at)`),
      applyPayment: db.prepare(`UPDATE channels SET sequence = @sequence, paid = @paid, last_tx = @tx, last_txid = @txid,
        tips = tips + @tip, segments = segments + @segment, seconds = seconds + @seconds, last_activity_at = @at
        WHERE id = @channelId AND state = 'open' AND sequence = @sequence - 1`),
      segmentPayments: db.prepare('SELECT subject, amount, seconds FROM payments WHERE channel_id = ? AND kind = \'segment\''),
      markClosing: db.prepare(`UPDATE channels SET state = 'closing', close_tx = ?, close_txid = ?, close_reason = ?
        WHERE id = ? AND state IN ('open', 'closing')`),
      markClosed: db.prepare(`UPDATE channels SET state = 'closed', close_txid = ?, close_reason = COALESCE(close_reason, ?),
        closed_at = ? WHERE id = ? AND state <> 'closed'`),
      reopenClose: db.prepare(`UPDATE channels SET state = 'closing', closed_at = NULL
        WHERE id = ? AND state = 'closed' AND close_tx IS NOT NULL AND close_txid IS NOT NULL`),
      knownViewers: db.prepare(`SELECT viewer_identity AS identityKey, COUNT(*) AS channels, SUM(paid) AS paid, MAX(last_activity_at) AS lastSeenAt
        FROM channels WHERE viewer_identity IS NOT NULL AND state <> 'opening' GROUP BY viewer_identity ORDER BY lastSeenAt DESC LIMIT ?`),
      salesByStream: db.prepare(`SELECT stream, SUM(amount) AS amount, SUM(seconds) AS seconds FROM payments WHERE kind = 'segment' GROUP BY stream`),
      rememberPlaylist: db.prepare('INSERT OR IGNORE INTO served_playlists (path, first_served_at) VALUES (?, ?)'),
      forgetPlaylists: db.prepare('DELETE FROM served_playlists WHERE path NOT IN (SELECT path FROM served_playlists ORDER BY first_served_at DESC LIMIT ?)'),
      playlists: db.prepare('SELECT path FROM served_playlists ORDER BY first_served_at DESC LIMIT ?'),
      setting: db.prepare('SELECT value FROM settings WHERE key = ?'),
      putSetting: db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)'),
      claimSetting: db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)'),
      deleteSetting: db.prepare('DELETE FROM settings WHERE key = ?'),
    }
    this.applyOne = (payment) => {
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
      if (changed !== 1) throw new StaleChannel(payment.channelId, payment.sequence)
    }
    this.claimAndInsert = db.transaction((record: NewChannel) => {
      if (this.statements.claimOutpoint.run(record).changes === 0) return false
      this.statements.insertChannel.run(record)
      return true
    })
    this.commitBatch = db.transaction((batch: readonly QueuedPayment[]) => {
      for (const { payment } of batch) this.applyOne(payment)
    })
  }

  recordPayment(payment: PaymentRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ payment, resolve, reject })
      if (this.queued.length === 1) setImmediate(() => this.commitQueued())
    })
  }

  /** Runs `work` after committing the payments queued before it: the store's calls take effect in call order. */
  private inOrder<T>(work: () => T): Promise<T> {
    try {
      this.commitQueued()
      return Promise.resolve(work())
    } catch (error) {
      return Promise.reject(error)
    }
  }

  private commitQueued(): void {
    const batch = this.queued
    if (batch.length === 0) return
    this.queued = []
    try {
      this.commitBatch(batch)
    } catch {
      // One payment broke its guard, or the disk refused the commit: the batch was rolled back whole. Each payment
      // then commits (or fails) on its own, so one bad payment never takes the others down with it.
      for (const queued of batch) this.commitAlone(queued)
      return
    }
    for (const queued of batch) queued.resolve()
  }

  private commitAlone(queued: QueuedPayment): void {
    try {
      this.db.transaction(this.applyOne)(queued.payment)
      queued.resolve()
    } catch (error) {
      queued.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }

  insertChannel(record: NewChannel): Promise<boolean> {
    const row = { ...record, payerScript: record.payerScript ?? null, viewerIdentity: record.viewerIdentity ?? null }
    return this.inOrder(() => this.claimAndInsert(row))
  }

  outpointClaimant(fundingTxid: string, fundingVout: number): Promise<string | null> {
    return this.inOrder(() => (this.statements.outpointClaimant.get(fundingTxid, fundingVout) as string | undefined) ?? null)
  }

  channel(id: string): Promise<ChannelRecord | null> {
    return this.inOrder(() => (this.statements.channel.get(id) as ChannelRecord | undefined) ?? null)
  }

  channelsIn(states: ChannelState[]): Promise<ChannelRecord[]> {
    return this.inOrder(() => this.statements.channelsInStates.all(JSON.stringify(states)) as ChannelRecord[])
  }

  channelByToken(token: string): Promise<ChannelRecord | null> {
    return this.inOrder(() => (this.statements.channelByToken.get(token) as ChannelRecord | undefined) ?? null)
  }

  openChannelsDue(idleBefore: number, lockTimeAtMost: number): Promise<ChannelRecord[]> {
    return this.inOrder(() => this.statements.openChannelsDue.all(idleBefore, lockTimeAtMost) as ChannelRecord[])
  }

  channelsPage({ states, before, limit }: ChannelQuery): Promise<ChannelRecord[]> {
    const query = { states: states ? JSON.stringify(states) : null, beforeAt: before?.createdAt ?? null, beforeId: before?.id ?? null, limit }
    return this.inOrder(() => this.statements.channelsPage.all(query) as ChannelRecord[])
  }

  setFundingTx(id: string, fundingTx: string): Promise<boolean> {
    return this.inOrder(() => this.statements.setFundingTx.run(fundingTx, id).changes === 1)
  }

  clearFundingTx(id: string): Promise<void> {
    return this.inOrder(() => void this.statements.clearFundingTx.run(id))
  }

  expireUnfundedOpenings(createdBefore: number): Promise<string[]> {
    return this.inOrder(() => this.statements.expireUnfunded.pluck().all(createdBefore) as string[])
  }

  recentTips(limit: number): Promise<TipRecord[]> {
    return this.inOrder(() => this.statements.recentTips.all(limit) as TipRecord[])
  }

  markOpen(id: string, at: number): Promise<boolean> {
    return this.inOrder(() => this.statements.markOpen.run(at, id).changes === 1)
  }

  segmentPayments(channelId: string): Promise<Array<{ subject: string; amount: number; seconds: number }>> {
    return this.inOrder(() => this.statements.segmentPayments.all(channelId) as Array<{ subject: string; amount: number; seconds: number }>)
  }

  markClosing(id: string, closeTx: string | null, closeTxid: string | null, reason: CloseReason): Promise<boolean> {
    return this.inOrder(() => this.statements.markClosing.run(closeTx, closeTxid, reason, id).changes === 1)
  }

  markClosed(id: string, closeTxid: string | null, reason: CloseReason, at: number): Promise<boolean> {
    return this.inOrder(() => this.statements.markClosed.run(closeTxid, reason, at, id).changes === 1)
  }

  reopenClose(id: string): Promise<boolean> {
    return this.inOrder(() => this.statements.reopenClose.run(id).changes === 1)
  }

  knownViewers(limit: number): Promise<KnownViewer[]> {
    return this.inOrder(() => this.statements.knownViewers.all(limit) as KnownViewer[])
  }

  salesByStream(): Promise<StreamSales[]> {
    return this.inOrder(() => this.statements.salesByStream.all() as StreamSales[])
  }

  rememberPlaylist(path: string, at: number): Promise<void> {
    return this.inOrder(() => {
      if (this.statements.rememberPlaylist.run(path, at).changes > 0) this.statements.forgetPlaylists.run(REMEMBERED_PLAYLISTS)
    })
  }

  playlists(limit: number): Promise<string[]> {
    return this.inOrder(() => (this.statements.playlists.all(limit) as Array<{ path: string }>).map((row) => row.path))
  }

  setting(key: string): Promise<string | null> {
    return this.inOrder(() => (this.statements.setting.get(key) as { value: string } | undefined)?.value ?? null)
  }

  putSetting(key: string, value: string): Promise<void> {
    return this.inOrder(() => void this.statements.putSetting.run(key, value))
  }

  claimSetting(key: string, value: string): Promise<string> {
    return this.inOrder(() => {
      this.statements.claimSetting.run(key, value)
      return (this.statements.setting.get(key) as { value: string }).value
    })
  }

  deleteSetting(key: string): Promise<void> {
    return this.inOrder(() => void this.statements.deleteSetting.run(key))
  }

  close(): Promise<void> {
    return this.inOrder(() => void this.db.close())
  }
}
