// Checks the shape of a payer's signature before any curve math: strict DER (BIP66), low S, sighash byte 0x41.
// OpenSSL (and so node:crypto) accepts non-strict DER and the high-S twin, which would make the update's txid
// malleable; the chain would refuse it. Isomorphic and pure.
import { BigNumber, ECDSA, Hash, PublicKey, Signature } from '@bsv/sdk'

/** SIGHASH_ALL | SIGHASH_FORKID: the only sighash the payer may use (Chronicle's 0x20 bit selects another digest). */
export const CHANNEL_SIGHASH = 0x41

/** secp256k1 order n, halved: the largest S a low-S signature may carry. */
const HALF_ORDER = hexBytes('7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0')

export type SignatureCheck =
  | { ok: true; der: Uint8Array }
  | { ok: false; code: 'bad_signature_encoding' | 'high_s' | 'wrong_sighash'; message: string }

/** Checks an ECDSA signature (DER, no sighash byte) over hash256(preimage) for a compressed public key. */
export type SignatureVerifier = (preimage: Uint8Array, derSignature: Uint8Array, publicKeyHex: string) => boolean

/**
 * The curve check both sides can run, in pure JS from @bsv/sdk: the viewer checks the host's echo of its own updates
 * with it, the host its refund. The host's per-payment check uses the native verifier (server/crypto/verify.ts).
 */
export const sdkVerifier: SignatureVerifier = (preimage, derSignature, publicKeyHex) => {
  try {
    const digest = new BigNumber(Hash.hash256(Array.from(preimage)))
    return ECDSA.verify(digest, Signature.fromDER(Array.from(derSignature)), PublicKey.fromString(publicKeyHex))
  } catch {
    return false
  }
}

export function checkPayerSignature(sigWithHashByte: Uint8Array): SignatureCheck {
  const encodingProblem = strictDerProblem(sigWithHashByte)
  if (encodingProblem !== null) return { ok: false, code: 'bad_signature_encoding', message: `signature is not strict DER: ${encodingProblem}` }
  const lenR = sigWithHashByte[3]
  const lenS = sigWithHashByte[5 + lenR]
  const s = sigWithHashByte.subarray(6 + lenR, 6 + lenR + lenS)
  if (!isLowS(s)) return { ok: false, code: 'high_s', message: 'signature S is above n/2 (use the low-S form)' }
  const hashByte = sigWithHashByte[sigWithHashByte.length - 1]
  if (hashByte !== CHANNEL_SIGHASH) {
    return { ok: false, code: 'wrong_sighash', message: `sighash byte must be 0x41 (ALL|FORKID), got 0x${hashByte.toString(16).padStart(2, '0')}` }
  }
  return { ok: true, der: sigWithHashByte.subarray(0, sigWithHashByte.length - 1) }
}

/** BIP66 IsValidSignatureEncoding, over DER + sighash byte. Returns what is wrong, or null. */
function strictDerProblem(sig: Uint8Array): string | null {
  const len = sig.length
  if (len < 9 || len > 73) return `length ${len} outside 9..73`
  if (sig[0] !== 0x30) return 'not a DER sequence'
  if (sig[1] !== len - 3) return 'sequence length does not match'
  const lenR = sig[3]
  if (5 + lenR >= len) return 'R length runs past the end'
  const lenS = sig[5 + lenR]
  if (lenR + lenS + 7 !== len) return 'R and S lengths do not add up'
  if (sig[2] !== 0x02) return 'R is not an integer'
  if (lenR === 0) return 'R is empty'
  if ((sig[4] & 0x80) !== 0) return 'R is negative'
  if (lenR > 1 && sig[4] === 0x00 && (sig[5] & 0x80) === 0) return 'R has excess padding'
  if (sig[lenR + 4] !== 0x02) return 'S is not an integer'
  if (lenS === 0) return 'S is empty'
  if ((sig[lenR + 6] & 0x80) !== 0) return 'S is negative'
  if (lenS > 1 && sig[lenR + 6] === 0x00 && (sig[lenR + 7] & 0x80) === 0) return 'S has excess padding'
  return null
}

/** 1 <= S <= n/2, comparing big-endian magnitudes (S is a minimal DER integer, so at most one leading zero). */
function isLowS(s: Uint8Array): boolean {
  let start = 0
  while (start < s.length && s[start] === 0) start++
  const digits = s.length - start
  if (digits === 0) return false
  if (digits !== HALF_ORDER.length) return digits < HALF_ORDER.length
  for (let i = 0; i < digits; i++) {
    const a = s[start + i]
    const b = HALF_ORDER[i]
    if (a !== b) return a < b
  }
  return true
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}
