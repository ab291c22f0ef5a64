// A chain reorganisation on demand, for tests (devnet test mode): the last N blocks are orphaned by a longer chain of
// N + 1 blocks. What they held goes back to the mempool, as a node puts it back after a reorg: SEEN_ON_NETWORK again,
// without a block or a merkle path. Two things may differ in the new chain:
// - `replace`: a tx conflicting with one of them (or with a mempool tx) was mined in the new chain instead. The one it
//   replaces, and whatever spends it, lose: REJECTED, with the replacement as competing tx.
// - `drop`: the new chain's nodes never had a tx (nor anything spending it): the ledger forgets it, as if it had never
//   been sent, so whoever sent it must send it again.
// The new chain's first block holds the replacements after their unmined ancestors; the others are empty.
// The request is checked first (a pure plan); then the whole change is one SQLite transaction: all or nothing.
import type Database from 'better-sqlite3'
import type { Transaction } from '@bsv/sdk'
import { ChainError } from '../protocol/chain/chain.ts'
import type { BlockInfo, BlockStore } from './blocks.ts'
import type { ConflictBook } from './conflicts.ts'
import { decodeSubmission, submissionBytes } from './submission.ts'
import type { Verdict } from './validate.ts'

/** Deeper than any reorg a test needs, and a bound on the work one request can ask for. */
export const MAX_REORG_BLOCKS = 100
/** Replacements or drops in one request. */
export const MAX_REORG_TXS = 16

export interface Replacement {
  /** The tx that loses its place. */
  txid: string
  /** Raw or Extended Format hex of the tx the new chain holds instead; it must spend something `txid` spends. */
  rawTx: string
}

export interface ReorgRequest {
  /** How many blocks, from the tip down, the new chain orphans. */
  blocks: number
  replace: Replacement[]
  drop: string[]
}

export interface ReorgOutcome {
  /** The last block both chains share. */
  fork: number
  /** The new tip: fork + blocks + 1. */
  height: number
  /** Hashes of the orphaned blocks, tip first. */
  orphaned: string[]
  /** Txs of the orphaned blocks now waiting in the mempool again. */
  mempool: string[]
  /** Txs that lost to a replacement, with what spent them. */
  replaced: string[]
  /** Txs the ledger forgot, with what spent them. */
  dropped: string[]
  /** The new chain's first block after its coinbase: the replacements and their unmined ancestors. */
  mined: string[]
}

/** What a reorganisation needs of the ledger: its tables, and its own rules for checking and storing a tx. */
export interface ChainWriter {
  db: Database.Database
  blocks: BlockStore
  conflicts: ConflictBook
  tip: number
  /** Full validation as if the tx went into block `height` + 1; throws the refusal. */
  check(tx: Transaction, height: number): Extract<Verdict, { ok: true }>
  /** Into the mempool. */
  store(tx: Transaction, txid: string, fee: number): void
  placeBlock(height: number, txids: readonly string[]): BlockInfo
  setHeight(height: number): void
}

const TXID = /^[0-9a-f]{64}$/

const bad = (reason: string) => new ChainError(reason, 400)

function txidList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.length > MAX_REORG_TXS) throw bad(`${what} must be a list of at most ${MAX_REORG_TXS}`)
  return value.map((txid) => {
    if (typeof txid !== 'string' || !TXID.test(txid.toLowerCase())) throw bad(`${what}: every txid is 64 hex characters`)
    return txid.toLowerCase()
  })
}

/** A reorg request from JSON: {"blocks": N, "replace"?: [{"txid", "rawTx"}], "drop"?: [txid]}. Throws ChainError 400. */
export function parseReorgRequest(body: unknown): ReorgRequest {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const { blocks } = fields
  if (typeof blocks !== 'number' || !Number.isSafeInteger(blocks) || blocks < 1 || blocks > MAX_REORG_BLOCKS) {
    throw bad(`send JSON {"blocks": <1 to ${MAX_REORG_BLOCKS}>, "replace": [{"txid", "rawTx"}], "drop": [<txid>]}`)
  }
  const entries = fields.replace ?? []
  const txids = txidList(Array.isArray(entries) ? entries.map((e) => (e as { txid?: unknown } | null)?.txid) : entries, 'replace')
  const replace = txids.map((txid, i) => {
    const rawTx = ((entries as unknown[])[i] as { rawTx?: unknown }).rawTx
    if (typeof rawTx !== 'string' || rawTx.trim() === '') throw bad(`replace[${i}].rawTx must be the hex of the tx that takes ${txid}'s place`)
    return { txid, rawTx }
  })
  return { blocks, replace, drop: txidList(fields.drop ?? [], 'drop') }
}

