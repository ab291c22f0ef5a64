// The viewer's view of one channel, as pure functions: the same code drives the browser player and the Node
// viewer fleet. The payer signs only updates built here (and its own refund), never past its cap, and never more
// than one segment ahead of what it has received. Isomorphic: no Node-only imports.
import type { PrivateKey, Transaction } from '@bsv/sdk'
import { isFundingLoss, type CloseReason, type FeeRate, type LastUpdate, type OpenRequest, type RejectCode, type Rejection, type Reply, type Terms, type UpdateAccepted } from '../../protocol/messages.ts'
import type { PaymentRequiredBody } from '../../protocol/paywall.ts'
import { closeFee } from '../../protocol/fees.ts'
import { ChannelMultisig, scriptBytesOfHex } from '../../protocol/scripts.ts'
import { sdkVerifier } from '../../protocol/signature.ts'
import { readPayerSignature } from '../../protocol/payer-signature.ts'
import {
  buildFunding,
  buildRefund,
  buildUpdate,
  completeChannelSpend,
  signChannelInput,
  verifyWithInterpreter,
  withPayerSignature,
  type FundingOutpoint,
  type SpendableUtxo,
} from '../../protocol/transactions.ts'
import { bytesEqual, hexToBytes, outpointBytes, parseRawTx } from '../../protocol/raw-tx.ts'

export interface PayerChannel {
  /** Assigned by the host when it accepts the open request. */
  channelId: string | null
  payerPublicKey: string
  /** The host's channel key: it co-signs the 2-of-2. */
  payeePublicKey: string
  /** What output 0 of every update pays (the host's payout address, from the terms at opening), P2PKH hex. */
  payoutScript: string
  funding: FundingOutpoint
  /** The close fee, fixed at opening. */
  fee: number
  /** The refund's nLockTime (block height). */
  lockTime: number
  /** The most the viewer agreed to spend in this channel, tips included. */
  cap: number
  /** Cumulative amount of the last signed update, tips included. */
  paid: number
  tips: number
  sequence: number
  /** Segment key (protocol/hls/segment-key.ts) -> price paid for it. */
  paidSegments: Record<string, number>
  /** A segment paid for but not yet received: nothing else is paid until it arrives. */
  awaitingDelivery: string | null
  lastTx: string | null
}

export type PayerVerdict =
  | { ok: true; channel: PayerChannel; tx: string }
  | { ok: false; reason: 'over_cap' | 'awaiting_delivery' | 'over_capacity'; message: string }

/** The capacity to lock for a spending cap: cap + close fee, clamped to the host's range. Throws if the cap cannot fit. */
export function planChannel(p: { cap: number; feeRate: FeeRate; minCapacity: number; maxCapacity: number }): { capacity: number } {
  if (!Number.isSafeInteger(p.cap) || p.cap < 1) throw new Error(`the spending cap must be a positive whole number of satoshis, got ${p.cap}`)
  const fee = closeFee(p.feeRate)
  const wanted = p.cap + fee
  if (wanted > p.maxCapacity) {
    throw new Error(`a cap of ${p.cap} sat needs a channel of ${wanted} sat (cap + ${fee} fee); this host accepts at most ${p.maxCapacity} sat, so the cap can be at most ${Math.max(0, p.maxCapacity - fee)} sat`)
  }
  return { capacity: Math.max(wanted, p.minCapacity) }
}

/**
 * Builds everything for opening: the signed funding tx (not to be broadcast before the refund is co-signed), and the
 * refund signed by the payer only (`OP_0 <payerSig>`; send `refund.toHex()` as the open request's refundTx). The same
 * coins, cap and `fundingLockTime` make the same funding, and so the same outpoint, which a host lets back one channel
 * only: a new open after a refused one needs another `fundingLockTime` (channel-opening.ts draws one per open).
 */
