// A merkle proof as WhatsOnChain serves it (TSC: the tx's index in its block, and one sibling per level, "*" or the
// node itself where a level ends on it) turned into the BUMP (BRC-74) that BEEF and BRC-100 wallets carry. Pure and
// isomorphic.
import { MerklePath } from '@bsv/sdk'

export interface TscProof {
  index: number
  /** The tx's id (WhatsOnChain's txOrId, for proofs of a txid). */
  txOrId: string
  /** The block's hash. */
  target: string
  nodes: string[]
}

/** The tx's merkle path in the block at `height`. Throws when the proof is not for `txid`. */
export function merklePathOfTsc(txid: string, proof: TscProof, height: number): MerklePath {
  if (proof.txOrId !== txid) throw new Error(`the proof is for ${proof.txOrId}, not ${txid}`)
  const path = proof.nodes.map((node, level) => {
    const offset = (proof.index >> level) ^ 1
    const sibling = node === '*' ? { offset, duplicate: true } : { offset, hash: node }
    return level === 0 ? [{ offset: proof.index, hash: txid, txid: true }, sibling].sort((a, b) => a.offset - b.offset) : [sibling]
  })
  // A block of one transaction: the tx is the root.
  return new MerklePath(height, path.length > 0 ? path : [[{ offset: 0, hash: txid, txid: true }]])
}
