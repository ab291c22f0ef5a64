// Locking and unlocking scripts of the channel, after @bsv/sdk's ScriptTemplate style. Isomorphic.
import { Hash, LockingScript, OP, UnlockingScript, Utils } from '@bsv/sdk'
import { CHANNEL_MEMO_LIMITS, RecentCache } from './recent-cache.ts'

const COMPRESSED_KEY = /^0[23][0-9a-fA-F]{64}$/

function compressedKeyBytes(publicKeyHex: string): number[] {
  if (!COMPRESSED_KEY.test(publicKeyHex)) throw new Error(`expected a 33-byte compressed public key in hex, got "${publicKeyHex.slice(0, 70)}"`)
  return Utils.toArray(publicKeyHex.toLowerCase(), 'hex')
}

function signatureBytes(signatureHex: string, who: string): number[] {
  if (!/^(?:[0-9a-fA-F]{2}){9,73}$/.test(signatureHex)) throw new Error(`${who} signature must be 9..73 bytes of hex (DER + sighash byte)`)
  return Utils.toArray(signatureHex, 'hex')
}

/**
 * The funding output: a bare 2-of-2 multisig `OP_2 <payerPub> <payeePub> OP_2 OP_CHECKMULTISIG`.
 * Bare (not P2SH) because P2SH is disabled after Genesis; payer key first, so signatures go in that order.
 */
export class ChannelMultisig {
  lock(payerPublicKey: string, payeePublicKey: string): LockingScript {
    const payer = compressedKeyBytes(payerPublicKey)
    const payee = compressedKeyBytes(payeePublicKey)
    return new LockingScript([
      { op: OP.OP_2 },
      { op: payer.length, data: payer },
      { op: payee.length, data: payee },
      { op: OP.OP_2 },
      { op: OP.OP_CHECKMULTISIG },
    ])
  }

  /** `OP_0 <payerSig> <payeeSig>`: the empty dummy (NULLDUMMY), then signatures in key order. */
  unlock(payerSignatureHex: string, payeeSignatureHex: string): UnlockingScript {
    const payer = signatureBytes(payerSignatureHex, 'payer')
    const payee = signatureBytes(payeeSignatureHex, 'payee')
    return new UnlockingScript([
      { op: OP.OP_0 },
      { op: payer.length, data: payer },
      { op: payee.length, data: payee },
    ])
  }

  /**
   * What the payer puts on an update or refund it hands over: `OP_0 <payerSig>`, the close minus the payee's part.
   * The payee reads the payer's signature from here and appends its own only when it settles.
   */
  unlockPayerOnly(payerSignatureHex: string): UnlockingScript {
    const payer = signatureBytes(payerSignatureHex, 'payer')
    return new UnlockingScript([{ op: OP.OP_0 }, { op: payer.length, data: payer }])
  }
}

/** Pay-to-public-key-hash to a compressed key. */
export function p2pkhLockingScript(publicKeyHex: string): LockingScript {
  const hash = Hash.hash160(compressedKeyBytes(publicKeyHex))
  return new LockingScript([
    { op: OP.OP_DUP },
    { op: OP.OP_HASH160 },
    { op: hash.length, data: hash },
    { op: OP.OP_EQUALVERIFY },
    { op: OP.OP_CHECKSIG },
  ])
}

/** Where the payer's share goes: the script the payer named (P2PKH hex), or the P2PKH of its channel key. */
export function payerReturnScript(p: { payerPublicKey: string; payerScript?: string }): LockingScript {
  return p.payerScript === undefined ? p2pkhLockingScript(p.payerPublicKey) : LockingScript.fromHex(p.payerScript)
}

// The payee compares thousands of outputs a second against the same few scripts: keep their bytes. Keyed by the
// channel's own strings, not by a string built per call: V8 keeps a string's hash, so a lookup with the record's key
// hashes nothing, where a concatenated key is hashed afresh on every payment (issue 23's profile).
type ScriptCache = RecentCache<string, Uint8Array>
const p2pkhCache: ScriptCache = new RecentCache(CHANNEL_MEMO_LIMITS)
const hexCache: ScriptCache = new RecentCache(CHANNEL_MEMO_LIMITS)
const channelCache = new RecentCache<string, Map<string, Uint8Array>>(CHANNEL_MEMO_LIMITS)

function cachedScriptBytes(cache: ScriptCache, key: string, build: () => LockingScript): Uint8Array {
  return cache.memo(key, () => Uint8Array.from(build().toBinary()))
}

/** Serialized P2PKH script of a key, memoized. Do not mutate the returned bytes. */
export function p2pkhScriptBytes(publicKeyHex: string): Uint8Array {
  return cachedScriptBytes(p2pkhCache, publicKeyHex, () => p2pkhLockingScript(publicKeyHex))
}

/** The P2PKH script of a key, hex: what a channel opened before payout addresses pays the host. */
export function p2pkhScriptHex(publicKeyHex: string): string {
  return Utils.toHex([...p2pkhScriptBytes(publicKeyHex)])
}

/** The bytes of a script given in hex (the host's agreed payout script), memoized. Do not mutate. */
export function scriptBytesOfHex(scriptHex: string): Uint8Array {
  return cachedScriptBytes(hexCache, scriptHex, () => LockingScript.fromHex(scriptHex))
}

/** Serialized 2-of-2 funding script, memoized. Do not mutate the returned bytes. */
export function channelScriptBytes(payerPublicKey: string, payeePublicKey: string): Uint8Array {
  const byPayee = channelCache.memo(payerPublicKey, () => new Map())
  const hit = byPayee.get(payeePublicKey)
  if (hit !== undefined) return hit
  const bytes = Uint8Array.from(new ChannelMultisig().lock(payerPublicKey, payeePublicKey).toBinary())
  byPayee.set(payeePublicKey, bytes)
  return bytes
}

/** A 0-satoshi data carrier is the only extra output the payee tolerates: `OP_RETURN ...` or `OP_FALSE OP_RETURN ...`. */
export function isDataCarrier(script: Uint8Array): boolean {
  return (script.length >= 1 && script[0] === OP.OP_RETURN) || (script.length >= 2 && script[0] === OP.OP_FALSE && script[1] === OP.OP_RETURN)
}
