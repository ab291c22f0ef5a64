// The host's side of every channel, composed: the pure checks (open-checks.ts, payee.ts, settlement-rules.ts) in the
// middle; the registry of live channels, the payment path and settlement around them; the store and the ledger at
// the edge. The Socket.IO edge and the paywall talk to this class only.
import { EventEmitter } from 'node:events'
import { randomBytes } from 'node:crypto'
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
import { ChainError, isAccepted, isSeen, ledgerUnavailable, type Chain, type TxInfo } from '../../protocol/chain/chain.ts'
import type { ChannelQuery, ChannelRecord, ChannelStore } from '../store/channel-store.ts'
import type { EdgeLinks } from '../edge/signed-url.ts'
import type { ChainView } from './chain-view.ts'
import { refuser, type ChannelEvents, type Refuse } from './channel-events.ts'
import { ChannelLoader } from './channel-loader.ts'
import { ChannelQueues } from './channel-queues.ts'
import { ALONE, type Fleet } from './fleet.ts'
import { FundingWatch, untilSeen } from './funding-watch.ts'
import { LiveChannels, paidEntriesOf, type LiveChannel } from './live-channels.ts'
import { checkFundable, checkFundingBeef, checkFundingParents, checkOpen } from './open-checks.ts'
import { checkFunding } from './payee.ts'
import { PaymentPath } from './payments.ts'
import { snapshotOf } from './record-views.ts'
import { segmentVerdict, type MediaCharges } from './segment-charge.ts'
import { Settlement } from './settlement.ts'
import { FUNDING_LOST } from './settlement-rules.ts'
import type { PendingSettlement } from './settlement-retry.ts'
import { nativeVerifier, type PayeeVerifier } from '../crypto/verify.ts'

export interface ChannelPolicy extends Pick<Terms, 'pricePerSecond' | 'renditionMultipliers'> {
  network: Terms['network']
  lifetimeBlocks: number
  deadlineMarginBlocks: number
  idleTimeoutSeconds: number
  minCapacity: number
  maxCapacity: number
  /** An open that no funding reached within this long is deleted, its co-signed refund with it. */
  openTimeoutSeconds: number
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
  private readonly fundingInFlight = new Set<string>()
  /** What the dashboard reads of the store's books: tips, known viewers, sales per stream. */
  readonly books: Pick<ChannelStore, 'recentTips' | 'knownViewers' | 'salesByStream'>
  private readonly refuse: Refuse = refuser(this)
  private readonly payments: PaymentPath
  private readonly settlement: Settlement
  private readonly fleet: Fleet
  private readonly loader: ChannelLoader
  /** Open channels' fundings, until mined: ChannelService.fundingLost hears of a double spend. */
  readonly fundings: FundingWatch
  private accepting: boolean
  /** Derived once: deriving a public key is an elliptic-curve multiplication, far too slow for every payment. */
  readonly payeePublicKey: string

