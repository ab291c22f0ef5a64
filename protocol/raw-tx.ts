// Reading raw transactions fast: the payee checks thousands of updates a second. The SDK's parser builds script chunk
// objects and number arrays; here a raw tx is read once into byte views, outputs are compared byte for byte, and the
// BIP143 preimage is assembled straight from the raw bytes (tests check it equals the SDK's). Isomorphic and pure.
import { Hash } from '@bsv/sdk'
import { CHANNEL_MEMO_LIMITS, RecentCache } from './recent-cache.ts'
import { CHANNEL_SIGHASH } from './signature.ts'

export interface RawInput {
  /** 36 bytes as serialized: txid (internal byte order) + vout LE. */
  outpoint: Uint8Array
  vout: number
  script: Uint8Array
  sequence: number
}
export interface RawOutput {
  satoshis: number
  script: Uint8Array
}
export interface RawTx {
  version: number
  inputs: RawInput[]
  outputs: RawOutput[]
  lockTime: number
  /** Byte range of the serialized outputs (without their count): BIP143's hashOutputs covers exactly this. */
  outputsStart: number
  outputsEnd: number
}

export class MalformedTxError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MalformedTxError'
  }
}

const HEX_VALUES = (() => {
  const table = new Int8Array(128).fill(-1)
  for (let i = 0; i < 10; i++) table[48 + i] = i
  for (let i = 0; i < 6; i++) {
    table[65 + i] = 10 + i
    table[97 + i] = 10 + i
  }
  return table
})()

/** Strict hex -> bytes (even length, hex digits only). Throws MalformedTxError. */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new MalformedTxError('odd-length hex')
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) {
    const hi = hex.charCodeAt(2 * i)
    const lo = hex.charCodeAt(2 * i + 1)
    const h = hi < 128 ? HEX_VALUES[hi] : -1
    const l = lo < 128 ? HEX_VALUES[lo] : -1
    if (h < 0 || l < 0) throw new MalformedTxError(`not hex at character ${2 * i}`)
    out[i] = (h << 4) | l
  }
  return out
}

const HEX_DIGITS = '0123456789abcdef'
export function bytesToHex(bytes: Uint8Array | number[]): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX_DIGITS[bytes[i] >> 4] + HEX_DIGITS[bytes[i] & 15]
  return out
}

/** Largest amount a valid output can hold (21 million BSV). */
const MAX_SATOSHIS = 21e14

/**
 * A cursor over serialized bytes. A class rather than closures made per parse: the payee parses every update, and each
 * closure is an allocation (and, under tsx, a naming call) per payment.
 */
class ByteReader {
  pos = 0
  constructor(private readonly bytes: Uint8Array) {}

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new MalformedTxError(`truncated at byte ${this.pos}`)
  }

  u32(): number {
    this.need(4)
    const { bytes, pos } = this
    this.pos += 4
    return (bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16)) + bytes[pos + 3] * 0x1000000
  }

  varInt(): number {
    this.need(1)
    const first = this.bytes[this.pos++]
    if (first < 0xfd) return first
    if (first === 0xfd) {
      this.need(2)
      const v = this.bytes[this.pos] | (this.bytes[this.pos + 1] << 8)
      this.pos += 2
      return v
    }
    if (first === 0xfe) return this.u32()
    throw new MalformedTxError('8-byte length prefix')
  }

  slice(n: number): Uint8Array {
    this.need(n)
    const s = this.bytes.subarray(this.pos, this.pos + n)
    this.pos += n
    return s
  }
}

