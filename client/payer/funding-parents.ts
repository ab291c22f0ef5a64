// The parents of the funding tx travel with it, so the host can broadcast it in Extended Format (BRC-30) and the
// ledger need not look them up. All or none: a partial set would make the host refuse the funding as bad.
import { MAX_FUNDING_PARENTS, MAX_FUNDING_PARENTS_HEX_CHARS } from '../../protocol/message-limits.ts'
import { bytesToHex, hexToBytes, parseRawTx } from '../../protocol/raw-tx.ts'

/** The distinct txids a raw tx spends from, in input order. */
export function parentTxids(rawTxHex: string): string[] {
  const raw = parseRawTx(hexToBytes(rawTxHex))
  const txids = raw.inputs.map((input) => bytesToHex(input.outpoint.subarray(0, 32).slice().reverse()))
  return [...new Set(txids)]
}

/** The parents as the fund message may carry them: every one, within the message's caps, or none. */
export function parentsWithinCaps(parents: readonly string[]): string[] {
  const chars = parents.reduce((sum, hex) => sum + hex.length, 0)
  return parents.length <= MAX_FUNDING_PARENTS && chars <= MAX_FUNDING_PARENTS_HEX_CHARS ? [...parents] : []
}

/** Fetches every parent of the funding; any that cannot be had means none are sent (the host then sends it raw). */
export async function fundingParents(fundingHex: string, rawTx: (txid: string) => Promise<string | null>): Promise<string[]> {
  const txids = parentTxids(fundingHex)
  if (txids.length > MAX_FUNDING_PARENTS) return []
  try {
    const parents = await Promise.all(txids.map((txid) => rawTx(txid)))
    return parents.every((hex): hex is string => hex !== null) ? parentsWithinCaps(parents) : []
  } catch {
    return []
  }
}
