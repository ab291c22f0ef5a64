// The host's view of one channel, as pure functions: a channel value and a message in, a verdict and the next
// channel value out. No I/O: channel-transitions.ts builds a payment's whole next record on inspectUpdate, and the
// payment path (payments.ts) persists it before serving what it pays for.
// Checks follow docs/protocol.md "What the host checks on every update", each failure with its own RejectCode.
import { Hash, PrivateKey, Transaction } from '@bsv/sdk'
import type { FeeRate, RejectCode } from '../../protocol/messages.ts'
import { closeFee, feeFor, MAX_CHECKSIG_BYTES } from '../../protocol/fees.ts'
import { ChannelMultisig, channelScriptBytes, isDataCarrier, p2pkhScriptBytes, scriptBytesOfHex } from '../../protocol/scripts.ts'
import { sdkVerifier, type SignatureVerifier } from '../../protocol/signature.ts'
import { readPayerSignature } from '../../protocol/payer-signature.ts'
import {
  CHANNEL_TX_VERSION,
  completeChannelSpend,
  DUST_LIMIT,
  FINAL_SEQUENCE,
  payerSignatureOf,
  signChannelInput,
  verifyWithInterpreter,
  type FundingOutpoint,
} from '../../protocol/transactions.ts'
import {
  bytesEqual,
  bytesToHex,
  hexToBytes,
  outpointBytes,
  parseRawTx,
  txidOf,
  type Hash256,
  type RawTx,
} from '../../protocol/raw-tx.ts'

export interface PayeeChannel {
  id: string
  payerPublicKey: string
  /** Where the viewer's share goes, byte for byte: every update's change (P2PKH hex). Absent: the P2PKH of payerPublicKey. */
  payerScript?: string
  /** The channel key: co-signs the 2-of-2. */
  payeePublicKey: string
  /** What output 0 must pay, byte for byte: the payout script agreed at opening (P2PKH hex). */
  payoutScript: string
  fundingTxid: string
  fundingVout: number
  capacity: number
  /** The per-channel close fee both sides derived from the fee rate at opening. */
  fee: number
  /** The refund's nLockTime: the payee must settle before this height. */
  lockTime: number
  /** Number of accepted updates. */
  sequence: number
  /** Cumulative amount of the last accepted update (tips included). */
  paid: number
  tips: number
  lastTx: string | null
  lastTxid: string | null
}

export interface InspectionContext {
  height: number
  feeRate: FeeRate
  /** Blocks before the refund's nLockTime from which updates are refused and the channel must settle. */
  deadlineMargin: number
  /** Optional faster double SHA-256 (server/crypto/verify.ts nativeHash256); defaults to the SDK's. */
  hash256?: Hash256
}

export interface UpdateContext extends InspectionContext {
  verify: SignatureVerifier
}

/** What is left to check once every other rule passed: the payer's ECDSA signature over the BIP143 digest. */
export interface PendingSignature {
  preimage: Uint8Array
  der: Uint8Array
  publicKey: string
}

export type Inspection = Verdict<{ channel: PayeeChannel; txid: string; increment: number; signature: PendingSignature }>

export type Verdict<T> = ({ ok: true } & T) | { ok: false; code: RejectCode; message: string }

/** An update's fee must not exceed this many close fees: more is a payer mistake the host should not sign for. */
export const ABSURD_FEE_FACTOR = 10

function reject(code: RejectCode, message: string): { ok: false; code: RejectCode; message: string } {
  return { ok: false, code, message }
}

/**
 * Checks one update against the channel. On success returns the next channel value (sequence + 1, paid = Pk,
 * lastTx/lastTxid set), the update's txid and how much it added. Tips, segments and seconds are channel-transitions.ts'.
 */
export function checkUpdate(
  ch: PayeeChannel,
  txHex: string,
  minimumIncrement: number,
  ctx: UpdateContext,
): Verdict<{ channel: PayeeChannel; txid: string; increment: number }> {
  const inspection = inspectUpdate(ch, txHex, minimumIncrement, ctx)
  if (!inspection.ok) return inspection
  const { preimage, der, publicKey } = inspection.signature
  let valid: boolean
  try {
    valid = ctx.verify(preimage, der, publicKey)
  } catch {
    valid = false
  }
  if (!valid) return reject(BAD_SIGNATURE.code, BAD_SIGNATURE.message)
  return { ok: true, channel: inspection.channel, txid: inspection.txid, increment: inspection.increment }
}