export function openPayerChannel(p: { payerKey: PrivateKey; terms: Terms; cap: number; utxos: SpendableUtxo[]; fundingLockTime?: number }): {
  channel: PayerChannel
  /** The `open` message that offers this channel to the host. */
  request: OpenRequest
  fundingHex: string
  refund: Transaction
  refundPayerSignature: string
} {
  const { terms } = p
  const { capacity } = planChannel({ cap: p.cap, feeRate: terms.feeRate, minCapacity: terms.minCapacity, maxCapacity: terms.maxCapacity })
  const payerPublicKey = p.payerKey.toPublicKey().toString()
  const parties = { payerPublicKey, payeePublicKey: terms.payeePublicKey }
  const funded = buildFunding({ payerKey: p.payerKey, payeePublicKey: terms.payeePublicKey, capacity, utxos: p.utxos, feeRate: terms.feeRate, lockTime: p.fundingLockTime })
  const funding: FundingOutpoint = { txid: funded.txid, vout: funded.vout, satoshis: capacity }
  const lockTime = terms.height + terms.lifetimeBlocks
  const unsignedRefund = buildRefund({ ...parties, funding, lockTime, feeRate: terms.feeRate })
  const refundPayerSignature = signChannelInput(unsignedRefund, funding, parties, p.payerKey)
  const channel: PayerChannel = {
    channelId: null,
    ...parties,
    payoutScript: terms.payoutScript,
    funding,
    fee: closeFee(terms.feeRate),
    lockTime,
    cap: p.cap,
    paid: 0,
    tips: 0,
    sequence: 0,
    paidSegments: {},
    awaitingDelivery: null,
    lastTx: null,
  }
  const refund = withPayerSignature(unsignedRefund, refundPayerSignature)
  const request: OpenRequest = {
    payerPublicKey,
    fundingTxid: funding.txid,
    fundingVout: funding.vout,
    capacity,
    refundTx: refund.toHex(),
    payoutScript: terms.payoutScript,
  }
  return { channel, request, fundingHex: funded.hex, refund, refundPayerSignature }
}

/** Completes the refund with the host's co-signature and runs the full interpreter: only then may funding go out. */
export function acceptRefund(channel: PayerChannel, refund: Transaction, payerSig: string, payeeSig: string): { ok: true; refundHex: string } | { ok: false; message: string } {
  const parties = { payerPublicKey: channel.payerPublicKey, payeePublicKey: channel.payeePublicKey }
  let complete: Transaction
  try {
    complete = completeChannelSpend(refund, payerSig, payeeSig)
  } catch (error) {
    return { ok: false, message: `cannot assemble the refund: ${error instanceof Error ? error.message : String(error)}` }
  }
  const verdict = verifyWithInterpreter(complete, channel.funding, new ChannelMultisig().lock(parties.payerPublicKey, parties.payeePublicKey))
  if (!verdict.ok) return { ok: false, message: `the co-signed refund is not valid: ${verdict.message}` }
  if (complete.lockTime !== channel.lockTime) return { ok: false, message: `the refund's nLockTime ${complete.lockTime} is not the agreed ${channel.lockTime}` }
  return { ok: true, refundHex: complete.toHex() }
}

export function isPaid(ch: PayerChannel, segmentPath: string): boolean {
  return Object.prototype.hasOwnProperty.call(ch.paidSegments, segmentPath)
}

/** What can still be signed: up to the cap, and up to what the channel holds after the close fee. */
export function spendable(ch: PayerChannel): number {
  return Math.max(0, Math.min(ch.cap, ch.funding.satoshis - ch.fee) - ch.paid)
}

/** Checks a new cumulative total against the cap and the capacity; null when it may be signed. */
function limitProblem(ch: PayerChannel, amount: number, fee: number): PayerVerdict | null {
  const next = ch.paid + amount
  if (next > ch.cap) return { ok: false, reason: 'over_cap', message: `paying ${amount} sat would bring the total to ${next}, over the cap of ${ch.cap}` }
  const carries = ch.funding.satoshis - fee
  if (next > carries) return { ok: false, reason: 'over_capacity', message: `paying ${amount} sat would bring the total to ${next}; this channel carries at most ${carries}` }
  return null
}

function signedUpdate(ch: PayerChannel, key: PrivateKey, paid: number, feeRate: FeeRate): string {
  const parties = { payerPublicKey: ch.payerPublicKey, payeePublicKey: ch.payeePublicKey }
  const update = buildUpdate({ ...parties, funding: ch.funding, paid, feeRate, payoutScript: ch.payoutScript })
  return withPayerSignature(update, signChannelInput(update, ch.funding, parties, key)).toHex()
}

