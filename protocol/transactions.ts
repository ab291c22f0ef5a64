// Builds, signs and checks the channel's transactions (Spillman construction, see docs/bsv-channel.md).
// Isomorphic and synchronous: the browser player, the Node viewer fleet and the host all use this file.
//
// SDK Transaction objects cache their serialization, so nothing here mutates a transaction it was given:
// every change produces a new Transaction.
import { Hash, LockingScript, PrivateKey, Spend, Transaction, UnlockingScript, Utils } from '@bsv/sdk'
import type { FeeRate } from './messages.ts'
import { closeFee, feeFor, P2PKH_INPUT_BYTES, P2PKH_OUTPUT_BYTES } from './fees.ts'
import { signedP2pkhSpend } from './p2pkh-spend.ts'
import { ChannelMultisig, p2pkhLockingScript, payerReturnScript } from './scripts.ts'
import { CHANNEL_SIGHASH } from './signature.ts'
import { inputPreimage, signInput } from './signing.ts'

/** Version 1 everywhere: version > 1 drops LOW_S, NULLDUMMY... after Chronicle, and the funding txid turns malleable. */
export const CHANNEL_TX_VERSION = 1
/** nSequence of an update: final, so the update is valid now and can be broadcast any time. */
export const FINAL_SEQUENCE = 0xffffffff
/** nSequence of the refund: below final, so its nLockTime is enforced. */
export const REFUND_SEQUENCE = 0
/** Every spendable output carries at least this much (node, ARC and Teranode agree). */
export const DUST_LIMIT = 1

export interface FundingOutpoint {
  txid: string
  vout: number
  satoshis: number
}
export interface ChannelParties {
  payerPublicKey: string
  payeePublicKey: string
}
/** A P2PKH output of the payer's key. */
export interface SpendableUtxo {
  txid: string
  vout: number
  satoshis: number
}

export class InsufficientFundsError extends Error {
  readonly needed: number
  readonly available: number
  constructor(needed: number, available: number) {
    super(`insufficient funds: need ${needed} satoshis (capacity + fee), have ${available}`)
    this.name = 'InsufficientFundsError'
    this.needed = needed
    this.available = available
  }
}

const multisig = new ChannelMultisig()

// ---------------------------------------------------------------------------------------------------------------
// Signing

/** The BIP143 preimage of input 0 (script code = the 2-of-2, value = capacity), sighash 0x41. */
export function channelSighashPreimage(tx: Transaction, funding: FundingOutpoint, parties: ChannelParties): Uint8Array {
  return inputPreimage(tx, 0, funding.satoshis, multisig.lock(parties.payerPublicKey, parties.payeePublicKey), CHANNEL_SIGHASH)
}

/**
 * One party's signature (hex DER + sighash byte) over input 0 of a channel spend. `sighash` exists so tests can
 * produce what a misbehaving payer would send; honest code always uses 0x41.
 */
export function signChannelInput(tx: Transaction, funding: FundingOutpoint, parties: ChannelParties, key: PrivateKey, sighash: number = CHANNEL_SIGHASH): string {
  const script = multisig.lock(parties.payerPublicKey, parties.payeePublicKey)
  return Utils.toHex(signInput(tx, 0, funding.satoshis, script, key, sighash))
}

// ---------------------------------------------------------------------------------------------------------------
// Building

/** A copy of `tx` with input 0's unlocking script replaced. */
function withInput0Script(tx: Transaction, unlockingScript: UnlockingScript): Transaction {
  const [first, ...rest] = tx.inputs
  if (first === undefined) throw new Error('transaction has no input')
  return new Transaction(
    tx.version,
    [{ sourceTXID: first.sourceTXID, sourceOutputIndex: first.sourceOutputIndex, sequence: first.sequence, unlockingScript }, ...rest.map((input) => ({ ...input }))],
    tx.outputs.map((output) => ({ satoshis: output.satoshis, lockingScript: output.lockingScript })),
    tx.lockTime,
  )
}

/** A channel spend with no signatures yet (empty unlocking script, so it still serializes). */
function unsignedChannelSpend(funding: FundingOutpoint, sequence: number, lockTime: number, outputs: Array<{ satoshis: number; lockingScript: LockingScript }>): Transaction {
  return new Transaction(
    CHANNEL_TX_VERSION,
    [{ sourceTXID: funding.txid, sourceOutputIndex: funding.vout, sequence, unlockingScript: new UnlockingScript() }],
    outputs,
    lockTime,
  )
}