  private readonly policy: ChannelPolicy
  private readonly payeeKey: PrivateKey
  readonly payoutScript: string
  private readonly store: ChannelStore
  private readonly chain: Chain
  private readonly view: ChainView
  private readonly media: MediaCharges
  private readonly edge: EdgeLinks | null
  private readonly now: () => number
  private readonly warn: ChannelServiceDeps['warn']
  /** The refund's signature is checked once per open, with the fastest verifier this platform has. */
  private readonly verifyRefund = nativeVerifier()

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
    this.payeeKey = payeeKey
    this.payoutScript = deps.payoutScript
    this.store = store
    this.chain = chain
    this.view = view
    this.media = deps.media
    this.edge = deps.edge ?? null
    this.now = now
    this.warn = deps.warn
    this.accepting = accepting
    this.payeePublicKey = payeeKey.toPublicKey().toString()
    this.fleet = deps.fleet ?? ALONE
    this.books = store
    this.loader = new ChannelLoader(this.live, store, this.fleet, (record) => this.fundings.add(record.id, record.fundingTxid))
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
    this.fundings = new FundingWatch({
      chain,
      lost: (id, info) => this.fundingLost(id, info),
      onError: (error, channelId) => deps.warn?.({ err: error, channelId }, "could not read a channel funding's status; will retry"),
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

  async open(request: OpenRequest): Promise<Reply<OpenAccepted>> {
    const verdict = checkOpen(request, {
      accepting: this.accepting,
      minCapacity: this.policy.minCapacity,
      maxCapacity: this.policy.maxCapacity,
      feeRate: this.view.feeRate,
      height: this.view.height,
      lifetimeBlocks: this.policy.lifetimeBlocks,
      payeeKey: this.payeeKey,
      payeePublicKey: this.payeePublicKey,
      payoutScript: this.payoutScript,
      verify: this.verifyRefund,
    })
    if (!verdict.ok) return this.refuse(null, verdict.code, verdict.message)
    const id = randomBytes(12).toString('hex')
    await this.store.insertChannel({
      id,
      token: randomBytes(32).toString('base64url'),
      payerPublicKey: request.payerPublicKey,
      fundingTxid: request.fundingTxid,
      fundingVout: request.fundingVout,
      capacity: request.capacity,
      fee: verdict.fee,
      lockTime: verdict.lockTime,
      refundTx: request.refundTx,
      payoutScript: request.payoutScript,
      payerScript: request.payerScript ?? null,
      viewerIdentity: request.identityKey ?? null,
      createdAt: this.now(),
    })
    return { ok: true, channelId: id, refundPayeeSignature: verdict.payeeSignature }
  }

  /** An open the socket edge refused before it reached the checks (a pending-work limit): counted like any refusal. */
  refuseOpen(code: RejectCode, message: string): Rejection {
    return this.refuse(null, code, message)
  }

  /** Broadcasts the funding only now: the payer already holds a co-signed refund. */
  async fund(request: FundRequest): Promise<Reply<FundAccepted>> {
    const record = await this.store.channel(request.channelId)
    if (!record) return this.refuse(request.channelId, 'unknown_channel', 'No such channel on this host.')
    const fundable = checkFundable(record, {
      accepting: this.accepting,
      fundingInFlight: this.fundingInFlight.has(record.id),
      now: this.now(),
      openTimeoutMs: this.policy.openTimeoutSeconds * 1000,
    })
    if (!fundable.ok) return this.refuse(record.id, fundable.code, fundable.message)
    const funding = checkFunding({
      fundingHex: request.fundingTx,
      fundingTxid: record.fundingTxid,
      fundingVout: record.fundingVout,
      capacity: record.capacity,
      payerPublicKey: record.payerPublicKey,
      payeePublicKey: this.payeePublicKey,
    })
    if (!funding.ok) return this.refuse(record.id, funding.code, funding.message)
    const parents = request.fundingParents ?? []
    const complete = request.fundingBeef ? checkFundingBeef(request.fundingTx, request.fundingBeef) : checkFundingParents(request.fundingTx, parents)
    if (!complete.ok) return this.refuse(record.id, complete.code, complete.message)
    this.fundingInFlight.add(record.id)
    try {
      // The store's word decides a race with the expiry sweep: an opening it already deleted is never broadcast.
      if (!(await this.store.setFundingTx(record.id, request.fundingTx))) {
        return this.refuse(record.id, 'open_expired', 'This open waited too long for its funding and was removed; open a new channel.')
      }
      const result = await this.chain.broadcast(request.fundingTx, request.fundingBeef ? { beef: request.fundingBeef } : { parents })
      if (result.status === 'UNKNOWN') {
        return this.refuse(record.id, 'ledger_unavailable', 'The ledger answered without a status it could be held to; send "fund" again later.')
      }
      if (!isAccepted(result.status)) {
        return this.refuse(record.id, 'ledger_rejected', `The ledger did not accept the funding transaction (${result.status}).`)
      }
      // Served only once the network has it: a funding merely stored could still be dropped.
      const status = await untilSeen(this.chain, record.fundingTxid, result.status)
      if (!isSeen(status)) {
        return this.refuse(record.id, 'ledger_rejected', `The ledger holds the funding (${status}) but has not seen it on the network yet; send "fund" again in a moment.`)
      }
      return this.activate(record.id, status)
    } catch (error) {
      const message = error instanceof ChainError ? error.message : String(error)
      if (ledgerUnavailable(error)) return this.refuse(record.id, 'ledger_unavailable', `The ledger did not answer usably, so the funding was not sent; nothing was spent, send "fund" again later: ${message}`)
      return this.refuse(record.id, 'ledger_rejected', `The ledger refused the funding transaction: ${message}`)
    } finally {
      this.fundingInFlight.delete(record.id)
    }
  }

  private async activate(id: string, ledgerStatus: string): Promise<Reply<FundAccepted>> {
    await this.store.markOpen(id, this.now())
    const record = (await this.store.channel(id))!
    await this.loader.load(record)
    this.emit('opened', record)
    return { ok: true, channelId: id, token: record.token, fundingTxid: record.fundingTxid, ledgerStatus }
  }

  async resume(request: ResumeRequest): Promise<Reply<ChannelSnapshot>> {
    // In a fleet the viewer may come from another instance, dead or alive: the store has the last word.
    const channel = this.fleet.shared ? await this.loader.reload(request.channelId) : this.live.byChannelId(request.channelId)
    if (!channel || channel.record.token !== request.token) {
      if ((await this.store.channel(request.channelId))?.token === request.token) return this.settlement.notOpen(request.channelId)
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
    for (const record of await this.store.channelsIn(['opening'])) {
      if (!record.fundingTx) continue
      const status = await this.chain.txStatus(record.fundingTxid).catch(() => null)
      if (status && isSeen(status.status)) await this.activate(record.id, status.status)
    }
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

  /**
   * The funding lost to a conflicting tx: from this moment no segment is served and no payment accepted on the channel
   * (the registry no longer has it), and it settles with whatever close can still reach the ledger.
   */
  private fundingLost(id: string, info: TxInfo): void {
    const live = this.live.byChannelId(id)
    if (!live) return
    this.live.remove(id)
    this.emit('fundingLost', live.record, info)
    // A settlement that fails here stays "closing" in the store; the scheduler tries it again.
    this.settle(id, FUNDING_LOST).catch((error: unknown) => this.warn?.({ err: error, channelId: id }, 'could not settle a channel whose funding was double-spent'))
  }
}