/** Pure: where the chains part, given the tip. Genesis stays. */
export function planReorg(tip: number, blocks: number): { fork: number; height: number } {
  if (blocks > tip) throw bad(`the chain has ${tip} blocks above genesis; a reorg cannot orphan ${blocks}`)
  return { fork: tip - blocks, height: tip + 1 }
}

export function reorganize(chain: ChainWriter, request: ReorgRequest): ReorgOutcome {
  const { db, blocks, conflicts } = chain
  const { fork, height } = planReorg(chain.tip, request.blocks)
  const orphaned = blocks.recent(request.blocks).map((block) => block.hash)

  // Disconnect: coinbases vanish with their blocks (their outputs pay nobody), every other tx goes back to the mempool.
  const coinbases = db.prepare('SELECT txid FROM txs WHERE block_height > ? AND block_pos = 0').pluck().all(fork) as string[]
  for (const txid of coinbases) {
    db.prepare('DELETE FROM outputs WHERE txid = ?').run(txid)
    db.prepare('DELETE FROM txs WHERE txid = ?').run(txid)
  }
  const unmined = db.prepare('SELECT txid FROM txs WHERE block_height > ? ORDER BY seq').pluck().all(fork) as string[]
  db.prepare('UPDATE txs SET block_height = NULL, block_pos = NULL WHERE block_height > ?').run(fork)
  blocks.truncate(fork)

  const unminedNow = (txid: string, what: string) => {
    const row = db.prepare('SELECT block_height FROM txs WHERE txid = ?').get(txid) as { block_height: number | null } | undefined
    if (!row) throw new ChainError(`${what} ${txid}: no such tx in the mempool or the orphaned blocks`, 404, txid)
    if (row.block_height !== null) {
      throw bad(`${what} ${txid}: it is in block ${row.block_height}, which the new chain keeps; orphan ${chain.tip - row.block_height + 1} blocks`)
    }
  }

  const dropped: string[] = []
  for (const txid of request.drop) {
    if (dropped.includes(txid)) continue
    unminedNow(txid, 'drop')
    // Evicted, and then no loser either: nothing of it is left.
    const gone = conflicts.evict(txid, null)
    for (const forgotten of gone) conflicts.removeLoser(forgotten)
    dropped.push(...gone)
  }

  const replaced: string[] = []
  const winners = request.replace.map(({ txid, rawTx }, i) => {
    unminedNow(txid, `replace[${i}]`)
    const unit = decodeSubmission(submissionBytes(rawTx))
    if (unit.kind !== 'tx') throw bad(`replace[${i}].rawTx: send the tx raw or in Extended Format`)
    const winner = unit.tx.id('hex')
    if (db.prepare('SELECT 1 FROM txs WHERE txid = ?').get(winner)) throw bad(`replace[${i}]: ${winner} is already in the ledger`)
    const verdict = chain.check(unit.tx, fork)
    const rivals = [...new Set(verdict.conflicts.map((c) => c.spentBy))]
    if (!rivals.includes(txid)) throw bad(`replace[${i}]: ${winner} spends nothing that ${txid} spends`)
    for (const rival of rivals) unminedNow(rival, `replace[${i}] conflicts with`)
    replaced.push(...rivals.flatMap((rival) => conflicts.evict(rival, null)))
    conflicts.removeLoser(winner)
    chain.store(unit.tx, winner, verdict.fee)
    return winner
  })

  // The new chain: the replacements, after any ancestors of theirs still unmined; then empty blocks up to the new tip.
  const mined = winners.length === 0 ? [] : unminedAncestry(db, winners)
  for (let h = fork + 1; h <= height; h++) chain.placeBlock(h, h === fork + 1 ? mined : [])
  chain.setHeight(height)

  const settled = new Set([...dropped, ...replaced, ...mined])
  return { fork, height, orphaned, mempool: unmined.filter((txid) => !settled.has(txid)), replaced, dropped, mined }
}

/** The txs and every unmined tx they descend from, parents first. */
function unminedAncestry(db: Database.Database, txids: readonly string[]): string[] {
  const seeds = txids.map(() => 'SELECT ?').join(' UNION ')
  return db
    .prepare(
      `WITH RECURSIVE line(txid) AS (${seeds}
         UNION SELECT o.txid FROM outputs o JOIN line ON o.spent_by = line.txid JOIN txs t ON t.txid = o.txid WHERE t.block_height IS NULL)
       SELECT t.txid FROM line JOIN txs t ON t.txid = line.txid ORDER BY t.seq`,
    )
    .pluck()
    .all(...txids) as string[]
}
