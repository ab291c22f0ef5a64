// The payment path: each update is checked by the pure payee against the state its predecessor left, its signature
// verified, the payment committed to disk, and only then acknowledged. The caller runs it in the channel's queue
// (channel-queues.ts), which also holds the channel's settlement: a payment never races its channel's close.
import type { Reply, UpdateAccepted } from '../../protocol/messages.ts'
import { isStorageUnavailable, type ChannelStore } from '../store/channel-store.ts'
import type { ChainView } from './chain-view.ts'
import type { ChannelEventBus, Refuse } from './channel-events.ts'
import type { LiveChannel } from './live-channels.ts'
import { BAD_SIGNATURE, inspectUpdate } from './payee.ts'
import { payeeView } from './record-views.ts'
import { nativeHash256, type PayeeVerifier } from '../crypto/verify.ts'

/** One payment, priced: a segment at the host's price for it, or a tip of the viewer's chosen amount. */
export type Payment =
  | { kind: 'segment'; tx: string; segment: string; price: number; seconds: number; stream: string | null }
  | { kind: 'tip'; tx: string; amount: number; note: string | null }

export interface PaymentDeps {
  store: ChannelStore
  view: ChainView
  deadlineMarginBlocks: number
  payeePublicKey: string
  verifySignature: PayeeVerifier['verify']
  events: ChannelEventBus
  refuse: Refuse
  now: () => number
}

export class PaymentPath {
  constructor(private readonly deps: PaymentDeps) {}

  async accept(live: LiveChannel, payment: Payment): Promise<Reply<UpdateAccepted>> {
    const { deps } = this
    const record = live.record
    const started = performance.now()
    const minimumIncrement = payment.kind === 'segment' ? payment.price : payment.amount
    const verdict = inspectUpdate(payeeView(record, deps.payeePublicKey), payment.tx, minimumIncrement, {
      height: deps.view.height,
      feeRate: deps.view.feeRate,
      deadlineMargin: deps.deadlineMarginBlocks,
      hash256: nativeHash256,
    })
    if (!verdict.ok) {
      deps.events.emit('verified', (performance.now() - started) / 1000)
      return deps.refuse(record.id, verdict.code, verdict.message)
    }
    const valid = await deps.verifySignature(verdict.signature)
    deps.events.emit('verified', (performance.now() - started) / 1000)
    if (!valid) return deps.refuse(record.id, BAD_SIGNATURE.code, BAD_SIGNATURE.message)
    const at = deps.now()
    const { sequence, paid } = verdict.channel
    // A tip is whatever the update adds; a segment is booked at its price (the viewer may round up).
    const amount = payment.kind === 'segment' ? payment.price : verdict.increment
    const seconds = payment.kind === 'segment' ? payment.seconds : 0
    const subject = payment.kind === 'segment' ? payment.segment : payment.note
    // Durable before anything is served: an accepted payment survives a killed process.
    const stream = payment.kind === 'segment' ? payment.stream : null
    try {
      await deps.store.recordPayment({ channelId: record.id, sequence, paid, txid: verdict.txid, tx: payment.tx, kind: payment.kind, subject, amount, seconds, stream, at })
    } catch (error) {
      // Not recorded, so not accepted: the channel stays where it was and nothing is served for this update.
      if (!isStorageUnavailable(error)) throw error
      return deps.refuse(record.id, 'storage_unavailable', 'The host cannot record payments right now (its storage is full or read-only); nothing was charged, try again shortly.')
    }
    live.record = {
      ...live.record,
      sequence,
      paid,
      lastTx: payment.tx,
      lastTxid: verdict.txid,
      tips: live.record.tips + (payment.kind === 'tip' ? amount : 0),
      segments: live.record.segments + (payment.kind === 'segment' ? 1 : 0),
      seconds: live.record.seconds + seconds,
      lastActivityAt: at,
    }
    if (payment.kind === 'segment') live.entitlements.set(payment.segment, amount)
    deps.events.emit('accepted', { channelId: record.id, kind: payment.kind, amount, paid, seconds, stream })
    return { ok: true, sequence, paid }
  }
}