/** The verdict for an update whose signature does not verify, shared by the synchronous and the deferred check. */
export const BAD_SIGNATURE = { code: 'bad_signature', message: "the signature does not verify for the viewer's key" } as const

/**
 * Every check of checkUpdate except the elliptic-curve verification itself, which is returned for the caller to run
 * (the host runs it off the event loop). The deadline is checked before the signature here: both must pass anyway.
 */
export function inspectUpdate(ch: PayeeChannel, txHex: string, minimumIncrement: number, ctx: InspectionContext): Inspection {
  // 1. It parses, and is not the update we already accepted.
  let bytes: Uint8Array
  let raw: RawTx
  try {
    bytes = hexToBytes(txHex)
    raw = parseRawTx(bytes)
  } catch (error) {
    return reject('malformed', `update does not parse: ${error instanceof Error ? error.message : String(error)}`)
  }
  const txid = txidOf(bytes, ctx.hash256)
  if (txid === ch.lastTxid) return reject('replay', `update ${txid} was already accepted`)
  const paid = raw.outputs.length > 0 ? raw.outputs[0].satoshis : 0
  if (paid <= ch.paid) return reject('stale', `update pays ${paid}, not more than the ${ch.paid} already accepted`)

  // 2. Shape of the single input.
  if (raw.version !== CHANNEL_TX_VERSION) return reject('wrong_version', `version must be 1, got ${raw.version}`)
  if (raw.inputs.length !== 1) return reject('wrong_input_count', `exactly one input expected, got ${raw.inputs.length}`)
  const input = raw.inputs[0]
  if (!bytesEqual(input.outpoint, outpointBytes(ch.fundingTxid, ch.fundingVout))) {
    return reject('wrong_outpoint', `input must spend the funding output ${ch.fundingTxid}:${ch.fundingVout}`)
  }
  if (input.sequence !== FINAL_SEQUENCE) return reject('wrong_sequence', `nSequence must be 0xffffffff, got 0x${input.sequence.toString(16)}`)
  if (raw.lockTime !== 0) return reject('wrong_locktime', `nLockTime must be 0, got ${raw.lockTime}`)

  // 3. Outputs, byte for byte against the agreed scripts.
  if (!bytesEqual(raw.outputs[0].script, scriptBytesOfHex(ch.payoutScript))) {
    return reject('wrong_payee_script', "output 0 must pay the host's payout script agreed when the channel opened")
  }
  const payerScript = ch.payerScript === undefined ? p2pkhScriptBytes(ch.payerPublicKey) : scriptBytesOfHex(ch.payerScript)
  let payerOutput: number | null = null
  const extras: number[] = []
  for (let i = 1; i < raw.outputs.length; i++) {
    const output = raw.outputs[i]
    if (payerOutput === null && bytesEqual(output.script, payerScript)) payerOutput = output.satoshis
    else if (i === 1 && !isDataCarrier(output.script)) return reject('wrong_payer_script', "output 1 must return change to the viewer's agreed P2PKH script")
    else extras.push(i)
  }
  if (payerOutput !== null && payerOutput < DUST_LIMIT) return reject('payer_output_dust', `the viewer's output carries ${payerOutput} sat, below the 1 sat dust limit`)
  const onlyCarrier = extras.length === 1 && raw.outputs[extras[0]].satoshis === 0 && isDataCarrier(raw.outputs[extras[0]].script)
  if (extras.length > 1 || (extras.length === 1 && !onlyCarrier)) {
    return reject('extra_output', `unexpected output ${extras[extras.length - 1]}: only one optional 0-sat OP_RETURN may follow`)
  }

  // 4. Amounts.
  if (paid < ch.paid + minimumIncrement) {
    return reject('underpaid', `update pays ${paid}, needs at least ${ch.paid + minimumIncrement} (${ch.paid} + ${minimumIncrement})`)
  }
  let total = 0
  for (const output of raw.outputs) total += output.satoshis
  if (total > ch.capacity) return reject('over_capacity', `outputs sum to ${total}, more than the capacity ${ch.capacity}`)

  // 5. Fee: enough for the close once the payee's signature is added, and not absurd.
  const fee = ch.capacity - total
  const minimumFee = feeFor(bytes.length + 1 + MAX_CHECKSIG_BYTES, ctx.feeRate)
  if (fee < minimumFee) return reject('fee_too_low', `implied fee ${fee} is below ${minimumFee} for the signed close`)
  const maximumFee = ABSURD_FEE_FACTOR * Math.max(ch.fee, closeFee(ctx.feeRate))
  if (fee > maximumFee) return reject('fee_too_high', `implied fee ${fee} is above ${maximumFee}`)

  // 7 (of the facts doc). Time: past the margin the host stops serving and settles with what it has.
  if (ctx.height >= ch.lockTime - ctx.deadlineMargin) {
    return reject('past_deadline', `height ${ctx.height} is within ${ctx.deadlineMargin} blocks of the refund's nLockTime ${ch.lockTime}`)
  }

  // 6. The payer's signature: shape here (the chain's rules); the curve is the caller's last step.
  const signature = readPayerSignature(bytes, raw, ch, ctx.hash256)
  if (!signature.ok) return reject(signature.code, signature.message)
  const channel: PayeeChannel = { ...ch, sequence: ch.sequence + 1, paid, lastTx: txHex.toLowerCase(), lastTxid: txid }
  return { ok: true, channel, txid, increment: paid - ch.paid, signature: { preimage: signature.preimage, der: signature.der, publicKey: ch.payerPublicKey } }
}

