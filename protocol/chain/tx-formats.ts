// The forms a transaction travels to a ledger in: raw (the bytes its txid hashes), Extended Format (BRC-30: every
// input also carries the satoshis and locking script it spends, so the ledger need not look its parents up) and BEEF
// (BRC-62, Atomic BEEF BRC-95: the tx with its unmined ancestors and merkle paths of the mined ones).
// Isomorphic: the browser wallet and the host both hand transactions to ARC.
import { Beef, Transaction } from '@bsv/sdk'

export type TxFormat = 'raw' | 'ef' | 'beef'

/** BEEF's first four bytes, read little-endian: V1 (BRC-62), V2 (BRC-96) and the Atomic BEEF prefix (BRC-95). */
const BEEF_MAGICS: ReadonlySet<number> = new Set([0xefbe0001, 0xefbe0002, 0x01010101])
/** Where a raw tx has its input count, EF has these six bytes (BRC-30); no valid raw tx starts that way. */
const EF_MARKER = [0x00, 0x00, 0x00, 0x00, 0x00, 0xef]

/** Tells the three forms apart by their first bytes, as ARC does. */
export function txFormatOf(bytes: Uint8Array): TxFormat {
  if (bytes.length >= 4) {
    const magic = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16)) + bytes[3] * 0x1000000
    if (BEEF_MAGICS.has(magic)) return 'beef'
  }
  if (bytes.length >= 10 && EF_MARKER.every((b, i) => bytes[4 + i] === b)) return 'ef'
  return 'raw'
}

/**
 * The tx as Extended Format hex, each input completed from its parent: `parentTxHexes` holds the raw hex of every
 * transaction whose outputs it spends (order does not matter, extras are ignored). Throws, naming the input, when a
 * parent is missing or lacks the output spent: an EF with a wrong prevout would be refused by the ledger anyway.
 */
export function toExtendedFormat(rawTxHex: string, parentTxHexes: readonly string[]): string {
  const tx = Transaction.fromHex(rawTxHex)
  const parents = new Map<string, Transaction>()
  for (const hex of parentTxHexes) {
    const parent = Transaction.fromHex(hex)
    parents.set(parent.id('hex'), parent)
  }
  tx.inputs.forEach((input, i) => {
    const outpoint = `${input.sourceTXID}:${input.sourceOutputIndex}`
    const parent = parents.get(input.sourceTXID ?? '')
    if (parent === undefined) throw new Error(`input ${i} spends ${outpoint}, but that transaction is not among the parents given`)
    if (parent.outputs[input.sourceOutputIndex] === undefined) {
      throw new Error(`input ${i} spends ${outpoint}, but that transaction has only ${parent.outputs.length} outputs`)
    }
    input.sourceTransaction = parent
  })
  const ef = tx.toHexEF()
  // The EF must carry exactly the tx it was asked for: its txid is what the channel's other transactions commit to.
  if (Transaction.fromHexEF(ef).id('hex') !== tx.id('hex')) throw new Error('the Extended Format does not reproduce the transaction')
  return ef
}

/**
 * The raw hex of transaction `txid` from a BEEF, once the BEEF holds together (every unmined tx's inputs come from txs
 * inside it, back to mined ones with merkle paths; no txid-only entries). Throws, saying why, otherwise.
 */
export function txFromBeef(beefHex: string, txid: string): string {
  const beef = Beef.fromString(beefHex, 'hex')
  if (!beef.isValid(false)) throw new Error('the BEEF does not hold together: an unmined transaction spends one it neither carries nor proves')
  const found = beef.findTxid(txid)?.tx
  if (found === undefined) throw new Error(`the BEEF does not carry transaction ${txid}`)
  return found.toHex()
}