function requirePositiveAmount(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 1) throw new Error(`${what} must be a positive whole number of satoshis, got ${amount}`)
}

/**
 * Signs the update paying for one segment. Callers skip segments for which isPaid() holds. Refuses past the cap,
 * past the capacity, and while a paid segment has not been delivered.
 */
export function signSegment(ch: PayerChannel, key: PrivateKey, segmentPath: string, price: number, feeRate: FeeRate): PayerVerdict {
  requirePositiveAmount(price, 'a segment price')
  if (ch.awaitingDelivery !== null) {
    return { ok: false, reason: 'awaiting_delivery', message: `${ch.awaitingDelivery} was paid for but not delivered yet` }
  }
  const problem = limitProblem(ch, price, closeFee(feeRate))
  if (problem !== null) return problem
  const paid = ch.paid + price
  const tx = signedUpdate(ch, key, paid, feeRate)
  const channel: PayerChannel = {
    ...ch,
    paid,
    sequence: ch.sequence + 1,
    paidSegments: { ...ch.paidSegments, [segmentPath]: price },
    awaitingDelivery: segmentPath,
    lastTx: tx,
  }
  return { ok: true, channel, tx }
}

/** Signs an update adding a tip. Tips count against the cap like segments do. */
export function signTip(ch: PayerChannel, key: PrivateKey, amount: number, feeRate: FeeRate): PayerVerdict {
  requirePositiveAmount(amount, 'a tip')
  const problem = limitProblem(ch, amount, closeFee(feeRate))
  if (problem !== null) return problem
  const paid = ch.paid + amount
  const tx = signedUpdate(ch, key, paid, feeRate)
  return { ok: true, channel: { ...ch, paid, tips: ch.tips + amount, sequence: ch.sequence + 1, lastTx: tx }, tx }
}

/** The paid segment arrived: the next one may be paid. */
export function markDelivered(ch: PayerChannel, segmentPath: string): PayerChannel {
  return ch.awaitingDelivery === segmentPath ? { ...ch, awaitingDelivery: null } : ch
}

/**
 * After a 402 or a resume, adopt the host's last accepted update, but only if it is one of ours: it spends our
 * funding, pays the host exactly `paid`, and carries our valid signature. When the host has less than we signed,
 * the update in flight never arrived: the segment awaiting delivery counts as unpaid again (re-signing a higher
 * cumulative total for it gives the host nothing it could combine, since only one update can ever settle).
 */
export function resyncFrom(ch: PayerChannel, last: { sequence: number; paid: number; tx: string } | null): PayerChannel {
  const rollBackInFlight = (paid: number): Pick<PayerChannel, 'paidSegments' | 'awaitingDelivery'> => {
    if (paid >= ch.paid || ch.awaitingDelivery === null) return { paidSegments: ch.paidSegments, awaitingDelivery: ch.awaitingDelivery }
    const { [ch.awaitingDelivery]: _unpaid, ...rest } = ch.paidSegments
    return { paidSegments: rest, awaitingDelivery: null }
  }
  if (last === null) {
    return { ...ch, ...rollBackInFlight(0), paid: 0, tips: 0, sequence: 0, lastTx: null }
  }
  if (!isOurUpdate(ch, last.tx, last.paid)) return ch
  return { ...ch, ...rollBackInFlight(last.paid), paid: last.paid, tips: Math.min(ch.tips, last.paid), sequence: last.sequence, lastTx: last.tx.toLowerCase() }
}

function isOurUpdate(ch: PayerChannel, txHex: string, paid: number): boolean {
  try {
    const bytes = hexToBytes(txHex)
    const raw = parseRawTx(bytes)
    if (raw.inputs.length !== 1 || !bytesEqual(raw.inputs[0].outpoint, outpointBytes(ch.funding.txid, ch.funding.vout))) return false
    const first = raw.outputs[0]
    if (first === undefined || first.satoshis !== paid || !bytesEqual(first.script, scriptBytesOfHex(ch.payoutScript))) return false
    const signature = readPayerSignature(bytes, raw, { ...ch, capacity: ch.funding.satoshis })
    return signature.ok && sdkVerifier(signature.preimage, signature.der, ch.payerPublicKey)
  } catch {
    return false
  }
}

