// The host's side of every channel, composed: the pure checks (open-checks.ts, payee.ts, settlement-rules.ts) in the
// middle; the registry of live channels, the payment path and settlement around them; the store and the ledger at
// the edge. The Socket.IO edge and the paywall talk to this class only.
import { EventEmitter } from 'node:events'
import type { PrivateKey } from '@bsv/sdk'
import type {
  ChannelSnapshot,
  CloseReason,
  FundAccepted,
  FundRequest,
  OpenAccepted,
  OpenRequest,
  RejectCode,
  Rejection,
  Reply,
  ResumeRequest,
  SettlementSummary,
  Terms,
  TipRequest,
  UpdateAccepted,
  UpdateRequest,
} from '../../protocol/messages.ts'
import { ledgerUnavailable, type Chain } from '../../protocol/chain/chain.ts'
import type { ChannelQuery, ChannelRecord, ChannelStore } from '../store/channel-store.ts'
import type { EdgeLinks } from '../edge/signed-url.ts'
import type { ChainView } from './chain-view.ts'
import { refuser, type ChannelEvents, type Refuse } from './channel-events.ts'
import { ChannelLoader } from './channel-loader.ts'
import { ChannelOpening, type OpeningPolicy } from './channel-opening.ts'
import { ChannelQueues } from './channel-queues.ts'
import { ChannelTokens } from './channel-tokens.ts'
import { ALONE, type Fleet } from './fleet.ts'
import { FundingWatch, type LostFunding } from './funding-watch.ts'
import { LiveChannels, paidEntriesOf, type LiveChannel } from './live-channels.ts'
import { PaymentPath } from './payments.ts'
import { snapshotOf } from './record-views.ts'
import { segmentVerdict, type MediaCharges } from './segment-charge.ts'
import { Settlement } from './settlement.ts'
import type { PendingSettlement } from './settlement-retry.ts'
import type { PayeeVerifier } from '../crypto/verify.ts'

export interface ChannelPolicy extends OpeningPolicy, Pick<Terms, 'pricePerSecond' | 'renditionMultipliers'> {
  network: Terms['network']
  deadlineMarginBlocks: number
  idleTimeoutSeconds: number
}

const ACCEPTING_SETTING = 'accepting'

export interface ChannelServiceDeps {
  policy: ChannelPolicy
  payeeKey: PrivateKey
  /** Where new channels pay the host (P2PKH hex); each channel keeps the one it opened with. */
  payoutScript: string
  store: ChannelStore
  chain: Chain
  view: ChainView
  /** What each segment costs, by the playlists the paywall has served. */
  media: MediaCharges
  verifySignature: PayeeVerifier['verify']
  /** Other instances sharing the store, if any (server/cluster/); alone by default. */
  fleet?: Fleet
  /** Edge mode: paid segments are fetched from signed URLs that nginx or a CDN serves (server/edge/). */
  edge?: EdgeLinks
  now?: () => number
  /** Where a failed check of a funding's status is reported (it is tried again on the next round). */
  warn?: (details: object, message: string) => void
}

export class ChannelService extends EventEmitter<ChannelEvents> {
  private readonly live = new LiveChannels()
  private readonly queues = new ChannelQueues()
  /** What the dashboard reads of the store's books: tips, known viewers, sales per stream. */
  readonly books: Pick<ChannelStore, 'recentTips' | 'knownViewers' | 'salesByStream'>
  private readonly refuse: Refuse = refuser(this)
  private readonly opening: ChannelOpening
  private readonly payments: PaymentPath
  private readonly settlement: Settlement
  private readonly fleet: Fleet
  private readonly loader: ChannelLoader
  /** Channel tokens: derived when handed out, kept in the store as digests only. */
  private readonly tokens: ChannelTokens
  /** Channels' fundings, until the channels settle: ChannelService.fundingLost hears of a double spend or a spend. */
  readonly fundings: FundingWatch
  private accepting: boolean
  /** Derived once: deriving a public key is an elliptic-curve multiplication, far too slow for every payment. */
  readonly payeePublicKey: string

  private readonly policy: ChannelPolicy
  readonly payoutScript: string
  private readonly store: ChannelStore
  private readonly view: ChainView
  private readonly media: MediaCharges
  private readonly edge: EdgeLinks | null
  private readonly now: () => number
  private readonly warn: ChannelServiceDeps['warn']

  /** The service with the open channels and the Start/Stop setting the store remembers. */
  static async start(deps: ChannelServiceDeps): Promise<ChannelService> {
    const service = new ChannelService(deps, (await deps.store.setting(ACCEPTING_SETTING)) !== 'false')
    // In a fleet a channel is loaded where its viewer turns up; the store keeps the rest.
    if (!service.fleet.shared) for (const record of await deps.store.channelsIn(['open'])) await service.loader.load(record)
    return service
  }

