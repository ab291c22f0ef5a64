// The viewer's view of one channel, as pure functions: the same code drives the browser player and the Node
// viewer fleet. The payer signs only updates built here (and its own refund), never past its cap, and never more
// than one segment ahead of what it has received. Isomorphic: no Node-only imports.
import type { PrivateKey, Transaction } from '@bsv/sdk'
import { type CloseReason, type FeeRate, type LastUpdate, type RejectCode, type Rejection, type Reply, type UpdateAccepted } from '../../protocol/messages.ts'
import { isFundingLoss } from '../../protocol/funding-loss.ts'
import type { PaymentRequiredBody } from '../../protocol/paywall.ts'
import { closeFee } from '../../protocol/fees.ts'
import { scriptBytesOfHex } from '../../protocol/scripts.ts'
import { CHANNEL_SIGHASH, sdkVerifier } from '../../protocol/signature.ts'
import { signPreimage } from '../../protocol/signing.ts'
import { readPayerSignature } from '../../protocol/payer-signature.ts'
import { buildUpdate, channelSighashPreimage, withPayerSignature, type FundingOutpoint } from '../../protocol/transactions.ts'
import { bytesEqual, bytesToHex, hexToBytes, outpointBytes, parseRawTx } from '../../protocol/raw-tx.ts'
import type { WalletChannelKeys } from './wallet-keys.ts'

export interface PayerChannel {
  /** Assigned by the host when it accepts the open request. */
  channelId: string | null
  payerPublicKey: string
  /** Where the viewer's share goes (P2PKH hex): the refund's output and every update's change. Absent: payerPublicKey's P2PKH. */
  payerScript?: string
  /** Set when the viewer's BRC-100 wallet holds the channel key: how it finds that key, and the return key, again. */
  wallet?: WalletChannelKeys
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
  | PayerRefusal

export type PayerRefusal = { ok: false; reason: 'over_cap' | 'awaiting_delivery' | 'over_capacity'; message: string }

/** A payment built and within every limit, waiting for the payer's signature over `preimage` (BIP143, sighash 0x41). */
export interface PaymentDraft {
  /** The channel once this payment is made (its lastTx is set when the draft is sealed). */
  channel: PayerChannel
  update: Transaction
  preimage: Uint8Array
}

export type DraftVerdict = ({ ok: true } & PaymentDraft) | PayerRefusal

export function isPaid(ch: PayerChannel, segmentPath: string): boolean {
  return Object.prototype.hasOwnProperty.call(ch.paidSegments, segmentPath)
}

/** What can still be signed: up to the cap, and up to what the channel holds after the close fee. */
export function spendable(ch: PayerChannel): number {
  return Math.max(0, Math.min(ch.cap, ch.funding.satoshis - ch.fee) - ch.paid)
}

/** Checks a new cumulative total against the cap and the capacity; null when it may be signed. */
function limitProblem(ch: PayerChannel, amount: number, fee: number): PayerRefusal | null {
  const next = ch.paid + amount
  if (next > ch.cap) return { ok: false, reason: 'over_cap', message: `paying ${amount} sat would bring the total to ${next}, over the cap of ${ch.cap}` }
  const carries = ch.funding.satoshis - fee
  if (next > carries) return { ok: false, reason: 'over_capacity', message: `paying ${amount} sat would bring the total to ${next}; this channel carries at most ${carries}` }
  return null
}

function draftUpdate(ch: PayerChannel, next: PayerChannel, feeRate: FeeRate): DraftVerdict {
  const parties = { payerPublicKey: ch.payerPublicKey, payeePublicKey: ch.payeePublicKey }
  const update = buildUpdate({ ...parties, funding: ch.funding, paid: next.paid, feeRate, payoutScript: ch.payoutScript, ...(ch.payerScript ? { payerScript: ch.payerScript } : {}) })
  return { ok: true, channel: next, update, preimage: channelSighashPreimage(update, ch.funding, parties) }
}

/** The draft with the payer's signature (DER + 0x41, hex): the update to send, and the channel that carries it. */
export function sealPayment(draft: PaymentDraft, payerSignature: string): { channel: PayerChannel; tx: string } {
  const tx = withPayerSignature(draft.update, payerSignature).toHex()
  return { channel: { ...draft.channel, lastTx: tx }, tx }
}

/** A draft signed at once by a key held here. */
function signDraft(draft: DraftVerdict, key: PrivateKey): PayerVerdict {
  if (!draft.ok) return draft
  return { ok: true, ...sealPayment(draft, bytesToHex(signPreimage(draft.preimage, key, CHANNEL_SIGHASH))) }
}

function requirePositiveAmount(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 1) throw new Error(`${what} must be a positive whole number of satoshis, got ${amount}`)
}

/**
 * Builds the update paying for one segment. Callers skip segments for which isPaid() holds. Refuses past the cap,
 * past the capacity, and while a paid segment has not been delivered.
 */
export function draftSegment(ch: PayerChannel, segmentPath: string, price: number, feeRate: FeeRate): DraftVerdict {
  requirePositiveAmount(price, 'a segment price')
  if (ch.awaitingDelivery !== null) {
    return { ok: false, reason: 'awaiting_delivery', message: `${ch.awaitingDelivery} was paid for but not delivered yet` }
  }
  const problem = limitProblem(ch, price, closeFee(feeRate))
  if (problem !== null) return problem
  const next: PayerChannel = {
    ...ch,
    paid: ch.paid + price,
    sequence: ch.sequence + 1,
    paidSegments: { ...ch.paidSegments, [segmentPath]: price },
    awaitingDelivery: segmentPath,
  }
  return draftUpdate(ch, next, feeRate)
}

/** Builds an update adding a tip. Tips count against the cap like segments do. */
export function draftTip(ch: PayerChannel, amount: number, feeRate: FeeRate): DraftVerdict {
  requirePositiveAmount(amount, 'a tip')
  const problem = limitProblem(ch, amount, closeFee(feeRate))
  if (problem !== null) return problem
  return draftUpdate(ch, { ...ch, paid: ch.paid + amount, tips: ch.tips + amount, sequence: ch.sequence + 1 }, feeRate)
}

/** draftSegment, signed at once by a key held here. */
export function signSegment(ch: PayerChannel, key: PrivateKey, segmentPath: string, price: number, feeRate: FeeRate): PayerVerdict {
  return signDraft(draftSegment(ch, segmentPath, price, feeRate), key)
}

/** draftTip, signed at once by a key held here. */
export function signTip(ch: PayerChannel, key: PrivateKey, amount: number, feeRate: FeeRate): PayerVerdict {
  return signDraft(draftTip(ch, amount, feeRate), key)
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
