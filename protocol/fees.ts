// Fees for the channel's transactions. Isomorphic.
// Payer and payee must agree on the close fee without talking, so it is a pure function of the fee rate and the
// worst-case size of the fully signed 2-output close transaction.
import type { FeeRate } from './messages.ts'

/** The rate @bsv/sdk and 2026 tooling fall back to when ARC's policy cannot be read: 100 sat/kB. */
export const DEFAULT_FEE_RATE: FeeRate = { satoshis: 100, bytes: 1000 }

/** Largest checksig signature: 72 bytes of DER (33-byte R with a pad byte, 32-byte S) + 1 sighash byte, rounded up. */
export const MAX_CHECKSIG_BYTES = 73

/** A P2PKH output: 8 value + 1 length + 25 script. */
export const P2PKH_OUTPUT_BYTES = 34

/**
 * Worst-case size of the close (or any fully signed channel spend with 2 P2PKH outputs):
 * version 4 + input count 1 + [outpoint 36 + script length 1 + (OP_0 + 2 x (push + 73)) + sequence 4]
 * + output count 1 + 2 x 34 + nLockTime 4.
 */
export const CLOSE_TX_BYTES = 4 + 1 + (36 + 1 + (1 + 2 * (1 + MAX_CHECKSIG_BYTES)) + 4) + 1 + 2 * P2PKH_OUTPUT_BYTES + 4

/** A signed P2PKH input: outpoint 36 + length 1 + (push + 73 sig + push + 33 key) + sequence 4. */
export const P2PKH_INPUT_BYTES = 36 + 1 + (1 + MAX_CHECKSIG_BYTES + 1 + 33) + 4

/** ceil(bytes * satoshis / bytes-of-rate): never under the policy. */
export function feeFor(bytes: number, rate: FeeRate): number {
  return Math.ceil((bytes * rate.satoshis) / rate.bytes)
}

/** The per-channel fee of the close (and of the refund, which is smaller): both sides compute the same number. */
export function closeFee(rate: FeeRate): number {
  return feeFor(CLOSE_TX_BYTES, rate)
}
