// What a POST to ARC's /v1/tx or /v1/txs carries, decoded: transactions back to back, each raw, in Extended Format
// (BRC-30) or as BEEF (BRC-62, V2, Atomic BRC-95), told apart by their first bytes as ARC does
// (internal/api/handler/default.go). Every byte must belong to a transaction.
//
// The SDK's parsers trust the counts they read: nine bytes claiming 268 million inputs keep them busy for minutes,
// and a merkle path's check costs the square of its leaves. So each unit is first walked here, every count checked
// against the bytes left, and only then handed to the SDK.
import { Beef, Transaction, Utils } from '@bsv/sdk'
import { ChainError } from '../protocol/chain/chain.ts'
import { txFormatOf } from '../protocol/chain/tx-formats.ts'
import { bytesEqual, hexToBytes } from '../protocol/raw-tx.ts'

export type Submission =
  | { kind: 'tx'; format: 'raw' | 'ef'; tx: Transaction; size: number }
  | { kind: 'beef'; beef: Beef }

const BEEF_V1 = 0xefbe0001
const BEEF_V2 = 0xefbe0002
const ATOMIC_BEEF = 0x01010101
/** Far above the two leaves a level that a proof of one tx needs; the SDK's check of a path grows with its square. */
const MAX_BUMP_LEAVES = 512

class Malformed extends Error {}

/** A bounds-checked walk over serialized bytes. */
class Cursor {
  constructor(private readonly bytes: Uint8Array, public pos = 0) {}

  skip(n: number): void {
    if (this.pos + n > this.bytes.length) throw new Malformed(`truncated at byte ${this.bytes.length}`)
    this.pos += n
  }

  u8(): number {
    this.skip(1)
    return this.bytes[this.pos - 1]
  }

  u32(): number {
    this.skip(4)
    const p = this.pos - 4
    return (this.bytes[p] | (this.bytes[p + 1] << 8) | (this.bytes[p + 2] << 16)) + this.bytes[p + 3] * 0x1000000
  }

  varInt(): number {
    const first = this.u8()
    if (first < 0xfd) return first
    const size = first === 0xfd ? 2 : first === 0xfe ? 4 : 8
    this.skip(size)
    let value = 0
    for (let i = this.pos - 1; i >= this.pos - size; i--) value = value * 256 + this.bytes[i]
    return value
  }

  /** A count of items of at least `minBytes` each; more than the bytes left can hold is a lie. */
  count(minBytes: number): number {
    const at = this.pos
    const n = this.varInt()
    if (n * minBytes > this.bytes.length - this.pos) throw new Malformed(`the count ${n} at byte ${at} is more than the bytes left can hold`)
    return n
  }

  script(): void {
    this.skip(this.count(1))
  }
}

/** Version, inputs (outpoint, script, sequence; in EF also the satoshis and script spent), outputs, lock time. */
function walkTx(c: Cursor, extended: boolean): void {
  c.skip(extended ? 10 : 4)
  const inputs = c.count(extended ? 49 : 41)
  for (let i = 0; i < inputs; i++) {
    c.skip(36)
    c.script()
    c.skip(4)
    if (extended) {
      c.skip(8)
      c.script()
    }
  }
  const outputs = c.count(9)
  for (let i = 0; i < outputs; i++) {
    c.skip(8)
    c.script()
  }
  c.skip(4)
}