/**
 * Checks the payer-signed refund before the channel opens and returns the payee's co-signature. The refund is the
 * payer's only protection, so the host signs only this exact shape: version 1, the funding outpoint as the only
 * input, non-final nSequence (so nLockTime binds), nLockTime within tolerance of what was offered, one P2PKH output
 * to the payer.
 */
export function checkRefundAndCosign(p: {
  payerPublicKey: string
  /** The script the refund must pay, P2PKH hex. Absent: the P2PKH of payerPublicKey. */
  payerScript?: string
  payeeKey: PrivateKey
  fundingTxid: string
  fundingVout: number
  capacity: number
  refundHex: string
  expectedLockTime: number
  lockTimeTolerance: number
  feeRate: FeeRate
  /** The curve check of the payer's refund signature; the SDK's pure-JS one unless the caller has a faster one. */
  verify?: SignatureVerifier
}): Verdict<{ payeeSignature: string; lockTime: number }> {
  let bytes: Uint8Array
  let raw: RawTx
  try {
    bytes = hexToBytes(p.refundHex)
    raw = parseRawTx(bytes)
  } catch (error) {
    return reject('malformed', `refund does not parse: ${error instanceof Error ? error.message : String(error)}`)
  }
  const payeePublicKey = p.payeeKey.toPublicKey().toString()
  if (raw.version !== CHANNEL_TX_VERSION) return reject('bad_refund', `refund version must be 1, got ${raw.version}`)
  if (raw.inputs.length !== 1) return reject('bad_refund', `refund must have exactly one input, got ${raw.inputs.length}`)
  const input = raw.inputs[0]
  if (!bytesEqual(input.outpoint, outpointBytes(p.fundingTxid, p.fundingVout))) {
    return reject('bad_refund', `refund must spend the funding output ${p.fundingTxid}:${p.fundingVout}`)
  }
  if (input.sequence === FINAL_SEQUENCE) return reject('bad_refund', 'refund nSequence must be below 0xffffffff, or its nLockTime is ignored')
  if (raw.lockTime >= 500_000_000 || Math.abs(raw.lockTime - p.expectedLockTime) > p.lockTimeTolerance) {
    return reject('bad_refund', `refund nLockTime ${raw.lockTime} is not within ${p.lockTimeTolerance} blocks of ${p.expectedLockTime}`)
  }
  if (raw.outputs.length !== 1 || !bytesEqual(raw.outputs[0].script, p.payerScript === undefined ? p2pkhScriptBytes(p.payerPublicKey) : scriptBytesOfHex(p.payerScript))) {
    return reject('bad_refund', "refund must have exactly one output, to the viewer's agreed P2PKH script")
  }
  const amount = raw.outputs[0].satoshis
  if (amount < DUST_LIMIT || amount > p.capacity) return reject('bad_refund', `refund amount ${amount} must be within 1..${p.capacity}`)
  const signature = readPayerSignature(bytes, raw, { payerPublicKey: p.payerPublicKey, payeePublicKey, capacity: p.capacity })
  if (!signature.ok) return reject('bad_refund', `refund: ${signature.message}`)
  const { preimage, der } = signature
  if (!(p.verify ?? sdkVerifier)(preimage, der, p.payerPublicKey)) return reject('bad_refund', "the refund's signature does not verify for the viewer's key")
  // Same digest the payer signed: the payee's signature completes the 2-of-2 on this exact refund.
  const payeeSignature = p.payeeKey.sign(Hash.sha256(Array.from(preimage)), undefined, true)
  return { ok: true, payeeSignature: bytesToHex([...(payeeSignature.toDER() as number[]), 0x41]), lockTime: raw.lockTime }
}