/** Size estimate of the funding tx with n signed P2PKH inputs: the 2-of-2 output is 8 + 1 + 71 bytes. */
function fundingBytes(inputCount: number, withChange: boolean): number {
  const varInt = (n: number) => (n < 0xfd ? 1 : n <= 0xffff ? 3 : 5)
  const outputs = withChange ? 2 : 1
  return 4 + varInt(inputCount) + inputCount * P2PKH_INPUT_BYTES + varInt(outputs) + (8 + 1 + 71) + (withChange ? P2PKH_OUTPUT_BYTES : 0) + 4
}

/**
 * The funding tx: the payer's P2PKH coins (largest first) -> output 0 of `capacity` locked by the 2-of-2, change back
 * to the payer when at least 1 sat. Fully signed by the payer; it must not be broadcast before the refund is co-signed.
 */
export function buildFunding(p: { payerKey: PrivateKey; payeePublicKey: string; capacity: number; utxos: SpendableUtxo[]; feeRate: FeeRate }): {
  tx: Transaction
  hex: string
  txid: string
  vout: number
} {
  if (!Number.isSafeInteger(p.capacity) || p.capacity < DUST_LIMIT) throw new Error(`capacity must be a positive integer, got ${p.capacity}`)
  const payerPublicKey = p.payerKey.toPublicKey().toString()
  const sorted = [...p.utxos].sort((a, b) => b.satoshis - a.satoshis)
  const available = sorted.reduce((sum, u) => sum + u.satoshis, 0)
  const selected: SpendableUtxo[] = []
  let total = 0
  for (const utxo of sorted) {
    selected.push(utxo)
    total += utxo.satoshis
    if (total >= p.capacity + feeFor(fundingBytes(selected.length, true), p.feeRate) + DUST_LIMIT) break
  }
  const feeWithChange = feeFor(fundingBytes(selected.length, true), p.feeRate)
  const feeWithoutChange = feeFor(fundingBytes(selected.length, false), p.feeRate)
  if (total < p.capacity + feeWithoutChange) {
    throw new InsufficientFundsError(p.capacity + feeFor(fundingBytes(Math.max(1, sorted.length), false), p.feeRate), available)
  }
  const change = total - p.capacity - feeWithChange
  const payerScript = p2pkhLockingScript(payerPublicKey)
  const outputs = [{ satoshis: p.capacity, lockingScript: multisig.lock(payerPublicKey, p.payeePublicKey) }]
  // Below the dust limit the remainder is left to the miners rather than creating an unspendable output.
  if (change >= DUST_LIMIT) outputs.push({ satoshis: change, lockingScript: payerScript })
  const tx = signedP2pkhSpend({ key: p.payerKey, utxos: selected, outputs, version: CHANNEL_TX_VERSION })
  return { tx, hex: tx.toHex(), txid: tx.id('hex'), vout: 0 }
}

/** The refund (unsigned): funding outpoint, nSequence 0, nLockTime = height T, C - close fee back to the payer. */
export function buildRefund(p: ChannelParties & { funding: FundingOutpoint; lockTime: number; feeRate: FeeRate; payerScript?: string }): Transaction {
  if (!Number.isInteger(p.lockTime) || p.lockTime <= 0 || p.lockTime >= 500_000_000) {
    throw new Error(`refund nLockTime must be a block height in 1..499999999, got ${p.lockTime}`)
  }
  const amount = p.funding.satoshis - closeFee(p.feeRate)
  if (amount < DUST_LIMIT) throw new Error(`capacity ${p.funding.satoshis} does not cover the refund fee ${closeFee(p.feeRate)}`)
  return unsignedChannelSpend(p.funding, REFUND_SEQUENCE, p.lockTime, [{ satoshis: amount, lockingScript: payerReturnScript(p) }])
}

/**
 * Update k (unsigned): final, nLockTime 0; output 0 pays the host's payout script (hex, P2PKH) the cumulative `paid`,
 * output 1 returns C - paid - close fee to the payer (its named script, else its key's P2PKH) and is omitted when zero.
 */
