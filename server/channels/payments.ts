// The payment path, the viewer's one door into a live channel: a resume, then updates and tips. Each payment runs in its
// channel's queue (channel-queues.ts, which also holds the channel's settlement: a payment never races its close),
// against the state its predecessor left. The pure transition (channel-transitions.ts) works out the next channel and
// the effects; this file verifies the signature off the event loop, then carries the effects out: commit to disk,
// and only then advance the live channel, announce, and acknowledge.
import type { ChannelSnapshot, Rejection, Reply, ResumeRequest, TipRequest, UpdateAccepted, UpdateRequest } from '../../protocol/messages.ts'
import { isStorageUnavailable, StaleChannel, type ChannelStore } from '../store/channel-store.ts'
import type { EdgeLinks } from '../edge/signed-url.ts'
import { nativeHash256, type PayeeVerifier } from '../crypto/verify.ts'
import type { ChainView } from './chain-view.ts'
import type { ChannelEventBus, Refuse } from './channel-events.ts'
import type { ChannelLoader } from './channel-loader.ts'
import type { ChannelQueues } from './channel-queues.ts'
import type { ChannelTokens } from './channel-tokens.ts'
import { resumeChannel, takePayment, type Payment } from './channel-transitions.ts'
import type { Cluster } from './cluster.ts'
import { paidEntriesOf, type LiveChannel, type LiveChannels } from './live-channels.ts'
import { BAD_SIGNATURE } from './payee.ts'
import { snapshotOf } from './record-views.ts'
import type { MediaCharges } from './segment-charge.ts'
import type { Settlement } from './settlement.ts'

export interface PaymentDeps {
  live: LiveChannels
  loader: Pick<ChannelLoader, 'byId' | 'reload'>
  queues: ChannelQueues
  cluster: Cluster
  tokens: ChannelTokens
  store: Pick<ChannelStore, 'channel' | 'recordPayment'>
  view: ChainView
  /** What each segment costs, by the playlists the paywall has served. */
  media: Pick<MediaCharges, 'charge' | 'streamOf'>
  deadlineMarginBlocks: number
  payeePublicKey: string
  verifySignature: PayeeVerifier['verify']
  /** Edge mode: an accepted segment's reply carries a signed URL for it (server/edge/); null when the host serves it. */
  edge: EdgeLinks | null
  events: ChannelEventBus
  refuse: Refuse
  /** Refuses a channel that is no longer open, once its settlement under way has finished. */
  settlement: Pick<Settlement, 'notOpen'>
  now: () => number
}

export class Payments {
  constructor(private readonly deps: PaymentDeps) {}

  /** The viewer is back (a reconnect, a reload): the channel's state, and it counts as active. */
  async resume(request: ResumeRequest): Promise<Reply<ChannelSnapshot>> {
    const { deps } = this
    // In a cluster the viewer may come from another instance, dead or alive: the store has the last word.
    const channel = deps.cluster.shared ? await deps.loader.reload(request.channelId) : deps.live.byChannelId(request.channelId)
    if (!channel || !deps.tokens.matches(channel.record.token, request.token)) {
      const stored = await deps.store.channel(request.channelId)
      if (stored && deps.tokens.matches(stored.token, request.token)) return deps.settlement.notOpen(request.channelId)
      return deps.refuse(request.channelId, 'unknown_channel', 'No open channel with that id and token.')
    }
    channel.record = resumeChannel(channel.record, deps.now())
    return { ok: true, ...snapshotOf(channel.record) }
  }

  /** An update for one segment, priced by the host's charge rules over what the channel has paid for already. */
  pay(request: UpdateRequest): Promise<Reply<UpdateAccepted>> {
    const { media } = this.deps
    return this.inQueue(request.channelId, async (live) => {
      const charge = await media.charge(request.segment, paidEntriesOf(live))
      return this.take(live, { kind: 'segment', tx: request.tx, segment: request.segment, charge, stream: media.streamOf(request.segment) })
    })
  }

  tip(request: TipRequest): Promise<Reply<UpdateAccepted>> {
    return this.inQueue(request.channelId, (live) => this.take(live, { kind: 'tip', tx: request.tx, amount: request.amount, note: request.note ?? null }))
  }

  /**
   * Runs a payment in the channel's queue on the open channel. When the store says another writer (another instance)
   * moved the channel on first, reads the channel again and runs it once more against the store's state, so the viewer
   * hears the real verdict (replay, stale, not open).
   */
  private inQueue(id: string, payment: (live: LiveChannel) => Promise<Reply<UpdateAccepted>>): Promise<Reply<UpdateAccepted>> {
    const attempt = async () => {
      const channel = await this.openChannel(id)
      return channel.ok ? payment(channel.live) : channel
    }
    return this.deps.queues.run(id, async () => {
      try {
        return await attempt()
      } catch (error) {
        if (!(error instanceof StaleChannel)) throw error
        await this.deps.loader.reload(id)
        return attempt()
      }
    })
  }

  /** The open channel with this id, or the refusal that says why there is none. */
  private async openChannel(id: string): Promise<{ ok: true; live: LiveChannel } | Rejection> {
    const live = await this.deps.loader.byId(id)
    if (live) return { ok: true, live }
    if (await this.deps.store.channel(id)) return this.deps.settlement.notOpen(id)
    return this.deps.refuse(id, 'unknown_channel', 'No such channel on this host.')
  }

  private async take(live: LiveChannel, payment: Payment): Promise<Reply<UpdateAccepted>> {
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
    const segmentUrl = step.entitlement && deps.edge?.urlFor(step.entitlement.segment, id)
    return segmentUrl ? { ok: true, ...acknowledge, segmentUrl } : { ok: true, ...acknowledge }
  }
}
