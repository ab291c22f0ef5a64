// Whether a BEEF proves itself against the devnet's chain, with ARC's codes (arc.yaml, pkg/api/status.go):
// 468 a merkle path (BUMP) that does not hold together or does not hold its tx, 467 an unmined tx whose inputs do not
// come from txs in the BEEF (back to mined ones with merkle paths), 469 a merkle root that is not the chain's.
// What passes is the BEEF's unmined txs in dependency order, for the ledger to take one by one. Pure.
import type { Beef, Transaction } from '@bsv/sdk'

export type BeefVerdict =
  | { ok: true; unmined: Transaction[] }
  | { ok: false; code: 467 | 468 | 469; reason: string }

/** `rootAt(height)`: the merkle root of the chain's block at that height, or null above the tip. */
export function checkBeef(beef: Beef, rootAt: (height: number) => string | null): BeefVerdict {
  const roots = new Map<number, string>()
  // BRC-62 wants the txs in dependency order; the SDK puts them so, as its own verification does.
  beef.sortTxs()
  const proven = new Set<string>()
  const unmined: Transaction[] = []
  for (const btx of beef.txs) {
    if (btx.isTxidOnly || btx.tx === undefined) {
      return { ok: false, code: 467, reason: `the BEEF holds only the txid of ${btx.txid}; send the transaction and its merkle path` }
    }
    if (btx.bumpIndex !== undefined) {
      const bump = beef.bumps[btx.bumpIndex]
      if (!bump?.path[0]?.some((leaf) => leaf.hash === btx.txid)) {
        return { ok: false, code: 468, reason: `${btx.txid} points at merkle path ${btx.bumpIndex}, which does not hold it` }
      }
      let root: string
      try {
        root = bump.computeRoot(btx.txid)
      } catch (err) {
        return { ok: false, code: 468, reason: `merkle path ${btx.bumpIndex} cannot prove ${btx.txid}: ${(err as Error).message}` }
      }
      const known = roots.get(bump.blockHeight)
      if (known !== undefined && known !== root) {
        return { ok: false, code: 468, reason: `merkle paths for block ${bump.blockHeight} lead to two roots, ${known} and ${root}` }
      }
      roots.set(bump.blockHeight, root)
    } else {
      for (const [i, input] of btx.tx.inputs.entries()) {
        const parent = input.sourceTXID ?? input.sourceTransaction?.id('hex') ?? ''
        if (!proven.has(parent)) {
          return {
            ok: false,
            code: 467,
            reason: `mined ancestors not found in BEEF: input ${i} of unmined ${btx.txid} spends ${parent}, which the BEEF neither carries nor proves`,
          }
        }
      }
      unmined.push(btx.tx)
    }
    proven.add(btx.txid)
  }

  for (const [height, root] of roots) {
    const chainRoot = rootAt(height)
    if (chainRoot !== root) {
      const where = chainRoot === null ? `the chain has no block ${height}` : `block ${height}'s root is ${chainRoot}`
      return { ok: false, code: 469, reason: `merkle root ${root} is not in the chain: ${where}` }
    }
  }
  return { ok: true, unmined }
}
