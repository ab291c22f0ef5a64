// The devnet's chain of blocks in SQLite: one row per block with its real 80-byte header, the txs of each block in
// order (txs.block_pos), and the merkle proofs of any mined tx, as BUMP for ARC and as TSC nodes for WhatsOnChain.
import type Database from 'better-sqlite3'
import type { MerklePath } from '@bsv/sdk'
import { DEVNET_BITS, HEADER_VERSION, medianTimePast, mineHeader, nextBlockTime, NULL_HASH, parseHeader, type BlockHeader } from './block-header.ts'
import { merkleLevels, merklePathOf, merkleRootOf, tscNodesOf, type MerkleLevels } from './merkle.ts'

export interface BlockInfo {
  height: number
  hash: string
  header: BlockHeader
  /** The 80 serialized bytes as hex. */
  headerHex: string
  time: number
  txCount: number
  /** Median time past: the median time of this block and the ten before it. */
  medianTime: number
}

export interface TxProof {
  blockHeight: number
  blockHash: string
  /** Position in the block; the coinbase is 0. */
  index: number
  merklePath: MerklePath
  /** TSC proof nodes, leaf level first. */
  nodes: string[]
}

interface BlockRow { height: number; hash: string; header: string; tx_count: number }

/**
 * Merkle trees of recently asked-for blocks: a block of 10,000 txs takes ~20,000 hashes to rebuild. Kept by block
 * hash, so a block a reorganisation orphaned, or one written by a transaction that rolled back, is never mistaken for
 * the block at its height now.
 */
const TREE_CACHE_SIZE = 16

export class BlockStore {
  private readonly trees = new Map<string, MerkleLevels>()

  constructor(private readonly db: Database.Database) {}

  at(height: number): BlockInfo | null {
    const row = this.db.prepare('SELECT height, hash, header, tx_count FROM blocks WHERE height = ?').get(height) as BlockRow | undefined
    return row ? this.info(row) : null
  }

  byHash(hash: string): BlockInfo | null {
    const row = this.db.prepare('SELECT height, hash, header, tx_count FROM blocks WHERE hash = ?').get(hash.toLowerCase()) as BlockRow | undefined
    return row ? this.info(row) : null
  }

  /** The newest `count` blocks, tip first (WhatsOnChain's /block/headers order). */
  recent(count: number): BlockInfo[] {
    const rows = this.db.prepare('SELECT height, hash, header, tx_count FROM blocks ORDER BY height DESC LIMIT ?').all(count) as BlockRow[]
    return rows.map((row) => this.info(row))
  }

  /** Where a mined tx sits and how to prove it; null for a tx in no block. */
  proofOf(txid: string): TxProof | null {
    const row = this.db.prepare('SELECT block_height, block_pos FROM txs WHERE txid = ? AND block_height IS NOT NULL').get(txid) as
      | { block_height: number; block_pos: number }
      | undefined
    const block = row ? this.at(row.block_height) : null
    if (!row || !block) return null
    const levels = this.levels(block)
    return {
      blockHeight: row.block_height,
      blockHash: block.hash,
      index: row.block_pos,
      merklePath: merklePathOf(levels, row.block_pos, row.block_height),
      nodes: tscNodesOf(levels, row.block_pos),
    }
  }

  /**
   * Adds block `height` holding `txids` (coinbase first) on top of the current tip, with a mined header.
   * The caller has already placed the txs in the block (txs.block_height and block_pos), inside the same transaction.
   */
  append(height: number, txids: readonly string[], nowSeconds: number): BlockInfo {
    const prev = height === 0 ? null : this.at(height - 1)
    if (height > 0 && !prev) throw new Error(`block ${height - 1} is missing below block ${height}`)
    const levels = merkleLevels(txids)
    const { hex, hash } = mineHeader({
      version: HEADER_VERSION,
      prevHash: prev?.hash ?? NULL_HASH,
      merkleRoot: merkleRootOf(levels),
      time: nextBlockTime(nowSeconds, this.timesUpTo(height - 1)),
      bits: DEVNET_BITS,
    })
    this.db.prepare('INSERT OR REPLACE INTO blocks (height, hash, header, time, tx_count) VALUES (?, ?, ?, ?, ?)')
      .run(height, hash, hex, parseHeader(hex).time, txids.length)
    this.remember(hash, levels)
    return this.at(height)!
  }

  /** Removes every block above `height` (a reorganisation's fork); their txs are the caller's to place elsewhere. */
  truncate(height: number): void {
    this.db.prepare('DELETE FROM blocks WHERE height > ?').run(height)
  }

  /** The txids of a block in block order. */
  private txidsOf(height: number): string[] {
    return this.db.prepare('SELECT txid FROM txs WHERE block_height = ? ORDER BY block_pos').pluck().all(height) as string[]
  }

  private levels(block: Pick<BlockInfo, 'height' | 'hash'>): MerkleLevels {
    const cached = this.trees.get(block.hash)
    if (cached) return cached
    const levels = merkleLevels(this.txidsOf(block.height))
    this.remember(block.hash, levels)
    return levels
  }

  private remember(hash: string, levels: MerkleLevels): void {
    this.trees.delete(hash)
    this.trees.set(hash, levels)
    if (this.trees.size > TREE_CACHE_SIZE) this.trees.delete(this.trees.keys().next().value!)
  }

  private timesUpTo(height: number): number[] {
    if (height < 0) return []
    return this.db.prepare('SELECT time FROM blocks WHERE height BETWEEN ? AND ? ORDER BY height').pluck().all(height - 10, height) as number[]
  }

  private info(row: BlockRow): BlockInfo {
    const header = parseHeader(row.header)
    return {
      height: row.height,
      hash: row.hash,
      header,
      headerHex: row.header,
      time: header.time,
      txCount: row.tx_count,
      medianTime: medianTimePast(this.timesUpTo(row.height)),
    }
  }
}
