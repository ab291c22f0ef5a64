// Native secp256k1 ECDSA verification for the payee's hot path (Node only).
// libsecp256k1 (Bitcoin Core's own library, shipped prebuilt in the secp256k1 package) verifies in ~60 µs; OpenSSL's
// generic curve code takes ~340 µs and the SDK's pure JS ~1.6 ms. OpenSSL stays as the fallback for platforms the
// package has no binary for. Shape checks (strict DER, low S, sighash byte) happen before, in protocol/signature.ts,
// because OpenSSL accepts forms the chain refuses.
import { createHash, createPublicKey, hash, verify, type KeyObject } from 'node:crypto'
import { CHANNEL_MEMO_LIMITS, RecentCache } from '../../protocol/recent-cache.ts'
import type { SignatureVerifier } from '../../protocol/signature.ts'
import { libsecp256k1 as secp256k1 } from '../crypto/libsecp256k1.ts'
import type { PendingSignature } from '../channels/payee.ts'

export type VerifierEngine = 'libsecp256k1' | 'openssl'

/** A payee verifier: synchronous where it is cheap enough for the event loop, on libuv's thread pool where not. */
export interface PayeeVerifier {
  engine: VerifierEngine
  verify(signature: PendingSignature): boolean | Promise<boolean>
}

/** SPKI DER header for a 33-byte compressed secp256k1 key (id-ecPublicKey, secp256k1, BIT STRING of 34). */
const SPKI_SECP256K1_COMPRESSED_PREFIX = Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex')
/** Payer keys, one per open channel: as many as the host's biggest audience, and gone within minutes of a close. */
const KEY_MEMO_LIMITS = { ...CHANNEL_MEMO_LIMITS, maxEntries: 100_000 }


let processVerifier: SignatureVerifier | null = null

/**
 * The fastest verifier this platform has: libsecp256k1, else OpenSSL. One for the process, so the refund's, every
 * payment's and the close's checks share its memo of payer keys: each key is converted once, and held once.
 */
export function nativeVerifier(): SignatureVerifier {
  return (processVerifier ??= secp256k1 ? libsecp256k1Verifier() : opensslVerifier())
}

/** What the host runs per payment: libsecp256k1 inline (cheaper than a thread hop), else OpenSSL off the event loop. */
export function payeeVerifier(): PayeeVerifier {
  if (secp256k1) {
    const check = nativeVerifier()
    return { engine: 'libsecp256k1', verify: ({ preimage, der, publicKey }) => check(preimage, der, publicKey) }
  }
  return { engine: 'openssl', verify: opensslAsyncVerifier() }
}

/**
 * libsecp256k1 over hash256(preimage). Its DER parser is strict and its verify refuses high S, like the chain.
 * Each key is handed to it uncompressed, converted once per key: the binding parses the key on every call, and parsing
 * a compressed key takes a square root, about 8 % of a verify (callgrind: 541k -> 496k instructions per verify).
 */
export function libsecp256k1Verifier(): SignatureVerifier {
  const binding = secp256k1
  if (!binding) throw new Error('libsecp256k1 is not available on this platform: the secp256k1 package has no binary for it.')
  const keys = new RecentCache<string, Uint8Array>(KEY_MEMO_LIMITS)
  // Throws on bytes that are no point on the curve: not kept, and not a valid signature.
  const keyFor = (publicKeyHex: string): Uint8Array => keys.memo(publicKeyHex, () => binding.publicKeyConvert(Buffer.from(publicKeyHex, 'hex'), false))
  return (preimage, derSignature, publicKeyHex) => {
    try {
      return binding.ecdsaVerify(binding.signatureImport(derSignature), nativeHash256(preimage), keyFor(publicKeyHex))
    } catch {
      // An unparsable key or signature is simply not a valid signature.
      return false
    }
  }
}

/**
 * OpenSSL over hash256(preimage): `crypto.verify('sha256', sha256(preimage), ...)` lets OpenSSL apply the second
 * SHA-256. Imported keys are cached per public key: importing costs about as much as verifying.
 */
export function opensslVerifier(): SignatureVerifier {
  const inputsFor = opensslInputs()
  return (preimage, derSignature, publicKeyHex) => {
    try {
      const { digest, key } = inputsFor(preimage, publicKeyHex)
      return verify('sha256', digest, key, derSignature)
    } catch {
      return false
    }
  }
}

/** The OpenSSL check on libuv's thread pool, so the event loop keeps serving segments meanwhile. */
function opensslAsyncVerifier(): (signature: PendingSignature) => Promise<boolean> {
  const inputsFor = opensslInputs()
  return ({ preimage, der, publicKey }) =>
    new Promise((resolve) => {
      try {
        const { digest, key } = inputsFor(preimage, publicKey)
        verify('sha256', digest, key, der, (error, valid) => resolve(!error && valid))
      } catch {
        resolve(false)
      }
    })
}

/** What OpenSSL verifies: sha256(preimage), and the key imported once. Throws on a key that cannot be imported. */
function opensslInputs(): (preimage: Uint8Array, publicKeyHex: string) => { digest: Buffer; key: KeyObject } {
  const keyFor = keyCache()
  return (preimage, publicKeyHex) => ({ digest: createHash('sha256').update(preimage).digest(), key: keyFor(publicKeyHex) })
}

function keyCache(): (publicKeyHex: string) => KeyObject {
  const keys = new RecentCache<string, KeyObject>(KEY_MEMO_LIMITS)
  return (publicKeyHex) =>
    keys.memo(publicKeyHex, () => createPublicKey({ key: Buffer.concat([SPKI_SECP256K1_COMPRESSED_PREFIX, Buffer.from(publicKeyHex, 'hex')]), format: 'der', type: 'spki' }))
}

/** Double SHA-256 through OpenSSL's one-shot digest: the payee's txid and sighash hashing, no Hash objects per call. */
export function nativeHash256(bytes: Uint8Array): Uint8Array {
  return hash('sha256', hash('sha256', bytes, 'buffer'), 'buffer')
}