/** Parses a serialized transaction; rejects truncation and trailing bytes. Throws MalformedTxError. */
export function parseRawTx(bytes: Uint8Array): RawTx {
  const reader = new ByteReader(bytes)
  const version = reader.u32()
  const inputCount = reader.varInt()
  if (inputCount === 0) throw new MalformedTxError('no inputs')
  const inputs: RawInput[] = []
  for (let i = 0; i < inputCount; i++) {
    const outpoint = reader.slice(36)
    const vout = (outpoint[32] | (outpoint[33] << 8) | (outpoint[34] << 16)) + outpoint[35] * 0x1000000
    const script = reader.slice(reader.varInt())
    inputs.push({ outpoint, vout, script, sequence: reader.u32() })
  }
  const outputCount = reader.varInt()
  const outputsStart = reader.pos
  const outputs: RawOutput[] = []
  for (let i = 0; i < outputCount; i++) {
    const low = reader.u32()
    const high = reader.u32()
    if (high > 0x7ffff) throw new MalformedTxError(`output ${i} value out of range`)
    const satoshis = high * 0x100000000 + low
    if (satoshis > MAX_SATOSHIS) throw new MalformedTxError(`output ${i} value out of range`)
    outputs.push({ satoshis, script: reader.slice(reader.varInt()) })
  }
  const outputsEnd = reader.pos
  const lockTime = reader.u32()
  if (reader.pos !== bytes.length) throw new MalformedTxError(`${bytes.length - reader.pos} trailing bytes`)
  return { version: version | 0, inputs, outputs, lockTime, outputsStart, outputsEnd }
}

/** Double SHA-256. The SDK's pure-JS one is the default; the host may pass node:crypto's, ~4x faster. */
export type Hash256 = (bytes: Uint8Array) => ArrayLike<number>
// As bytes, not the SDK's array of numbers: the input-hash cache below keeps two per channel, at twice the heap as arrays.
const sdkHash256: Hash256 = (bytes) => Uint8Array.from(Hash.hash256(bytes))

/** Character codes of a txid being written: one string made from them at once, not 64 concatenations. */
const TXID_CHARS = new Uint16Array(64)
const HEX_CODES = Array.from(HEX_DIGITS, (digit) => digit.charCodeAt(0))

/** txid (display order hex) of serialized bytes. */
export function txidOf(bytes: Uint8Array, hash256: Hash256 = sdkHash256): string {
  const hash = hash256(bytes)
  if (hash.length !== 32) throw new Error('a txid is a 32-byte hash')
  for (let i = 0; i < 32; i++) {
    const byte = hash[31 - i]
    TXID_CHARS[2 * i] = HEX_CODES[byte >> 4]
    TXID_CHARS[2 * i + 1] = HEX_CODES[byte & 15]
  }
  return String.fromCharCode.apply(null, TXID_CHARS as unknown as number[])
}

