// The merkle tree of a devnet block, built as Bitcoin builds it: txids (in internal byte order) hashed in pairs with
// double SHA-256, the last one of an odd level paired with itself. It gives the root for the block header, the BUMP
// (BRC-74) that ARC answers as merklePath, and the nodes of the TSC proof WhatsOnChain serves. Pure.
import { createHash } from 'node:crypto'
import { MerklePath } from '@bsv/sdk'

/** Each level of a tree, leaves (the txids, in block order) first and the root last, as display-order hex. */
export type MerkleLevels = readonly (readonly string[])[]

function sha256d(bytes: Buffer): Buffer {
  return createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest()
}

/** Display-order hex (how txids and roots are written) to internal byte order, and back. */
const toInternal = (hex: string): Buffer => Buffer.from(hex, 'hex').reverse()
const toDisplay = (bytes: Buffer): string => Buffer.from(bytes).reverse().toString('hex')

export function merkleLevels(txids: readonly string[]): MerkleLevels {
  if (txids.length === 0) throw new Error('a block holds at least one transaction, its coinbase')
  const levels: string[][] = [[...txids]]
  for (let below = levels[0]; below.length > 1; below = levels[levels.length - 1]) {
    const level: string[] = []
    for (let i = 0; i < below.length; i += 2) {
      level.push(toDisplay(sha256d(Buffer.concat([toInternal(below[i]), toInternal(below[i + 1] ?? below[i])]))))
    }
    levels.push(level)
  }
  return levels
}

export function merkleRootOf(levels: MerkleLevels): string {
  return levels[levels.length - 1][0]
}

/** The sibling of the node above leaf `index` at each height, or null where the level ends on that node (it pairs with itself). */
function siblings(levels: MerkleLevels, index: number): Array<{ offset: number; hash: string | null }> {
  if (!Number.isInteger(index) || index < 0 || index >= levels[0].length) throw new Error(`no leaf ${index} in a block of ${levels[0].length}`)
  return levels.slice(0, -1).map((level, height) => {
    const offset = (index >> height) ^ 1
    return { offset, hash: level[offset] ?? null }
  })
}

/** The BUMP (BRC-74) of the tx at `index`: its own leaf, then one sibling per height, marked duplicate where it pairs with itself. */
export function merklePathOf(levels: MerkleLevels, index: number, blockHeight: number): MerklePath {
  const txid = { offset: index, hash: levels[0][index], txid: true }
  const path = siblings(levels, index).map(({ offset, hash }, height) => {
    const sibling = hash === null ? { offset, duplicate: true } : { offset, hash }
    return height === 0 ? [txid, sibling].sort((a, b) => a.offset - b.offset) : [sibling]
  })
  // A block of one transaction: that transaction is the root.
  return new MerklePath(blockHeight, path.length > 0 ? path : [[txid]])
}

/** The TSC proof's nodes, leaf level first; WhatsOnChain writes a self-paired node out in full rather than as "*". */
export function tscNodesOf(levels: MerkleLevels, index: number): string[] {
  return siblings(levels, index).map(({ hash }, height) => hash ?? levels[height][index >> height])
}