  private constructor(deps: ChannelServiceDeps, accepting: boolean) {
    super()
    const { policy, payeeKey, store, chain, view } = deps
    const now = deps.now ?? Date.now
    this.policy = policy
    this.payoutScript = deps.payoutScript
    this.store = store
    this.view = view
    this.media = deps.media
    this.edge = deps.edge ?? null
    this.now = now
    this.warn = deps.warn
    this.accepting = accepting
    this.payeePublicKey = payeeKey.toPublicKey().toString()
    this.fleet = deps.fleet ?? ALONE
    this.books = store
    this.tokens = new ChannelTokens(payeeKey)
    this.loader = new ChannelLoader(this.live, store, this.fleet, this.tokens, (record) => this.watchFunding(record))
    const { live, queues, refuse, fleet } = this
    this.settlement = new Settlement({
      live,
      queues,
      fleet,
      store,
      chain,
      payeeKey,
      payeePublicKey: this.payeePublicKey,
      events: this,
      refuse,
      clock: () => ({ now: now(), height: view.height, idleTimeoutSeconds: policy.idleTimeoutSeconds, deadlineMarginBlocks: policy.deadlineMarginBlocks }),
    })
    this.opening = new ChannelOpening({
      policy,
      payeeKey,
      payeePublicKey: this.payeePublicKey,
      payoutScript: this.payoutScript,
      tokens: this.tokens,
      store,
      chain,
      view,
      accepting: () => this.accepting,
      refuse,
      now,
      goLive: async (record) => {
        await this.loader.load(record)
        this.emit('opened', record)
      },
    })
    this.fundings = new FundingWatch({
      chain,
      lost: (id, loss) => this.fundingLost(id, loss),
      onError: (error, channelId) => deps.warn?.({ err: error, channelId }, "could not read a channel funding's status, or act on it; will retry"),
    })
    this.on('settled', (summary) => this.fundings.remove(summary.channelId))
    this.payments = new PaymentPath({
      store,
      view,
      deadlineMarginBlocks: policy.deadlineMarginBlocks,
      payeePublicKey: this.payeePublicKey,
      verifySignature: deps.verifySignature,
      events: this,
      refuse,
      now,
    })
  }

  get isAccepting(): boolean {
    return this.accepting
  }

  terms(): Terms {
    return {
      network: this.policy.network,
      payeePublicKey: this.payeePublicKey,
      payoutScript: this.payoutScript,
      pricePerSecond: this.policy.pricePerSecond,
      renditionMultipliers: this.policy.renditionMultipliers,
      lifetimeBlocks: this.policy.lifetimeBlocks,
      height: this.view.height,
      feeRate: this.view.feeRate,
      minCapacity: this.policy.minCapacity,
      maxCapacity: this.policy.maxCapacity,
      accepting: this.accepting,
      ...this.media.terms(),
      ...(this.edge ? { delivery: 'edge' as const } : {}),
    }
  }

