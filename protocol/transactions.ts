// Builds, signs and checks the channel's transactions (Spillman construction, see docs/protocol.md).
// Isomorphic and synchronous: the browser player, the Node viewer fleet and the host all use this file.
//
// SDK Transaction objects cache their serialization, so nothing here mutates a transaction it was given:
// every change produces a new Transaction.
import { LockingScript, PrivateKey, Spend, Transaction, UnlockingScript, Utils } from '@bsv/sdk'
import type { FeeRate } from './messages.ts'
import { closeFee, feeFor, P2PKH_INPUT_BYTES, P2PKH_OUTPUT_BYTES } from './fees.ts'
import { signedP2pkhSpend } from './p2pkh-spend.ts'
import { ChannelMultisig, p2pkhLockingScript, payerReturnScript } from './scripts.ts'
import { CHANNEL_SIGHASH, type SignatureVerifier } from './signature.ts'
import { checkSignaturesWith } from './spend-signature-check.ts'
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
  /** Whose coins fell short: this device's key, or the viewer's own BRC-100 wallet (what they must top up differs). */
  readonly wallet: 'device' | 'brc100'
  constructor(needed: number, available: number, wallet: 'device' | 'brc100' = 'device') {
    super(`insufficient funds: need ${needed} satoshis (capacity + fee), have ${available}`)
    this.name = 'InsufficientFundsError'
    this.needed = needed
    this.available = available
    this.wallet = wallet
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
 * Its inputs are final, so `lockTime` (0 unless given) only tells fundings of the same coins apart: a host lets one
 * funding outpoint back one channel for life, so each open needs a funding of its own.
 */
export function buildFunding(p: { payerKey: PrivateKey; payeePublicKey: string; capacity: number; utxos: SpendableUtxo[]; feeRate: FeeRate; lockTime?: number }): {
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
  const tx = signedP2pkhSpend({ key: p.payerKey, utxos: selected, outputs, version: CHANNEL_TX_VERSION, lockTime: p.lockTime })
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
 * since the interpreter takes the outpoint from us and would not notice. `verify`, when given, does the curve math of
 * each channel signature (the host's libsecp256k1: faster, and no SDK table kept per viewer's key).
 */
export function verifyWithInterpreter(
  tx: Transaction,
  funding: FundingOutpoint,
  lockingScript: LockingScript,
  verify?: SignatureVerifier,
): { ok: true } | { ok: false; message: string } {
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
    if (verify) checkSignaturesWith(spend, verify)
    return spend.validate() ? { ok: true } : { ok: false, message: 'script evaluated to false' }
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) }
  }
}