function walkBeef(c: Cursor): void {
  let version = c.u32()
  if (version === ATOMIC_BEEF) {
    c.skip(32)
    version = c.u32()
  }
  if (version !== BEEF_V1 && version !== BEEF_V2) throw new Malformed(`unknown BEEF version ${version.toString(16)}`)
  const bumps = c.count(3)
  for (let b = 0; b < bumps; b++) {
    c.varInt()
    let leaves = 0
    for (let height = c.u8(); height > 0; height--) {
      const atLevel = c.count(2)
      leaves += atLevel
      if (leaves > MAX_BUMP_LEAVES) throw new Malformed(`merkle path ${b} has more than ${MAX_BUMP_LEAVES} leaves`)
      for (let l = 0; l < atLevel; l++) {
        c.varInt()
        // Flag bit 1 marks a duplicate: no hash follows.
        if ((c.u8() & 1) === 0) c.skip(32)
      }
    }
  }
  const v2 = version === BEEF_V2
  const txs = c.count(v2 ? 33 : 11)
  for (let t = 0; t < txs; t++) {
    if (v2) {
      // Format 2 is a txid only; 1 puts the merkle path's index before the tx.
      const format = c.u8()
      if (format === 2) {
        c.skip(32)
        continue
      }
      if (format === 1) c.varInt()
      walkTx(c, false)
    } else {
      walkTx(c, false)
      if (c.u8() !== 0) c.varInt()
    }
  }
}

function decodeAt(bytes: Uint8Array, start: number): { unit: Submission; end: number } {
  const rest = bytes.subarray(start)
  const format = txFormatOf(rest)
  const c = new Cursor(rest)
  if (format === 'beef') {
    let beef: Beef
    try {
      walkBeef(c)
      beef = Beef.fromReader(new Utils.ReaderUint8Array(rest.subarray(0, c.pos)))
    } catch (err) {
      // ARC's code for a BEEF it cannot decode.
      throw new ChainError(`error while decoding BEEF: ${(err as Error).message}`, 463)
    }
    if (beef.atomicTxid !== undefined && beef.findTxid(beef.atomicTxid) === undefined) {
      throw new ChainError(`the Atomic BEEF's subject ${beef.atomicTxid} is not in it`, 463)
    }
    return { unit: { kind: 'beef', beef }, end: start + c.pos }
  }
  try {
    walkTx(c, format === 'ef')
  } catch (err) {
    throw new ChainError(`not a transaction: ${(err as Error).message}`, 400)
  }
  const exact = rest.subarray(0, c.pos)
  const tx = format === 'ef' ? Transaction.fromEF(exact) : Transaction.fromReader(new Utils.ReaderUint8Array(exact))
  // A fresh serialization must give back the very bytes: anything else (non-minimal lengths) is not what it claims.
  const again = format === 'ef' ? tx.toEFUint8Array() : new Transaction(tx.version, tx.inputs, tx.outputs, tx.lockTime).toUint8Array()
  if (!bytesEqual(again, exact)) throw new ChainError('not a transaction: its bytes do not serialize back to themselves', 400)
  return { unit: { kind: 'tx', format, tx, size: tx.toBinary().length }, end: start + c.pos }
}

/** Every transaction in the bytes, in order (a /v1/txs body). Throws ChainError 400 (463 for a broken BEEF). */
export function decodeSubmissions(bytes: Uint8Array): Submission[] {
  if (bytes.length === 0) throw new ChainError('no transaction found - empty request body', 400)
  const units: Submission[] = []
  for (let pos = 0; pos < bytes.length;) {
    const { unit, end } = decodeAt(bytes, pos)
    units.push(unit)
    pos = end
  }
  return units
}

/** Exactly one transaction (a /v1/tx body). */
export function decodeSubmission(bytes: Uint8Array): Submission {
  if (bytes.length === 0) throw new ChainError('no transaction found - empty request body', 400)
  const { unit, end } = decodeAt(bytes, 0)
  if (end !== bytes.length) {
    throw new ChainError(`not a transaction: ${bytes.length - end} bytes left over after parsing (send several to /v1/txs)`, 400)
  }
  return unit
}

/** Hex to bytes, or ChainError 400 saying what is wrong with it. */
export function submissionBytes(hex: string): Uint8Array {
  try {
    return hexToBytes(hex.trim())
  } catch (err) {
    throw new ChainError(`the transaction must be hex: ${(err as Error).message}`, 400)
  }
}