  /** Edge mode: a fresh signed URL for a segment the channel has paid for; null when the host serves the bytes itself. */
  edgeUrl(segmentKey: string, channelId: string): string | null {
    return this.edge ? this.edge.urlFor(segmentKey, channelId) : null
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Opening

  open(request: OpenRequest): Promise<Reply<OpenAccepted>> {
    return this.opening.open(request)
  }

  /** An open the socket edge refused before it reached the checks (a pending-work limit): counted like any refusal. */
  refuseOpen(code: RejectCode, message: string): Rejection {
    return this.refuse(null, code, message)
  }

  /** Broadcasts the funding only now: the payer already holds a co-signed refund. */
  fund(request: FundRequest): Promise<Reply<FundAccepted>> {
    return this.opening.fund(request)
  }

  async resume(request: ResumeRequest): Promise<Reply<ChannelSnapshot>> {
    // In a fleet the viewer may come from another instance, dead or alive: the store has the last word.
    const channel = this.fleet.shared ? await this.loader.reload(request.channelId) : this.live.byChannelId(request.channelId)
    if (!channel || !this.tokens.matches(channel.record.token, request.token)) {
      const stored = await this.store.channel(request.channelId)
      if (stored && this.tokens.matches(stored.token, request.token)) return this.settlement.notOpen(request.channelId)
      return this.refuse(request.channelId, 'unknown_channel', 'No open channel with that id and token.')
    }
    channel.record = { ...channel.record, lastActivityAt: this.now() }
    return { ok: true, ...snapshotOf(channel.record) }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Paying

  pay(request: UpdateRequest): Promise<Reply<UpdateAccepted>> {
    return this.queues.run(request.channelId, () => this.loader.retryIfStale(request.channelId, () => this.payOnce(request)))
  }

  private async payOnce(request: UpdateRequest): Promise<Reply<UpdateAccepted>> {
    const channel = await this.liveChannel(request.channelId)
    if (!channel.ok) return channel
    const verdict = segmentVerdict(request.segment, await this.media.charge(request.segment, paidEntriesOf(channel.live)))
    if (!verdict.ok) return this.refuse(request.channelId, verdict.code, verdict.message)
    const { price, seconds } = verdict
    const reply = await this.payments.accept(channel.live, { kind: 'segment', tx: request.tx, segment: request.segment, price, seconds, stream: this.media.streamOf(request.segment) })
    const segmentUrl = reply.ok && this.edgeUrl(request.segment, request.channelId)
    return reply.ok && segmentUrl ? { ...reply, segmentUrl } : reply
  }

  tip(request: TipRequest): Promise<Reply<UpdateAccepted>> {
    return this.queues.run(request.channelId, () =>
      this.loader.retryIfStale(request.channelId, async () => {
        const channel = await this.liveChannel(request.channelId)
        if (!channel.ok) return channel
        return this.payments.accept(channel.live, { kind: 'tip', tx: request.tx, amount: request.amount, note: request.note ?? null })
      }),
    )
  }

  /** The open channel with this id, or the refusal that says why there is none. */
  private async liveChannel(id: string): Promise<{ ok: true; live: LiveChannel } | Rejection> {
    const live = await this.loader.byId(id)
    if (live) return { ok: true, live }
    if (await this.store.channel(id)) return this.settlement.notOpen(id)
    return this.refuse(id, 'unknown_channel', 'No such channel on this host.')
  }

  /** The open channel a segment request's token belongs to (read again from a shared store when it lacks `segment`). */
  channelForToken(token: string, segment: string): Promise<LiveChannel | undefined> {
    return this.loader.byToken(token, segment)
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Settling and listing

  settle(id: string, reason: CloseReason): Promise<SettlementSummary> {
    return this.settlement.settle(id, reason)
  }

  /** The viewer's close: a ledger that does not take it yet is no internal error; the host keeps retrying it. */
  async closeForViewer(id: string): Promise<Reply<SettlementSummary>> {
    try {
      return { ok: true, ...(await this.settle(id, 'viewer')) }
    } catch (error) {
      if (!ledgerUnavailable(error)) throw error
      return this.refuse(id, 'ledger_unavailable', 'The ledger did not take the close yet: settlement is pending, and the host retries it until it lands.')
    }
  }

  /** The scheduler's settlement: checked again against the store first, and skipped when another instance is on it. */
  settleIfDue(id: string, reason: CloseReason): Promise<SettlementSummary | null> {
    return this.settlement.settleIfDue(id, reason)
  }

  /** Closes the ledger has not taken yet, retried with backoff (settlement-retry.ts). */
  pendingSettlements(): ReadonlyMap<string, PendingSettlement> {
    return this.settlement.pending()
  }

  dueForSettlement(): Promise<Array<{ id: string; reason: CloseReason }>> {
    return this.settlement.due()
  }

  /** Channels left mid-way by a crash: finish their funding or settlement, and settle the ones nobody came back to. */
  async recover(): Promise<void> {
    await this.opening.recover()
    // A close still to land is watched too: a refund that spends the funding first ends it.
    for (const record of await this.store.channelsIn(['closing'])) this.watchFunding(record)
    await this.settlement.recover()
  }

  async setAccepting(accepting: boolean): Promise<SettlementSummary[]> {
    this.accepting = accepting
    await this.store.putSetting(ACCEPTING_SETTING, String(accepting))
    const reason = accepting ? 'The host is accepting viewers again.' : 'The host stopped the stream and settled every channel.'
    this.emit('accepting', accepting, reason)
    return accepting ? [] : this.settlement.settleAll()
  }

  /** Another instance of this host was started or stopped: follow it (it stored the switch and settles the channels). */
  followAccepting(accepting: boolean): void {
    this.accepting = accepting
  }

  /** A page of channels, newest first, with the live channels' latest figures. */
  async listChannels(query: ChannelQuery): Promise<ChannelRecord[]> {
    return (await this.store.channelsPage(query)).map((record) => this.live.byChannelId(record.id)?.record ?? record)
  }

  /** Deletes the opens whose funding never came within the open timeout; the socket edge frees their pending slots. */
  async expireOpenings(): Promise<string[]> {
    const expired = await this.store.expireUnfundedOpenings(this.now() - this.policy.openTimeoutSeconds * 1000)
    if (expired.length > 0) this.emit('expired', expired)
    return expired
  }

  openChannels(): ChannelRecord[] {
    return this.live.records()
  }

  private watchFunding(record: ChannelRecord): void {
    this.fundings.add(record.id, { txid: record.fundingTxid, vout: record.fundingVout })
  }

  /**
   * The funding lost to a conflicting tx, or its output spent by a tx that is not the channel's own close (stored
   * before it is broadcast): from this moment no segment is served and no payment accepted on the channel (the registry
   * no longer has it), the viewer is told, and it settles with whatever close can still reach the ledger.
   */
  private async fundingLost(id: string, loss: LostFunding): Promise<void> {
    const record = await this.store.channel(id)
    if (!record || record.state === 'closed' || (loss.reason === 'funding_spent' && loss.txid === record.closeTxid)) return
    this.live.remove(id)
    this.emit('fundingLost', record, loss)
    // A settlement that fails here stays "closing" in the store; the scheduler tries it again.
    this.settle(id, loss.reason).catch((error: unknown) => this.warn?.({ err: error, channelId: id }, 'could not settle a channel whose funding was lost'))
  }
}
