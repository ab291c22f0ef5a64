// The payment path: the pure transition (channel-transitions.ts) works out the channel's next state and the effects
// against the state its predecessor left; this file verifies the signature off the event loop, then carries the
// effects out: commit to disk, and only then advance the live channel, announce, and acknowledge. The caller runs it in
// the channel's queue (channel-queues.ts), which also holds the channel's settlement: a payment never races its close.
import type { Reply, UpdateAccepted } from '../../protocol/messages.ts'
import { isStorageUnavailable, type ChannelStore } from '../store/channel-store.ts'
import { nativeHash256, type PayeeVerifier } from '../crypto/verify.ts'
import type { ChainView } from './chain-view.ts'
import type { ChannelEventBus, Refuse } from './channel-events.ts'
import { takePayment, type Payment } from './channel-transitions.ts'
import type { LiveChannel } from './live-channels.ts'
import { BAD_SIGNATURE } from './payee.ts'

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
    const id = live.record.id
    const started = performance.now()
    const step = takePayment(live.record, payment, {
      height: deps.view.height,
      feeRate: deps.view.feeRate,
      deadlineMargin: deps.deadlineMarginBlocks,
      hash256: nativeHash256,
      payeePublicKey: deps.payeePublicKey,
      now: deps.now(),
    })
    const valid = step.ok && (await deps.verifySignature(step.signature))
    deps.events.emit('verified', (performance.now() - started) / 1000)
    if (!step.ok) return deps.refuse(id, step.code, step.message)
    if (!valid) return deps.refuse(id, BAD_SIGNATURE.code, BAD_SIGNATURE.message)
    const { commit, acknowledge, announce } = step.effects
    try {
      // Durable before anything is served: an accepted payment survives a killed process.
      await deps.store.recordPayment(commit)
    } catch (error) {
      // Not recorded, so not accepted: the channel stays where it was and nothing is served for this update.
      if (!isStorageUnavailable(error)) throw error
      return deps.refuse(id, 'storage_unavailable', 'The host cannot record payments right now (its storage is full or read-only); nothing was charged, try again shortly.')
    }
    live.record = step.next
    if (step.entitlement) live.entitlements.set(step.entitlement.segment, step.entitlement.price)
    deps.events.emit('accepted', announce)
    return { ok: true, ...acknowledge }
  }
}
