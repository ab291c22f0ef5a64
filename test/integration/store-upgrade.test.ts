// A data folder written by the previous version opens in this one: its payments gain a stream column (null for the
// old rows, which the dashboard shows as "stream not recorded"), served playlists get their own table, and nothing
// stored before is lost. Its channels claim their funding outpoints, one channel per outpoint.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { SqliteChannelStore } from '../../server/store/sqlite-store.ts'
import { tempDir } from '../support/host.ts'

/** The tables as the previous version created them. */
const PREVIOUS_SCHEMA = `
CREATE TABLE channels (id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, payer_public_key TEXT NOT NULL, funding_txid TEXT NOT NULL,
  funding_vout INTEGER NOT NULL, funding_tx TEXT, capacity INTEGER NOT NULL, fee INTEGER NOT NULL, lock_time INTEGER NOT NULL,
  refund_tx TEXT NOT NULL, state TEXT NOT NULL, sequence INTEGER NOT NULL DEFAULT 0, paid INTEGER NOT NULL DEFAULT 0,
  tips INTEGER NOT NULL DEFAULT 0, segments INTEGER NOT NULL DEFAULT 0, seconds REAL NOT NULL DEFAULT 0, last_tx TEXT, last_txid TEXT,
  close_tx TEXT, close_txid TEXT, close_reason TEXT, created_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL, closed_at INTEGER);
CREATE TABLE payments (channel_id TEXT NOT NULL REFERENCES channels(id), sequence INTEGER NOT NULL, paid INTEGER NOT NULL,
  txid TEXT NOT NULL, tx TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT, amount INTEGER NOT NULL, seconds REAL NOT NULL,
  at INTEGER NOT NULL, PRIMARY KEY (channel_id, sequence));
CREATE TABLE segment_durations (path TEXT PRIMARY KEY, duration REAL NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`

test('an old data folder opens: old payments keep their segments and count as sales of no recorded stream', async () => {
  const dataDir = tempDir('store-upgrade')
  const old = new Database(join(dataDir, 'host.sqlite'))
  old.exec(PREVIOUS_SCHEMA)
  old.prepare(`INSERT INTO channels (id, token, payer_public_key, funding_txid, funding_vout, capacity, fee, lock_time, refund_tx, state,
    sequence, paid, segments, seconds, created_at, last_activity_at) VALUES ('c1', 't1', '02aa', 'f1', 0, 5000, 100, 900, '00', 'open', 1, 20, 1, 2, 1, 1)`).run()
  old.prepare(`INSERT INTO payments VALUES ('c1', 1, 20, 'x1', '00', 'segment', '/media/sample/360p/seg_00000.ts', 20, 2, 1)`).run()
  old.close()

  const store = SqliteChannelStore.open(dataDir, { durability: 'normal' })
  try {
    assert.deepEqual(await store.segmentPayments('c1'), [{ subject: '/media/sample/360p/seg_00000.ts', amount: 20, seconds: 2 }])
    assert.deepEqual(await store.salesByStream(), [{ stream: null, amount: 20, seconds: 2 }])
    await store.recordPayment({ channelId: 'c1', sequence: 2, paid: 40, txid: 'x2', tx: '00', kind: 'segment', subject: '/media/sample/360p/seg_00001.ts', amount: 20, seconds: 2, stream: '/media/sample/master.m3u8', at: 2 })
    const sales = (await store.salesByStream()).sort((a, b) => (a.stream ?? '').localeCompare(b.stream ?? ''))
    assert.deepEqual(sales, [
      { stream: null, amount: 20, seconds: 2 },
      { stream: '/media/sample/master.m3u8', amount: 20, seconds: 2 },
    ])
    await store.rememberPlaylist('/media/sample/master.m3u8', 10)
    await store.rememberPlaylist('/media/sample/360p/index.m3u8', 11)
    await store.rememberPlaylist('/media/sample/master.m3u8', 12)
    assert.deepEqual(await store.playlists(10), ['/media/sample/360p/index.m3u8', '/media/sample/master.m3u8'], 'most recently first seen first; seen again changes nothing')
  } finally {
    await store.close()
  }
  // Opening the upgraded folder again upgrades nothing twice.
  const again = SqliteChannelStore.open(dataDir, { durability: 'normal' })
  assert.equal((await again.salesByStream()).length, 2)
  await again.close()
  rmSync(dataDir, { recursive: true, force: true })
})

test("an old data folder's channels claim their funding outpoints: a funded channel before an unfunded one, and no open on them after", async () => {
  const dataDir = tempDir('store-upgrade')
  const old = new Database(join(dataDir, 'host.sqlite'))
  old.exec(PREVIOUS_SCHEMA)
  // As the previous version let the attack leave them: two channels on one outpoint, the unfunded one older.
  const insert = old.prepare(`INSERT INTO channels (id, token, payer_public_key, funding_txid, funding_vout, capacity, fee, lock_time, refund_tx, state,
    created_at, last_activity_at) VALUES (?, ?, '02aa', 'f1', 0, 5000, 100, 900, '00', ?, ?, ?)`)
  insert.run('unfunded', 't1', 'opening', 1, 1)
  insert.run('funded', 't2', 'open', 2, 2)
  old.close()

  const store = SqliteChannelStore.open(dataDir, { durability: 'normal' })
  try {
    assert.equal(await store.outpointClaimant('f1', 0), 'funded')
    const again = { id: 'c3', token: 't3', payerPublicKey: '02aa', fundingTxid: 'f1', fundingVout: 0, capacity: 5000, fee: 100, lockTime: 900, refundTx: '00', payoutScript: '76a914' + '11'.repeat(20) + '88ac', createdAt: 3 }
    assert.equal(await store.insertChannel(again), false)
  } finally {
    await store.close()
  }
  rmSync(dataDir, { recursive: true, force: true })
})