/**
 * Raises (or lowers) the spending cap. Within what the channel carries (capacity - fee) that is all; beyond it the
 * cap stops at what the channel carries and needsNewChannel tells the caller to settle this one and open another.
 */
export function raiseCap(ch: PayerChannel, newCap: number): { channel: PayerChannel; needsNewChannel: boolean } {
  if (!Number.isSafeInteger(newCap) || newCap < 0) throw new Error(`the cap must be a whole number of satoshis, got ${newCap}`)
  const carries = ch.funding.satoshis - ch.fee
  if (newCap <= carries) return { channel: { ...ch, cap: newCap }, needsNewChannel: false }
  return { channel: { ...ch, cap: Math.max(ch.cap, carries) }, needsNewChannel: true }
}

// ---------------------------------------------------------------------------------------------------------------
// Reactions to the host's replies: what each answer means for the channel, decided here so the session only acts.

/** The host no longer has the channel open: why, as the viewer's summary will say; null for any other refusal. */
export function endedBy(code: RejectCode): CloseReason | null {
  if (isFundingLoss(code)) return code
  if (code === 'channel_not_open' || code === 'unknown_channel') return 'idle'
  return code === 'host_stopped' ? 'host_stopped' : null
}

export type UpdateReaction =
  /** Accepted: the signed channel is the channel now. */
  | { kind: 'paid'; channel: PayerChannel }
  /** The host counts the segment as paid already (our record of it was lost): fetch it for free. */
  | { kind: 'already_paid'; channel: PayerChannel }
  /** Our running total differs from the host's: adopt its last update and sign again (once). */
  | { kind: 'resync' }
  | { kind: 'ended'; reason: CloseReason; rejection: Rejection }
  | { kind: 'refused'; rejection: Rejection }

export function reactToUpdate(p: {
  channel: PayerChannel
  signed: PayerChannel
  segment: string
  price: number
  reply: Reply<UpdateAccepted>
  /** A resync was tried for this payment already: a second disagreement is a refusal. */
  resynced: boolean
}): UpdateReaction {
  const { reply } = p
  if (reply.ok) return { kind: 'paid', channel: p.signed }
  if (reply.code === 'replay') return { kind: 'already_paid', channel: { ...p.channel, paidSegments: { ...p.channel.paidSegments, [p.segment]: p.price } } }
  // Nothing to pay after all (the host counts it free with the programme or the preview): fetch it as it is.
  if (reply.code === 'not_priced') return { kind: 'already_paid', channel: p.channel }
  if ((reply.code === 'stale' || reply.code === 'underpaid') && !p.resynced) return { kind: 'resync' }
  return refusal(reply)
}

export type TipReaction = Extract<UpdateReaction, { kind: 'paid' | 'ended' | 'refused' }>

/** A tip's reply: accepted (the signed channel stands), or why not. */
export function reactToTip(signed: PayerChannel, reply: Reply<UpdateAccepted>): TipReaction {
  return reply.ok ? { kind: 'paid', channel: signed } : refusal(reply)
}

function refusal(rejection: Rejection): Extract<UpdateReaction, { kind: 'ended' | 'refused' }> {
  const reason = endedBy(rejection.code)
  return reason ? { kind: 'ended', reason, rejection } : { kind: 'refused', rejection }
}

/**
 * The channel after a resume: the host's last update is adopted, and a segment paid but never received counts as
 * delivered (after a reload the player has lost its buffer, and fetching a paid segment again is free).
 */
export function resumedChannel(ch: PayerChannel, last: LastUpdate | null): PayerChannel {
  return resyncFrom({ ...ch, awaitingDelivery: null }, last)
}

/**
 * After a 402 for one of our segments: adopt the host's last update, and when the host says the segment is unpaid,
 * forget our record of it so the next attempt pays. A 402 for another channel changes nothing.
 */
export function afterPaymentRequired(ch: PayerChannel, body: PaymentRequiredBody): PayerChannel {
  if (body.channelId !== ch.channelId) return ch
  const channel = resyncFrom(ch, body.lastUpdate)
  const { [body.segment]: _unpaid, ...paidSegments } = channel.paidSegments
  return { ...channel, paidSegments, awaitingDelivery: channel.awaitingDelivery === body.segment ? null : channel.awaitingDelivery }
}
