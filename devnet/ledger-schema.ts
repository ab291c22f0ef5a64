// The devnet ledger's SQLite tables, and the columns a data folder from before real block headers lacks.
import type Database from 'better-sqlite3'

const TABLES = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (
  height INTEGER PRIMARY KEY, hash TEXT NOT NULL, header TEXT, time INTEGER NOT NULL, tx_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS blocks_hash ON blocks (hash);
CREATE TABLE IF NOT EXISTS txs (
  txid TEXT PRIMARY KEY, raw TEXT NOT NULL, fee INTEGER NOT NULL,
  block_height INTEGER, block_pos INTEGER, received_at INTEGER NOT NULL, seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS txs_mempool ON txs (block_height, seq);
CREATE TABLE IF NOT EXISTS outputs (
  txid TEXT NOT NULL, vout INTEGER NOT NULL, satoshis INTEGER NOT NULL, script TEXT NOT NULL,
  pkh TEXT, spent_by TEXT, PRIMARY KEY (txid, vout)
);
CREATE INDEX IF NOT EXISTS outputs_unspent_pkh ON outputs (pkh) WHERE spent_by IS NULL;
CREATE INDEX IF NOT EXISTS outputs_spent_by ON outputs (spent_by) WHERE spent_by IS NOT NULL;
-- Txs seen but kept out of the mempool: the losing side of a double spend, and what an eviction took with it.
CREATE TABLE IF NOT EXISTS losers (txid TEXT PRIMARY KEY, raw TEXT NOT NULL, received_at INTEGER NOT NULL, reason TEXT);
CREATE TABLE IF NOT EXISTS loser_inputs (
  source_txid TEXT NOT NULL, vout INTEGER NOT NULL, txid TEXT NOT NULL, PRIMARY KEY (source_txid, vout, txid)
);
CREATE INDEX IF NOT EXISTS loser_inputs_by_tx ON loser_inputs (txid);
`

/** Creates what is missing. True when blocks without a header are left to rebuild (a folder from an older devnet). */
export function applySchema(db: Database.Database): boolean {
  db.exec(TABLES)
  const columns = (table: string) => new Set((db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name))
  if (!columns('txs').has('block_pos')) db.exec('ALTER TABLE txs ADD COLUMN block_pos INTEGER')
  if (!columns('blocks').has('header')) db.exec('ALTER TABLE blocks ADD COLUMN header TEXT')
  return db.prepare('SELECT 1 FROM blocks WHERE header IS NULL LIMIT 1').get() !== undefined
}