/** By txid, then by vout: looked up by the caller's own strings, with no key built per call. */
const outpointCache = new RecentCache<string, Uint8Array[]>(CHANNEL_MEMO_LIMITS)
/** The 36 serialized bytes of an outpoint (txid reversed + vout LE), memoized. Do not mutate. */
export function outpointBytes(txid: string, vout: number): Uint8Array {
  const byVout = outpointCache.memo(txid, () => [])
  const hit = byVout[vout]
  if (hit !== undefined) return hit
  const out = new Uint8Array(36)
  const id = hexToBytes(txid)
  if (id.length !== 32) throw new Error('txid must be 32 bytes of hex')
  for (let i = 0; i < 32; i++) out[i] = id[31 - i]
  out[32] = vout & 0xff
  out[33] = (vout >>> 8) & 0xff
  out[34] = (vout >>> 16) & 0xff
  out[35] = (vout >>> 24) & 0xff
  byVout[vout] = out
  return out
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * BIP143 preimage (SIGHASH_ALL|FORKID) of input `inputIndex` of a parsed raw tx, built from its bytes.
 * Equal to TransactionSignature.formatBytes for the same tx; used where the SDK's object parse would cost more
 * than the checks themselves.
 */
export function rawSighashPreimage(
  bytes: Uint8Array,
  raw: RawTx,
  inputIndex: number,
  scriptCode: Uint8Array,
  satoshis: number,
  hash256: Hash256 = sdkHash256,
): Uint8Array {
  const input = raw.inputs[inputIndex]
  if (input === undefined) throw new Error(`no input ${inputIndex}`)
  const { hashPrevouts, hashSequence } = inputHashes(raw.inputs, hash256)
  const hashOutputs = hash256(bytes.subarray(raw.outputsStart, raw.outputsEnd))
  const scriptLengthBytes = scriptCode.length < 0xfd ? 1 : 3
  const out = new Uint8Array(4 + 32 + 32 + 36 + scriptLengthBytes + scriptCode.length + 8 + 4 + 32 + 4 + 4)
  let pos = 0
  writeU32(out, pos, raw.version >>> 0)
  pos += 4
  out.set(hashPrevouts, pos)
  pos += 32
  out.set(hashSequence, pos)
  pos += 32
  out.set(input.outpoint, pos)
  pos += 36
  if (scriptLengthBytes === 1) out[pos++] = scriptCode.length
  else {
    out[pos++] = 0xfd
    out[pos++] = scriptCode.length & 0xff
    out[pos++] = scriptCode.length >>> 8
  }
  out.set(scriptCode, pos)
  pos += scriptCode.length
  writeU32(out, pos, satoshis % 0x100000000)
  writeU32(out, pos + 4, Math.floor(satoshis / 0x100000000))
  pos += 8
  writeU32(out, pos, input.sequence)
  pos += 4
  out.set(hashOutputs, pos)
  pos += 32
  writeU32(out, pos, raw.lockTime)
  pos += 4
  writeU32(out, pos, CHANNEL_SIGHASH)
  return out
}

// A channel's updates all spend the same outpoint with the same nSequence: the input hashes of a one-input tx are
// remembered by those bytes (the sequence as two 16-bit characters), read as a 38-character string in one call, with
// no hex built per payment.
const inputHashCache = new RecentCache<string, { hashPrevouts: ArrayLike<number>; hashSequence: ArrayLike<number> }>(CHANNEL_MEMO_LIMITS)
const INPUT_KEY_CHARS = new Uint16Array(38)

/** BIP143's hashPrevouts and hashSequence over all inputs. */
function inputHashes(inputs: RawInput[], hash256: Hash256): { hashPrevouts: ArrayLike<number>; hashSequence: ArrayLike<number> } {
  let cacheKey: string | null = null
  if (inputs.length === 1) {
    const { outpoint, sequence } = inputs[0]
    INPUT_KEY_CHARS.set(outpoint)
    INPUT_KEY_CHARS[36] = sequence & 0xffff
    INPUT_KEY_CHARS[37] = sequence >>> 16
    cacheKey = String.fromCharCode.apply(null, INPUT_KEY_CHARS as unknown as number[])
    const hit = inputHashCache.get(cacheKey)
    if (hit !== undefined) return hit
  }
  const prevouts = new Uint8Array(36 * inputs.length)
  const sequences = new Uint8Array(4 * inputs.length)
  inputs.forEach((input, i) => {
    prevouts.set(input.outpoint, 36 * i)
    writeU32(sequences, 4 * i, input.sequence)
  })
  const hashes = { hashPrevouts: hash256(prevouts), hashSequence: hash256(sequences) }
  if (cacheKey === null) return hashes
  inputHashCache.set(cacheKey, hashes)
  return hashes
}

function writeU32(out: Uint8Array, pos: number, value: number): void {
  out[pos] = value & 0xff
  out[pos + 1] = (value >>> 8) & 0xff
  out[pos + 2] = (value >>> 16) & 0xff
  out[pos + 3] = (value >>> 24) & 0xff
}

/**
 * The payer's signature pushed by an `OP_0 <payerSig>` unlocking script (the form the payer hands over), or null.
 * Accepts only that exact shape: a direct push of 1..75 bytes.
 */
export function rawPayerSignature(unlockingScript: Uint8Array): Uint8Array | null {
  if (unlockingScript.length < 3 || unlockingScript[0] !== 0x00) return null
  const length = unlockingScript[1]
  if (length < 1 || length > 75 || unlockingScript.length !== 2 + length) return null
  return unlockingScript.subarray(2)
}
