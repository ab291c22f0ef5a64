// The host's private key, signing through libsecp256k1: a refund co-signature or a close costs about 50 µs instead of
// the SDK's ~2 ms of pure JS. It is an @bsv/sdk PrivateKey in every other respect, so the builders that sign with a
// PrivateKey (protocol/transactions.ts) use it unchanged. Deterministic nonces (RFC 6979) and low S, like the SDK's.
import { createHash } from 'node:crypto'
import { BigNumber, PrivateKey, Signature } from '@bsv/sdk'
import { libsecp256k1 } from './libsecp256k1.ts'

class NativeSigningKey extends PrivateKey {
  override sign(msg: number[] | string, enc?: 'hex' | 'utf8', forceLowS = true, customK?: Parameters<PrivateKey['sign']>[3]): Signature {
    if (!libsecp256k1 || typeof msg === 'string' || enc !== undefined || !forceLowS || customK !== undefined) return super.sign(msg, enc, forceLowS, customK)
    // PrivateKey.sign hashes its message once more before signing; so does this.
    const digest = createHash('sha256').update(Uint8Array.from(msg)).digest()
    const { signature } = libsecp256k1.ecdsaSign(digest, Uint8Array.from(this.toArray('be', 32)))
    return new Signature(new BigNumber(Array.from(signature.subarray(0, 32))), new BigNumber(Array.from(signature.subarray(32))))
  }
}

/** The key for `hex` (32 bytes), signing natively where libsecp256k1 has a binary, through the SDK elsewhere. */
export function signingKeyFromHex(hex: string): PrivateKey {
  return new NativeSigningKey(hex, 16)
}