export function buildUpdate(p: ChannelParties & { funding: FundingOutpoint; paid: number; feeRate: FeeRate; payoutScript: string; payerScript?: string }): Transaction {
  const fee = closeFee(p.feeRate)
  if (!Number.isSafeInteger(p.paid) || p.paid < DUST_LIMIT) throw new Error(`paid must be a positive integer, got ${p.paid}`)
  const change = p.funding.satoshis - p.paid - fee
  if (change < 0) throw new Error(`paid ${p.paid} + fee ${fee} exceeds the channel capacity ${p.funding.satoshis}`)
  const outputs = [{ satoshis: p.paid, lockingScript: LockingScript.fromHex(p.payoutScript) }]
  if (change > 0) outputs.push({ satoshis: change, lockingScript: payerReturnScript(p) })
  return unsignedChannelSpend(p.funding, FINAL_SEQUENCE, 0, outputs)
}

/** What the payer hands over (update or refund): input 0 unlocked by `OP_0 <payerSig>` only. */
export function withPayerSignature(tx: Transaction, payerSigHex: string): Transaction {
  return withInput0Script(tx, multisig.unlockPayerOnly(payerSigHex))
}

/** The spend made final: input 0 unlocked by `OP_0 <payerSig> <payeeSig>`. Returns a new transaction. */
export function completeChannelSpend(tx: Transaction, payerSigHex: string, payeeSigHex: string): Transaction {
  return withInput0Script(tx, multisig.unlock(payerSigHex, payeeSigHex))
}

/** The payer's signature (DER + sighash byte) from an `OP_0 <payerSig> [...]` unlocking script, or null. */
export function payerSignatureOf(tx: Transaction): Uint8Array | null {
  const chunks = tx.inputs[0]?.unlockingScript?.chunks
  if (chunks === undefined || chunks.length < 2 || chunks[0].op !== 0) return null
  const data = chunks[1].data
  return data === undefined || data.length === 0 ? null : Uint8Array.from(data)
}

// ---------------------------------------------------------------------------------------------------------------
// Checking

/**
 * Runs @bsv/sdk's script interpreter on input 0 against `lockingScript` holding `funding`. Version-1 rules apply
 * (LOW_S, NULLDUMMY, strict encoding, clean stack). Also refuses a tx whose input 0 is not the funding outpoint,
 * since the interpreter takes the outpoint from us and would not notice.
 */
