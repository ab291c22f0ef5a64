// Devnet block headers are real 80-byte Bitcoin headers (version, previous block hash, merkle root, time, bits, nonce),
// hashed with double SHA-256 and mined against regtest's easy target, so each meets its own proof of work and any SPV
// client can check them. Also the coinbase that opens every block. Pure.
import { createHash } from 'node:crypto'
import { LockingScript, OP, P2PKH, Transaction, UnlockingScript, Utils } from '@bsv/sdk'

export interface BlockHeader {
  version: number
  /** Display-order hex; 64 zeros for the first block. */
  prevHash: string
  /** Display-order hex. */
  merkleRoot: string
  /** Unix seconds. */
  time: number
  bits: number
  nonce: number
}

/** Version 0x20000000, as today's miners signal; regtest's minimum difficulty: half of all hashes meet it. */
export const HEADER_VERSION = 0x20000000
export const DEVNET_BITS = 0x207fffff
export const NULL_HASH = '0'.repeat(64)
const COINBASE_NOTE = Utils.toArray('p2p-channels devnet', 'utf8')
const GENESIS_NOTE = Utils.toArray('p2p-channels devnet genesis', 'utf8')
/** The genesis coin the faucet pays from: 10 million BSV, more than any test run can spend. */
const GENESIS_SATOSHIS = 1_000_000_000_000_000

function sha256d(bytes: Buffer): Buffer {
  return createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest()
}

export function serializeHeader(h: BlockHeader): Buffer {
  const out = Buffer.alloc(80)
  out.writeInt32LE(h.version | 0, 0)
  Buffer.from(h.prevHash, 'hex').reverse().copy(out, 4)
  Buffer.from(h.merkleRoot, 'hex').reverse().copy(out, 36)
  out.writeUInt32LE(h.time, 68)
  out.writeUInt32LE(h.bits, 72)
  out.writeUInt32LE(h.nonce, 76)
  return out
}

export function parseHeader(hex: string): BlockHeader {
  const bytes = Buffer.from(hex, 'hex')
  if (bytes.length !== 80) throw new Error(`a block header is 80 bytes, not ${bytes.length}`)
  return {
    version: bytes.readInt32LE(0),
    prevHash: Buffer.from(bytes.subarray(4, 36)).reverse().toString('hex'),
    merkleRoot: Buffer.from(bytes.subarray(36, 68)).reverse().toString('hex'),
    time: bytes.readUInt32LE(68),
    bits: bytes.readUInt32LE(72),
    nonce: bytes.readUInt32LE(76),
  }
}

/** The block hash: double SHA-256 of the 80 bytes, in display order. */
export function headerHash(header: Buffer): string {
  return sha256d(header).reverse().toString('hex')
}

/** The 256-bit target that compact `bits` stands for. */
export function targetOf(bits: number): bigint {
  const exponent = bits >>> 24
  const mantissa = BigInt(bits & 0x007fffff)
  return exponent <= 3 ? mantissa >> BigInt(8 * (3 - exponent)) : mantissa << BigInt(8 * (exponent - 3))
}

export function meetsTarget(hash: string, bits: number): boolean {
  return BigInt(`0x${hash}`) <= targetOf(bits)
}

/** Difficulty as nodes report it: difficulty-1 target over this target. */
export function difficultyOf(bits: number): number {
  return Number(targetOf(0x1d00ffff)) / Number(targetOf(bits))
}

/** Expected hashes to find a block at `bits`: 2^256 / (target + 1). Chainwork is its sum along the chain. */
export function workOf(bits: number): bigint {
  return (1n << 256n) / (targetOf(bits) + 1n)
}

/** Tries nonces until the header meets its own target (about two tries at devnet difficulty). */
export function mineHeader(h: Omit<BlockHeader, 'nonce'>): { header: BlockHeader; hex: string; hash: string } {
  for (let nonce = 0; nonce <= 0xffffffff; nonce++) {
    const header = { ...h, nonce }
    const bytes = serializeHeader(header)
    const hash = headerHash(bytes)
    if (meetsTarget(hash, h.bits)) return { header, hex: bytes.toString('hex'), hash }
  }
  throw new Error('no nonce meets the target')
}

/** Median of the last (up to) 11 block times: a new block's time must be above it. */
export function medianTimePast(times: readonly number[]): number {
  const sorted = times.slice(-11).sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** The wall clock, unless blocks come faster than one a second: then one second past the median time. */
export function nextBlockTime(nowSeconds: number, previousTimes: readonly number[]): number {
  return Math.max(nowSeconds, medianTimePast(previousTimes) + 1)
}

/** BIP34: the coinbase script starts with the block height as a minimally encoded script number. */
function scriptNumber(n: number): number[] {
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.push(v & 0xff)
  if (bytes.length > 0 && bytes[bytes.length - 1] & 0x80) bytes.push(0)
  return bytes
}

/** The first tx of a block: a coinbase input (BIP34 height) and one 0-sat data output; the devnet mints no subsidy. */
export function coinbaseTx(height: number): Transaction {
  const heightBytes = scriptNumber(height)
  return new Transaction(
    1,
    [{
      sourceTXID: NULL_HASH,
      sourceOutputIndex: 0xffffffff,
      unlockingScript: new UnlockingScript([{ op: heightBytes.length, data: heightBytes }, { op: COINBASE_NOTE.length, data: COINBASE_NOTE }]),
      sequence: 0xffffffff,
    }],
    [{ lockingScript: new LockingScript([{ op: OP.OP_FALSE }, { op: OP.OP_RETURN }, { op: COINBASE_NOTE.length, data: COINBASE_NOTE }]), satoshis: 0 }],
    0,
  )
}

/** Block 0's only tx: coinbase-shaped, paying the whole supply to the faucet's address. */
export function genesisTx(faucetAddress: string): Transaction {
  return new Transaction(
    1,
    [{
      sourceTXID: NULL_HASH,
      sourceOutputIndex: 0xffffffff,
      unlockingScript: new UnlockingScript([{ op: GENESIS_NOTE.length, data: GENESIS_NOTE }]),
      sequence: 0xffffffff,
    }],
    [{ lockingScript: new P2PKH().lock(faucetAddress), satoshis: GENESIS_SATOSHIS }],
    0,
  )
}
