// A live channel's transitions as pure functions, after raiden's state_transition(state, change) -> (state, events):
// the channel record and one change in; out, the whole next record and the effects to carry out, or the refusal. The
// payment path (payments.ts) works nothing out itself: it runs the one check left (the signature's curve check, off
// the event loop), then carries out the effects in their order: commit, acknowledge, announce.
import type { EntryCharge } from '../../protocol/hls/entry-charge.ts'
import type { UpdateAccepted } from '../../protocol/messages.ts'
import type { ChannelRecord, PaymentRecord } from '../store/channel-store.ts'
import type { AcceptedPayment } from './channel-events.ts'
import { inspectUpdate, type InspectionContext, type PendingSignature, type Verdict } from './payee.ts'
import { payeeView } from './record-views.ts'
import { segmentVerdict } from './segment-charge.ts'

/** One payment as the viewer sent it: an update for a segment, with what the host's charge rules say it costs; or a tip. */
export type Payment =
  | { kind: 'segment'; tx: string; segment: string; charge: EntryCharge; stream: string | null }
  | { kind: 'tip'; tx: string; amount: number; note: string | null }

export interface PaymentContext extends InspectionContext {
  /** The channel key, which co-signs the 2-of-2. */
  payeePublicKey: string
  /** When the payment is taken (ms since the epoch): the channel's last activity from then on. */
  now: number
}

/** A segment the channel may fetch from now on, and the price it paid for it. */
export interface Entitlement {
  segment: string
  price: number
}

/** What taking the payment does, in this order; none of it happens unless the signature verifies. */
export interface PaymentEffects {
  /** Committed durably first: an acknowledged payment survives a killed process. */
  commit: PaymentRecord
  /** The viewer's acknowledgement. */
  acknowledge: UpdateAccepted
  /** What the rest of the host hears (the dashboard, the metrics). */
  announce: AcceptedPayment
}

export interface PaymentStep {
  /** The channel once the payment is taken: sequence, totals, tips, segments, seconds, last update, last activity. */
  next: ChannelRecord
  /** The segment this payment buys; null for a tip. */
  entitlement: Entitlement | null
  /** The one check left, the payer's ECDSA signature over the BIP143 digest (server/crypto/verify.ts). */
  signature: PendingSignature
  effects: PaymentEffects
}

export type PaymentTransition = Verdict<PaymentStep>

/** What a payment must add at least, and what it is booked as. */
interface Purchase {
  minimum: number
  segment: string | null
  seconds: number
  stream: string | null
  subject: string | null
}

function purchaseOf(payment: Payment): Verdict<Purchase> {
  if (payment.kind === 'tip') return { ok: true, minimum: payment.amount, segment: null, seconds: 0, stream: null, subject: payment.note }
  const verdict = segmentVerdict(payment.segment, payment.charge)
  if (!verdict.ok) return verdict
  return { ok: true, minimum: verdict.price, segment: payment.segment, seconds: verdict.seconds, stream: payment.stream, subject: payment.segment }
}

/**
 * A payment on an open channel: every check of docs/protocol.md "What the host checks on every update" but the curve
 * check, which the step hands back. A segment is booked at its price (a viewer may round up and pay more); a tip is
 * whatever the update adds.
 */
export function takePayment(channel: ChannelRecord, payment: Payment, ctx: PaymentContext): PaymentTransition {
  const purchase = purchaseOf(payment)
  if (!purchase.ok) return purchase
  const update = inspectUpdate(payeeView(channel, ctx.payeePublicKey), payment.tx, purchase.minimum, ctx)
  if (!update.ok) return update
  const { sequence, paid } = update.channel
  const { segment, seconds, stream, subject } = purchase
  const amount = segment === null ? update.increment : purchase.minimum
  const next: ChannelRecord = {
    ...channel,
    sequence,
    paid,
    lastTx: payment.tx,
    lastTxid: update.txid,
    tips: channel.tips + (segment === null ? amount : 0),
    segments: channel.segments + (segment === null ? 0 : 1),
    seconds: channel.seconds + seconds,
    lastActivityAt: ctx.now,
  }
  const kind = payment.kind
  return {
    ok: true,
    next,
    entitlement: segment === null ? null : { segment, price: amount },
    signature: update.signature,
    effects: {
      commit: { channelId: channel.id, sequence, paid, txid: update.txid, tx: payment.tx, kind, subject, amount, seconds, stream, at: ctx.now },
      acknowledge: { sequence, paid },
      announce: { channelId: channel.id, kind, amount, paid, seconds, stream },
    },
  }
}

/** The viewer came back (a resume): the channel counts as active from now, so it does not settle as idle. */
export function resumeChannel(channel: ChannelRecord, now: number): ChannelRecord {
  return { ...channel, lastActivityAt: now }
}