export function verifyWithInterpreter(tx: Transaction, funding: FundingOutpoint, lockingScript: LockingScript): { ok: true } | { ok: false; message: string } {
  const input = tx.inputs[0]
  if (input === undefined) return { ok: false, message: 'transaction has no input' }
  if (input.sourceTXID !== funding.txid || input.sourceOutputIndex !== funding.vout) {
    return { ok: false, message: `input 0 spends ${input.sourceTXID}:${input.sourceOutputIndex}, not the funding ${funding.txid}:${funding.vout}` }
  }
  if (input.unlockingScript === undefined) return { ok: false, message: 'input 0 is not signed' }
  try {
    const spend = new Spend({
      sourceTXID: funding.txid,
      sourceOutputIndex: funding.vout,
      sourceSatoshis: funding.satoshis,
      lockingScript,
      transactionVersion: tx.version,
      otherInputs: tx.inputs.slice(1),
      outputs: tx.outputs,
      inputIndex: 0,
      unlockingScript: input.unlockingScript,
      inputSequence: input.sequence ?? FINAL_SEQUENCE,
      lockTime: tx.lockTime,
    })
    return spend.validate() ? { ok: true } : { ok: false, message: 'script evaluated to false' }
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading raw transactions fast
//
// The payee checks thousands of updates a second. The SDK's parser builds script chunk objects and number arrays;
// here a raw tx is read once into byte views, outputs are compared byte for byte, and the BIP143 preimage is
// assembled straight from the raw bytes (tests check it equals the SDK's).

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

/** Parses a serialized transaction; rejects truncation and trailing bytes. Throws MalformedTxError. */
export function parseRawTx(bytes: Uint8Array): RawTx {
  let pos = 0
  const need = (n: number) => {
    if (pos + n > bytes.length) throw new MalformedTxError(`truncated at byte ${pos}`)
  }
  const u32 = () => {
    need(4)
    const v = (bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16)) + bytes[pos + 3] * 0x1000000
    pos += 4
    return v
  }
  const varInt = () => {
    need(1)
    const first = bytes[pos++]
    if (first < 0xfd) return first
    if (first === 0xfd) {
      need(2)
      const v = bytes[pos] | (bytes[pos + 1] << 8)
      pos += 2
      return v
    }
    if (first === 0xfe) return u32()
    throw new MalformedTxError('8-byte length prefix')
  }
  const slice = (n: number) => {
    need(n)
    const s = bytes.subarray(pos, pos + n)
    pos += n
    return s
  }
  const version = u32()
  const inputCount = varInt()
  if (inputCount === 0) throw new MalformedTxError('no inputs')
  const inputs: RawInput[] = []
  for (let i = 0; i < inputCount; i++) {
    const outpoint = slice(36)
    const vout = (outpoint[32] | (outpoint[33] << 8) | (outpoint[34] << 16)) + outpoint[35] * 0x1000000
    const script = slice(varInt())
    inputs.push({ outpoint, vout, script, sequence: u32() })
  }
  const outputCount = varInt()
  const outputsStart = pos
  const outputs: RawOutput[] = []
  for (let i = 0; i < outputCount; i++) {
    const low = u32()
    const high = u32()
    if (high > 0x7ffff) throw new MalformedTxError(`output ${i} value out of range`)
    const satoshis = high * 0x100000000 + low
    if (satoshis > MAX_SATOSHIS) throw new MalformedTxError(`output ${i} value out of range`)
    outputs.push({ satoshis, script: slice(varInt()) })
  }
  const outputsEnd = pos
  const lockTime = u32()
  if (pos !== bytes.length) throw new MalformedTxError(`${bytes.length - pos} trailing bytes`)
  return { version: version | 0, inputs, outputs, lockTime, outputsStart, outputsEnd }
}

/** Double SHA-256. The SDK's pure-JS one is the default; the host may pass node:crypto's, ~4x faster. */
export type Hash256 = (bytes: Uint8Array) => ArrayLike<number>
const sdkHash256: Hash256 = (bytes) => Hash.hash256(bytes)

/** txid (display order hex) of serialized bytes. */
export function txidOf(bytes: Uint8Array, hash256: Hash256 = sdkHash256): string {
  const hash = hash256(bytes)
  let out = ''
  for (let i = hash.length - 1; i >= 0; i--) out += HEX_DIGITS[hash[i] >> 4] + HEX_DIGITS[hash[i] & 15]
  return out
}

const outpointCache = new Map<string, Uint8Array>()
/** The 36 serialized bytes of an outpoint (txid reversed + vout LE), memoized. Do not mutate. */
export function outpointBytes(txid: string, vout: number): Uint8Array {
  const cacheKey = `${txid}:${vout}`
  const hit = outpointCache.get(cacheKey)
  if (hit !== undefined) return hit
  const out = new Uint8Array(36)
  const id = hexToBytes(txid)
  if (id.length !== 32) throw new Error('txid must be 32 bytes of hex')
  for (let i = 0; i < 32; i++) out[i] = id[31 - i]
  out[32] = vout & 0xff
  out[33] = (vout >>> 8) & 0xff
  out[34] = (vout >>> 16) & 0xff
  out[35] = (vout >>> 24) & 0xff
  if (outpointCache.size >= 10_000) outpointCache.clear()
  outpointCache.set(cacheKey, out)
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

// A channel's updates all spend the same outpoint with the same nSequence: remember the last few input hashes.
const inputHashCache = new Map<string, { hashPrevouts: ArrayLike<number>; hashSequence: ArrayLike<number> }>()

/** BIP143's hashPrevouts and hashSequence over all inputs. */
function inputHashes(inputs: RawInput[], hash256: Hash256): { hashPrevouts: ArrayLike<number>; hashSequence: ArrayLike<number> } {
  const prevouts = new Uint8Array(36 * inputs.length)
  const sequences = new Uint8Array(4 * inputs.length)
  inputs.forEach((input, i) => {
    prevouts.set(input.outpoint, 36 * i)
    writeU32(sequences, 4 * i, input.sequence)
  })
  if (inputs.length !== 1) return { hashPrevouts: hash256(prevouts), hashSequence: hash256(sequences) }
  const cacheKey = bytesToHex(prevouts) + bytesToHex(sequences)
  const hit = inputHashCache.get(cacheKey)
  if (hit !== undefined) return hit
  const hashes = { hashPrevouts: hash256(prevouts), hashSequence: hash256(sequences) }
  if (inputHashCache.size >= 10_000) inputHashCache.clear()
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
