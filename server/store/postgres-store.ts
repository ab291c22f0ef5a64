// The channel store in PostgreSQL, shared by several host instances (`--store postgres://…`). The schema is the
// versioned SQL in postgres/migrations/, applied at start-up under an advisory lock. Every payment is committed before
// it is acknowledged; payments that arrive while the previous commit is under way share the next one (one statement,
// one fsync). Each channel has one writer: a payment commits only if the channel is still open and its stored
// sequence is the one the payment follows (a compare-and-set that PostgreSQL re-checks after waiting for the row), so
// two instances given the same update cannot both accept it; the one that loses gets StaleChannel.
import pg from 'pg'
import type { ChannelState, CloseReason } from '../../protocol/messages.ts'
import { REMEMBERED_PLAYLISTS, StaleChannel, type ChannelQuery, type ChannelRecord, type ChannelStore, type KnownViewer, type NewChannel, type PaymentRecord, type StreamSales, type TipRecord } from './channel-store.ts'
import { GroupCommit, OrderedLane, type ItemOutcome } from './postgres/group-commit.ts'
import { migrate } from './postgres/migrate.ts'

const INT8_OID = 20
/** Amounts, sequences and times are bigint columns; every value the host stores fits a JS number exactly. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
}

const CHANNEL_COLUMNS = `id, token, payer_public_key AS "payerPublicKey", funding_txid AS "fundingTxid", funding_vout AS "fundingVout",
  funding_tx AS "fundingTx", capacity, fee, lock_time AS "lockTime", refund_tx AS "refundTx", payout_script AS "payoutScript",
  payer_script AS "payerScript", viewer_identity AS "viewerIdentity", state, sequence, paid, tips, segments,
  seconds, last_tx AS "lastTx", last_txid AS "lastTxid", close_tx AS "closeTx", close_txid AS "closeTxid", close_reason AS "closeReason",
  created_at AS "createdAt", last_activity_at AS "lastActivityAt", closed_at AS "closedAt"`

/** One statement for a batch: move each channel on only if it still follows, and store the payments that did. */
const RECORD_PAYMENTS = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::float8[], $10::bigint[], $11::text[])
    AS i (channel_id, sequence, paid, txid, tx, kind, subject, amount, seconds, at, stream)
), moved AS (
  UPDATE channels c SET sequence = i.sequence, paid = i.paid, last_tx = i.tx, last_txid = i.txid,
    tips = c.tips + CASE WHEN i.kind = 'tip' THEN i.amount ELSE 0 END,
    segments = c.segments + CASE WHEN i.kind = 'segment' THEN 1 ELSE 0 END,
    seconds = c.seconds + i.seconds, last_activity_at = i.at
  FROM input i
  WHERE c.id = i.channel_id AND c.state = 'open' AND c.sequence = i.sequence - 1
  RETURNING c.id, i.sequence
)
INSERT INTO payments (channel_id, sequence, paid, txid, tx, kind, subject, amount, seconds, at, stream)
SELECT i.channel_id, i.sequence, i.paid, i.txid, i.tx, i.kind, i.subject, i.amount, i.seconds, i.at, i.stream
FROM input i JOIN moved m ON m.id = i.channel_id AND m.sequence = i.sequence
RETURNING channel_id, sequence`

export interface PostgresStoreOptions {
  /** Connections this instance keeps to PostgreSQL. */
  poolSize?: number
  onError?: (error: Error) => void
}

export class PostgresChannelStore implements ChannelStore {
  private readonly lane = new OrderedLane()
  private readonly payments: GroupCommit<PaymentRecord>

  /** Connects, applies the migrations this database lacks, and returns the store. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresChannelStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types })
    // An idle connection that breaks (PostgreSQL restarted) must not crash the host; the pool replaces it.
    pool.on('error', (error) => options.onError?.(error))
    try {
      await migrate(pool)
    } catch (error) {
      await pool.end()
      throw error
    }
    return new PostgresChannelStore(pool)
  }

  private constructor(readonly pool: pg.Pool) {
    this.payments = new GroupCommit(this.lane, (batch) => this.commitPayments(batch))
  }

  private async commitPayments(batch: readonly PaymentRecord[]): Promise<ItemOutcome[]> {
    const column = <K extends keyof PaymentRecord>(key: K) => batch.map((payment) => payment[key])
    const { rows } = await this.pool.query<{ channel_id: string; sequence: number }>(RECORD_PAYMENTS, [
      column('channelId'),
      column('sequence'),
      column('paid'),
      column('txid'),
      column('tx'),
      column('kind'),
      column('subject'),
      column('amount'),
      column('seconds'),
      column('at'),
      column('stream'),
    ])
    const stored = new Set(rows.map((row) => `${row.channel_id}/${row.sequence}`))
    return batch.map((payment) => (stored.has(`${payment.channelId}/${payment.sequence}`) ? null : new StaleChannel(payment.channelId, payment.sequence)))
  }

  private rows<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
    return this.lane.read(async () => (await this.pool.query<T>(sql, values)).rows)
  }

  private async changed(sql: string, values: unknown[]): Promise<number> {
    return this.lane.write(async () => (await this.pool.query(sql, values)).rowCount ?? 0)
  }

  recordPayment(payment: PaymentRecord): Promise<void> {
    return this.payments.add(payment)
  }

  /** One statement: the channel row is written only if its outpoint's claim was (a concurrent claim waits, then loses). */
  async insertChannel(record: NewChannel): Promise<boolean> {
    const inserted = await this.changed(
      `WITH claim AS (
         INSERT INTO funding_outpoints (txid, vout, channel_id, claimed_at) VALUES ($4, $5, $1, $11) ON CONFLICT DO NOTHING RETURNING channel_id
       )
       INSERT INTO channels (id, token, payer_public_key, funding_txid, funding_vout, capacity, fee, lock_time, refund_tx, payout_script,
         payer_script, viewer_identity, state, created_at, last_activity_at)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12, $13, 'opening', $11, $11 FROM claim`,
      [record.id, record.token, record.payerPublicKey, record.fundingTxid, record.fundingVout, record.capacity, record.fee, record.lockTime, record.refundTx, record.payoutScript, record.createdAt,
        record.payerScript ?? null, record.viewerIdentity ?? null],
    )
    return inserted === 1
  }

  async outpointClaimant(fundingTxid: string, fundingVout: number): Promise<string | null> {
    const rows = await this.rows<{ channel_id: string }>('SELECT channel_id FROM funding_outpoints WHERE txid = $1 AND vout = $2', [fundingTxid, fundingVout])
    return rows[0]?.channel_id ?? null
  }

  async channel(id: string): Promise<ChannelRecord | null> {
    return (await this.rows<ChannelRecord>(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE id = $1`, [id]))[0] ?? null
  }

  channelsIn(states: ChannelState[]): Promise<ChannelRecord[]> {
    return this.rows<ChannelRecord>(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE state = ANY($1::text[]) ORDER BY created_at`, [states])
  }

  async channelByToken(token: string): Promise<ChannelRecord | null> {
    return (await this.rows<ChannelRecord>(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE token = $1 AND state = 'open'`, [token]))[0] ?? null
  }

  openChannelsDue(idleBefore: number, lockTimeAtMost: number): Promise<ChannelRecord[]> {
    return this.rows<ChannelRecord>(
      `SELECT ${CHANNEL_COLUMNS} FROM channels WHERE state = 'open' AND (last_activity_at < $1 OR lock_time <= $2)`,
      [idleBefore, lockTimeAtMost],
    )
  }

  channelsPage({ states, before, limit }: ChannelQuery): Promise<ChannelRecord[]> {
    return this.rows<ChannelRecord>(
      `SELECT ${CHANNEL_COLUMNS} FROM channels
       WHERE ($1::text[] IS NULL OR state = ANY($1::text[])) AND ($2::bigint IS NULL OR (created_at, id) < ($2::bigint, $3::text))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [states, before?.createdAt ?? null, before?.id ?? null, limit],
    )
  }

  async setFundingTx(id: string, fundingTx: string): Promise<boolean> {
    return (await this.changed(`UPDATE channels SET funding_tx = $1 WHERE id = $2 AND state = 'opening'`, [fundingTx, id])) === 1
  }

  async clearFundingTx(id: string): Promise<void> {
    await this.changed(`UPDATE channels SET funding_tx = NULL WHERE id = $1 AND state = 'opening'`, [id])
  }

  expireUnfundedOpenings(createdBefore: number): Promise<string[]> {
    return this.lane.write(async () => {
      const { rows } = await this.pool.query<{ id: string }>(`DELETE FROM channels WHERE state = 'opening' AND funding_tx IS NULL AND created_at < $1 RETURNING id`, [createdBefore])
      return rows.map((row) => row.id)
    })
  }

  recentTips(limit: number): Promise<TipRecord[]> {
    return this.rows<TipRecord>(
      `SELECT channel_id AS "channelId", amount, subject AS note, at FROM payments WHERE kind = 'tip' ORDER BY at DESC, channel_id, sequence DESC LIMIT $1`,
      [limit],
    )
  }

  async markOpen(id: string, at: number): Promise<boolean> {
    return (await this.changed(`UPDATE channels SET state = 'open', last_activity_at = $1 WHERE id = $2 AND state = 'opening'`, [at, id])) === 1
  }

  segmentPayments(channelId: string): Promise<Array<{ subject: string; amount: number; seconds: number }>> {
    return this.rows(`SELECT subject, amount, seconds FROM payments WHERE channel_id = $1 AND kind = 'segment'`, [channelId])
  }

  async markClosing(id: string, closeTx: string | null, closeTxid: string | null, reason: CloseReason): Promise<boolean> {
    const sql = `UPDATE channels SET state = 'closing', close_tx = $1, close_txid = $2, close_reason = $3 WHERE id = $4 AND state IN ('open', 'closing')`
    return (await this.changed(sql, [closeTx, closeTxid, reason, id])) === 1
  }

  async markClosed(id: string, closeTxid: string | null, reason: CloseReason, at: number): Promise<boolean> {
    const sql = `UPDATE channels SET state = 'closed', close_txid = $1, close_reason = COALESCE(close_reason, $2), closed_at = $3 WHERE id = $4 AND state <> 'closed'`
    return (await this.changed(sql, [closeTxid, reason, at, id])) === 1
  }

  async reopenClose(id: string): Promise<boolean> {
    const sql = `UPDATE channels SET state = 'closing', closed_at = NULL WHERE id = $1 AND state = 'closed' AND close_tx IS NOT NULL AND close_txid IS NOT NULL`
    return (await this.changed(sql, [id])) === 1
  }

  knownViewers(limit: number): Promise<KnownViewer[]> {
    return this.rows<KnownViewer>(
      `SELECT viewer_identity AS "identityKey", COUNT(*)::float8 AS channels, SUM(paid)::float8 AS paid, MAX(last_activity_at) AS "lastSeenAt"
       FROM channels WHERE viewer_identity IS NOT NULL AND state <> 'opening' GROUP BY viewer_identity ORDER BY "lastSeenAt" DESC LIMIT $1`,
      [limit],
    )
  }

  salesByStream(): Promise<StreamSales[]> {
    return this.rows<StreamSales>(`SELECT stream, SUM(amount)::float8 AS amount, SUM(seconds)::float8 AS seconds FROM payments WHERE kind = 'segment' GROUP BY stream`)
  }

  async rememberPlaylist(path: string, at: number): Promise<void> {
    if ((await this.changed('INSERT INTO served_playlists (path, first_served_at) VALUES ($1, $2) ON CONFLICT (path) DO NOTHING', [path, at])) === 0) return
    await this.changed('DELETE FROM served_playlists WHERE path NOT IN (SELECT path FROM served_playlists ORDER BY first_served_at DESC LIMIT $1)', [REMEMBERED_PLAYLISTS])
  }

  async playlists(limit: number): Promise<string[]> {
    return (await this.rows<{ path: string }>('SELECT path FROM served_playlists ORDER BY first_served_at DESC LIMIT $1', [limit])).map((row) => row.path)
  }

  async setting(key: string): Promise<string | null> {
    return (await this.rows<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]))[0]?.value ?? null
  }

  async putSetting(key: string, value: string): Promise<void> {
    await this.changed('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [key, value])
  }

  async deleteSetting(key: string): Promise<void> {
    await this.changed('DELETE FROM settings WHERE key = $1', [key])
  }

  async claimSetting(key: string, value: string): Promise<string> {
    await this.changed('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value])
    return (await this.setting(key))!
  }

  async close(): Promise<void> {
    await this.lane.drained()
    await this.pool.end()
  }
}
