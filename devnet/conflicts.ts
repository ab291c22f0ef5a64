// Double spends on the devnet, kept the way ARC reports them (bitcoin-sv/arc doc/README.md, "Double spending"): a tx
// that spends outputs a mempool tx already spends is a loser, not an error. Both then read DOUBLE_SPEND_ATTEMPTED with
// each other as competingTxs; once one of them is mined the other is REJECTED. A loser holds no outputs and spends
// nothing: the UTXO set only ever holds the winners. A test-mode miner may also make a loser win: the evicted tx and
// its descendants become losers in turn.
import type Database from 'better-sqlite3'
import type { TxStatus } from '../protocol/chain/chain.ts'

export interface Outpoint {
  txid: string
  vout: number
}

export interface LoserStatus {
  status: Extract<TxStatus, 'DOUBLE_SPEND_ATTEMPTED' | 'REJECTED'>
  competingTxs: string[]
  extraInfo: string
  receivedAt: number
}

interface LoserRow { raw: string; received_at: number; reason: string | null }

export class ConflictBook {
  constructor(private readonly db: Database.Database) {}

  /** A tx the ledger has seen but keeps out of its mempool. `reason` set: REJECTED for good, whatever gets mined. */
  addLoser(txid: string, raw: string, inputs: readonly Outpoint[], receivedAt: number, reason: string | null): void {
    this.db.prepare('INSERT OR REPLACE INTO losers (txid, raw, received_at, reason) VALUES (?, ?, ?, ?)').run(txid, raw, receivedAt, reason)
    const claim = this.db.prepare('INSERT OR IGNORE INTO loser_inputs (source_txid, vout, txid) VALUES (?, ?, ?)')
    for (const input of inputs) claim.run(input.txid, input.vout, txid)
  }

  /** The tx is about to enter the mempool after all. */
  removeLoser(txid: string): void {
    this.db.prepare('DELETE FROM loser_inputs WHERE txid = ?').run(txid)
    this.db.prepare('DELETE FROM losers WHERE txid = ?').run(txid)
  }

  loserRaw(txid: string): string | null {
    return (this.db.prepare('SELECT raw FROM losers WHERE txid = ?').pluck().get(txid) as string | undefined) ?? null
  }

  /** Losers that tried to spend what `txid` (a mempool or mined tx) spends. */
  rivalsOf(txid: string): string[] {
    return this.db
      .prepare(
        `SELECT DISTINCT li.txid FROM outputs o JOIN loser_inputs li ON li.source_txid = o.txid AND li.vout = o.vout
         WHERE o.spent_by = ? ORDER BY li.txid`,
      )
      .pluck()
      .all(txid) as string[]
  }

  /** ARC's view of a loser, or null when `txid` is no loser. `isMined` says whether a rival is in a block. */
  statusOf(txid: string, isMined: (txid: string) => boolean): LoserStatus | null {
    const row = this.db.prepare('SELECT raw, received_at, reason FROM losers WHERE txid = ?').get(txid) as LoserRow | undefined
    if (!row) return null
    const competingTxs = this.db
      .prepare(
        `SELECT o.spent_by FROM loser_inputs li JOIN outputs o ON o.txid = li.source_txid AND o.vout = li.vout
         WHERE li.txid = ? AND o.spent_by IS NOT NULL
         UNION
         SELECT other.txid FROM loser_inputs li JOIN loser_inputs other ON other.source_txid = li.source_txid AND other.vout = li.vout
         WHERE li.txid = ? AND other.txid != li.txid`,
      )
      .pluck()
      .all(txid, txid) as string[]
    const minedRival = competingTxs.find(isMined)
    const receivedAt = row.received_at
    if (row.reason !== null) return { status: 'REJECTED', competingTxs, extraInfo: row.reason, receivedAt }
    if (minedRival) return { status: 'REJECTED', competingTxs, extraInfo: `double spend tx rejected, competing tx ${minedRival} mined`, receivedAt }
    return { status: 'DOUBLE_SPEND_ATTEMPTED', competingTxs, extraInfo: 'a competing transaction spends the same outputs', receivedAt }
  }

  /**
   * Takes a mempool tx out of the ledger: its descendants first (REJECTED, their parent is gone), then the tx itself,
   * which becomes a loser with `reason`. Its inputs are unspent again and its outputs vanish. Returns every txid evicted.
   */
  evict(txid: string, reason: string | null): string[] {
    const row = this.db.prepare('SELECT raw, received_at, block_height FROM txs WHERE txid = ?').get(txid) as
      | { raw: string; received_at: number; block_height: number | null }
      | undefined
    if (!row) return []
    if (row.block_height !== null) throw new Error(`${txid} is mined in block ${row.block_height}; a mined tx cannot lose a double spend`)
    const children = this.db.prepare('SELECT DISTINCT spent_by FROM outputs WHERE txid = ? AND spent_by IS NOT NULL').pluck().all(txid) as string[]
    const evicted = children.flatMap((child) => this.evict(child, `evicted: it spends an output of ${txid}, which lost a double spend`))
    const inputs = this.db.prepare('SELECT txid, vout FROM outputs WHERE spent_by = ?').all(txid) as Outpoint[]
    this.db.prepare('UPDATE outputs SET spent_by = NULL WHERE spent_by = ?').run(txid)
    this.db.prepare('DELETE FROM outputs WHERE txid = ?').run(txid)
    this.db.prepare('DELETE FROM txs WHERE txid = ?').run(txid)
    this.addLoser(txid, row.raw, inputs, row.received_at, reason)
    return [...evicted, txid]
  }
}