/** The funding tx the viewer broadcasts must be version 1, have the announced txid, and lock exactly C in the 2-of-2. */
export function checkFunding(p: {
  fundingHex: string
  fundingTxid: string
  fundingVout: number
  capacity: number
  payerPublicKey: string
  payeePublicKey: string
}): Verdict<{}> {
  let bytes: Uint8Array
  let raw: RawTx
  try {
    bytes = hexToBytes(p.fundingHex)
    raw = parseRawTx(bytes)
  } catch (error) {
    return reject('malformed', `funding does not parse: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (raw.version !== CHANNEL_TX_VERSION) return reject('bad_funding', `funding version must be 1, got ${raw.version}`)
  const txid = txidOf(bytes)
  if (txid !== p.fundingTxid) return reject('bad_funding', `funding txid is ${txid}, announced ${p.fundingTxid}`)
  const output = raw.outputs[p.fundingVout]
  if (output === undefined) return reject('bad_funding', `funding has no output ${p.fundingVout}`)
  if (!bytesEqual(output.script, channelScriptBytes(p.payerPublicKey, p.payeePublicKey))) {
    return reject('bad_funding', `funding output ${p.fundingVout} is not the agreed 2-of-2 script`)
  }
  if (output.satoshis !== p.capacity) return reject('bad_funding', `funding output holds ${output.satoshis}, announced capacity ${p.capacity}`)
  return { ok: true }
}

/**
 * The close: the last accepted update with the payee's signature added, checked once by the full interpreter
 * before anyone broadcasts it. Refuses when nothing was paid (the viewer's refund covers that case).
 */
export function buildClose(ch: PayeeChannel, payeeKey: PrivateKey, verify?: SignatureVerifier): Verdict<{ hex: string; txid: string }> {
  if (ch.lastTx === null || ch.paid <= 0) return reject('underpaid', 'nothing was paid: there is no update to close with')
  if (payeeKey.toPublicKey().toString() !== ch.payeePublicKey) return reject('internal', "the key given is not this channel's payee key")
  const funding: FundingOutpoint = { txid: ch.fundingTxid, vout: ch.fundingVout, satoshis: ch.capacity }
  const parties = { payerPublicKey: ch.payerPublicKey, payeePublicKey: ch.payeePublicKey }
  let update: Transaction
  try {
    update = Transaction.fromHex(ch.lastTx)
  } catch (error) {
    return reject('internal', `stored update does not parse: ${error instanceof Error ? error.message : String(error)}`)
  }
  const payerSignature = payerSignatureOf(update)
  if (payerSignature === null) return reject('internal', 'stored update carries no payer signature')
  const payeeSignature = signChannelInput(update, funding, parties, payeeKey)
  const close = completeChannelSpend(update, bytesToHex(payerSignature), payeeSignature)
  const verdict = verifyWithInterpreter(close, funding, new ChannelMultisig().lock(ch.payerPublicKey, ch.payeePublicKey), verify)
  if (!verdict.ok) return reject('internal', `close fails the script interpreter: ${verdict.message}`)
  return { ok: true, hex: close.toHex(), txid: close.id('hex') }
}
