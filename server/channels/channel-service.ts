// The host's side of every channel: the pure payee checks in the middle, the store, the ledger and the sockets around.
// A channel's payments are handled one at a time, in arrival order; only the signature check leaves the event loop.
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
import { ChainError, isAccepted, type Chain } from '../../protocol/chain/chain.ts'
import { closeFee } from '../../protocol/fees.ts'
import { renditionOf, segmentPrice } from '../../protocol/pricing.ts'
import type { ChannelRecord, ChannelStore, PaymentKind } from '../store/channel-store.ts'
import type { SegmentBook } from '../paywall/segment-book.ts'
import {
  BAD_SIGNATURE,
  buildClose,
  checkFunding,
  checkRefundAndCosign,
  inspectUpdate,
  type PayeeChannel,
} from './payee.ts'
import type { ChainView } from './chain-view.ts'
import { nativeHash256, type PayeeVerifier } from './verify.ts'

export interface ChannelPolicy {
  network: Terms['network']
  pricePerSecond: number
  renditionMultipliers: Record<string, number>
  lifetimeBlocks: number
  deadlineMarginBlocks: number
  idleTimeoutSeconds: number
  minCapacity: number
  maxCapacity: number
}

/** A channel as the host holds it in memory: its stored record plus the segments it has paid for. */
interface LiveChannel {
  record: ChannelRecord
  entitlements: Map<string, number>
}

export type Entitlement =
  | { kind: 'serve'; channelId: string }
  | { kind: 'payment_required'; body: PaymentRequiredBody }
  | { kind: 'forbidden'; error: string; message: string }

export interface PaymentRequiredBody {
  error: 'payment_required'
  message: string
  channelId: string | null
  segment: string
  price: number
  /** The cumulative total the channel must reach to be served this segment. */
  required: number
  paid: number
  lastUpdate: { sequence: number; paid: number; tx: string } | null
  howToPay: string
}

export interface ChannelEvents {
  opened: [record: ChannelRecord]
  accepted: [event: { channelId: string; kind: PaymentKind; amount: number; paid: number; seconds: number }]
  rejected: [event: { channelId: string | null; code: RejectCode }]
  verified: [seconds: number]
  settled: [summary: SettlementSummary, record: ChannelRecord]
  accepting: [accepting: boolean, reason: string]
}

const HOW_TO_PAY =
  'Send a Socket.IO "update" for this segment: a transaction spending the channel funding output that pays the host the new cumulative total, signed by the payer with SIGHASH_ALL|FORKID. See docs/protocol.md.'

const ACCEPTING_SETTING = 'accepting'

export class ChannelService extends EventEmitter<ChannelEvents> {
  private readonly live = new Map<string, LiveChannel>()
  private readonly byToken = new Map<string, string>()
  private readonly settling = new Map<string, Promise<SettlementSummary>>()
  private readonly funding = new Set<string>()
  /** The tail of each channel's payment queue. */
  private readonly paymentQueues = new Map<string, Promise<unknown>>()
  private accepting: boolean
  /** Derived once: deriving a public key is an elliptic-curve multiplication, far too slow for every payment. */
  readonly payeePublicKey: string

  constructor(
    private readonly policy: ChannelPolicy,
    private readonly payeeKey: PrivateKey,
    private readonly store: ChannelStore,
    private readonly chain: Chain,
    private readonly view: ChainView,
    private readonly segments: SegmentBook,
    private readonly verifySignature: PayeeVerifier['verify'],
    private readonly now: () => number = Date.now,
  ) {
    super()
    this.payeePublicKey = payeeKey.toPublicKey().toString()
    this.accepting = store.setting(ACCEPTING_SETTING) !== 'false'
    for (const record of store.channelsIn(['open'])) this.load(record)
  }

  get isAccepting(): boolean {
    return this.accepting
  }

  terms(): Terms {
    return {
      network: this.policy.network,
      payeePublicKey: this.payeePublicKey,
      pricePerSecond: this.policy.pricePerSecond,
      renditionMultipliers: this.policy.renditionMultipliers,
      lifetimeBlocks: this.policy.lifetimeBlocks,
      height: this.view.height,
      feeRate: this.view.feeRate,
      minCapacity: this.policy.minCapacity,
      maxCapacity: this.policy.maxCapacity,
      accepting: this.accepting,
    }
  }

  private priceOf(segmentPath: string, duration: number): number {
    return segmentPrice(duration, this.policy.pricePerSecond, this.policy.renditionMultipliers[renditionOf(segmentPath)] ?? 1)
  }

  open(request: OpenRequest): Reply<OpenAccepted> {
    if (!this.accepting) return this.reject(null, 'host_stopped', 'The host is not accepting new channels right now.')
    const { capacity } = request
    if (capacity < this.policy.minCapacity || capacity > this.policy.maxCapacity) {
      return this.reject(null, 'capacity_out_of_range', `Capacity must be between ${this.policy.minCapacity} and ${this.policy.maxCapacity} satoshis; got ${capacity}.`)
    }
    if (capacity <= closeFee(this.view.feeRate) + 1) {
      return this.reject(null, 'capacity_out_of_range', 'Capacity does not even cover the closing fee.')
    }
    if (request.payerPublicKey === this.payeePublicKey) {
      return this.reject(null, 'bad_refund', 'The payer key must differ from the host key.')
    }
    const cosigned = checkRefundAndCosign({
      payerPublicKey: request.payerPublicKey,
      payeeKey: this.payeeKey,
      fundingTxid: request.fundingTxid,
      fundingVout: request.fundingVout,
      capacity,
      refundHex: request.refundTx,
      expectedLockTime: this.view.height + this.policy.lifetimeBlocks,
      lockTimeTolerance: 3,
      feeRate: this.view.feeRate,
    })
    if (!cosigned.ok) return this.reject(null, cosigned.code, cosigned.message)
    const id = randomBytes(12).toString('hex')
    this.store.insertChannel({
      id,
      token: randomBytes(32).toString('base64url'),
      payerPublicKey: request.payerPublicKey,
      fundingTxid: request.fundingTxid,
      fundingVout: request.fundingVout,
      capacity,
      fee: closeFee(this.view.feeRate),
      lockTime: cosigned.lockTime,
      refundTx: request.refundTx,
      createdAt: this.now(),
    })
    return { ok: true, channelId: id, refundPayeeSignature: cosigned.payeeSignature }
  }

  /** Broadcasts the funding only now: the payer already holds a co-signed refund. */
  async fund(request: FundRequest): Promise<Reply<FundAccepted>> {
    const record = this.store.channel(request.channelId)
    if (!record) return this.reject(request.channelId, 'unknown_channel', 'No such channel on this host.')
    if (record.state !== 'opening') return this.reject(record.id, 'channel_not_open', `The channel is already ${record.state}.`)
    if (!this.accepting) return this.reject(record.id, 'host_stopped', 'The host stopped accepting channels before this one was funded.')
    if (this.funding.has(record.id)) return this.reject(record.id, 'rate_limited', 'This channel is already being funded.')
    const funding = checkFunding({
      fundingHex: request.fundingTx,
      fundingTxid: record.fundingTxid,
      fundingVout: record.fundingVout,
      capacity: record.capacity,
      payerPublicKey: record.payerPublicKey,
      payeePublicKey: this.payeePublicKey,
    })
    if (!funding.ok) return this.reject(record.id, funding.code, funding.message)
    this.funding.add(record.id)
    try {
      this.store.setFundingTx(record.id, request.fundingTx)
      const result = await this.chain.broadcast(request.fundingTx)
      if (!isAccepted(result.status)) {
        return this.reject(record.id, 'ledger_rejected', `The ledger did not accept the funding transaction (${result.status}).`)
      }
      return this.activate(record.id, result.status)
    } catch (error) {
      const message = error instanceof ChainError ? error.message : String(error)
      return this.reject(record.id, 'ledger_rejected', `The ledger refused the funding transaction: ${message}`)
    } finally {
      this.funding.delete(record.id)
    }
  }

  private activate(id: string, ledgerStatus: string): Reply<FundAccepted> {
    this.store.markOpen(id, this.now())
    const record = this.store.channel(id)!
    this.load(record)
    this.emit('opened', record)
    return { ok: true, channelId: id, token: record.token, fundingTxid: record.fundingTxid, ledgerStatus }
  }

  async resume(request: ResumeRequest): Promise<Reply<ChannelSnapshot>> {
    const channel = this.live.get(request.channelId)
    if (!channel || channel.record.token !== request.token) {
      if (this.store.channel(request.channelId)?.token === request.token) return this.notOpen(request.channelId)
      return this.reject(request.channelId, 'unknown_channel', 'No open channel with that id and token.')
    }
    channel.record = { ...channel.record, lastActivityAt: this.now() }
    return { ok: true, ...this.snapshot(channel.record) }
  }

  snapshot(record: ChannelRecord): ChannelSnapshot {
    return {
      channelId: record.id,
      state: record.state,
      capacity: record.capacity,
      paid: record.paid,
      tips: record.tips,
      segments: record.segments,
      lastUpdate: lastUpdateOf(record),
    }
  }

  pay(request: UpdateRequest): Promise<Reply<UpdateAccepted>> {
    return this.inOrder(request.channelId, () => this.payNow(request))
  }

  tip(request: TipRequest): Promise<Reply<UpdateAccepted>> {
    return this.inOrder(request.channelId, async () => {
      const channel = await this.openChannel(request.channelId)
      if (!channel.ok) return channel
      return this.acceptPayment(channel.live, request.tx, request.amount, 'tip', request.note ?? null, request.amount, 0)
    })
  }

  /** Each update is checked against the state its predecessor left, however fast a client sends them. */
  private inOrder<T>(channelId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.paymentQueues.get(channelId) ?? Promise.resolve()
    const result = previous.then(work)
    const tail = result.catch(() => undefined)
    this.paymentQueues.set(channelId, tail)
    void tail.then(() => {
      if (this.paymentQueues.get(channelId) === tail) this.paymentQueues.delete(channelId)
    })
    return result
  }

  private async payNow(request: UpdateRequest): Promise<Reply<UpdateAccepted>> {
    const channel = await this.openChannel(request.channelId)
    if (!channel.ok) return channel
    const duration = this.segments.duration(request.segment)
    if (duration === undefined) {
      return this.reject(request.channelId, 'unknown_segment', `The host has not listed ${request.segment} in any playlist it served; load its playlist first.`)
    }
    if (channel.live.entitlements.has(request.segment)) {
      return this.reject(request.channelId, 'replay', `Segment ${request.segment} is already paid for on this channel; request it again for free.`)
    }
    const price = this.priceOf(request.segment, duration)
    return this.acceptPayment(channel.live, request.tx, price, 'segment', request.segment, price, duration)
  }

  private async openChannel(id: string): Promise<{ ok: true; live: LiveChannel } | Rejection> {
    const live = this.live.get(id)
    if (live) return { ok: true, live }
    if (this.store.channel(id)) return this.notOpen(id)
    return this.reject(id, 'unknown_channel', 'No such channel on this host.')
  }

  /**
   * Refuses a request on a channel that is no longer open. A settlement under way is waited for first: its `settled`
   * event then reaches the viewer before this refusal does, and the refusal carries the same summary.
   */
  private async notOpen(id: string): Promise<Rejection> {
    await this.settling.get(id)?.catch(() => undefined)
    const stored = this.store.channel(id)!
    const rejection = this.reject(id, 'channel_not_open', `The channel is ${stored.state}; open a new one to keep watching.`)
    return stored.state === 'closed' ? { ...rejection, settlement: summaryOf(stored) } : rejection
  }

  private async acceptPayment(
    live: LiveChannel,
    tx: string,
    minimumIncrement: number,
    kind: PaymentKind,
    subject: string | null,
    amount: number,
    seconds: number,
  ): Promise<Reply<UpdateAccepted>> {
    const record = live.record
    const started = performance.now()
    const verdict = inspectUpdate(payeeView(record, this.payeePublicKey), tx, minimumIncrement, {
      height: this.view.height,
      feeRate: this.view.feeRate,
      deadlineMargin: this.policy.deadlineMarginBlocks,
      hash256: nativeHash256,
    })
    if (!verdict.ok) {
      this.emit('verified', (performance.now() - started) / 1000)
      return this.reject(record.id, verdict.code, verdict.message)
    }
    const valid = await this.verifySignature(verdict.signature)
    this.emit('verified', (performance.now() - started) / 1000)
    if (!valid) return this.reject(record.id, BAD_SIGNATURE.code, BAD_SIGNATURE.message)
    // The channel may have been settled while the verifier was busy: a settled channel takes no more payments. (Its other
    // payments cannot have moved it on meanwhile: they wait their turn in inOrder.)
    if (this.live.get(record.id) !== live) return this.notOpen(record.id)
    const at = this.now()
    const { sequence, paid } = verdict.channel
    // Durable before anything is served: an accepted payment survives a killed process.
    this.store.recordPayment({ channelId: record.id, sequence, paid, txid: verdict.txid, tx, kind, subject, amount: kind === 'tip' ? verdict.increment : amount, seconds, at })
    live.record = {
      ...live.record,
      sequence,
      paid,
      lastTx: tx,
      lastTxid: verdict.txid,
      tips: live.record.tips + (kind === 'tip' ? verdict.increment : 0),
      segments: live.record.segments + (kind === 'segment' ? 1 : 0),
      seconds: live.record.seconds + seconds,
      lastActivityAt: at,
    }
    if (kind === 'segment' && subject) live.entitlements.set(subject, amount)
    this.emit('accepted', { channelId: record.id, kind, amount: kind === 'tip' ? verdict.increment : amount, paid, seconds })
    return { ok: true, sequence, paid }
  }

  /** Decides whether a segment request may have the bytes. */
  entitlement(token: string | undefined, segmentPath: string): Entitlement {
    const channelId = token ? this.byToken.get(token) : undefined
    const channel = channelId ? this.live.get(channelId) : undefined
    if (channel?.entitlements.has(segmentPath)) return { kind: 'serve', channelId: channel.record.id }
    if (channel || !token) return { kind: 'payment_required', body: this.paymentRequired(segmentPath, channel?.record ?? null) }
    return { kind: 'forbidden', error: 'invalid_token', message: 'That channel token is unknown or its channel is closed; open a new channel.' }
  }

  /** The 402 body: what the segment costs, what the channel has paid, and its last update to resync from. */
  private paymentRequired(segmentPath: string, record: ChannelRecord | null): PaymentRequiredBody {
    const price = this.priceOf(segmentPath, this.segments.duration(segmentPath) ?? 0)
    const paid = record?.paid ?? 0
    return {
      error: 'payment_required',
      message: record
        ? `This segment costs ${price} sat; the channel has not paid for it yet.`
        : `This segment costs ${price} sat. Open a payment channel with this host and send its token in the X-Channel-Token header or the token query parameter.`,
      channelId: record?.id ?? null,
      segment: segmentPath,
      price,
      required: paid + price,
      paid,
      lastUpdate: record ? lastUpdateOf(record) : null,
      howToPay: HOW_TO_PAY,
    }
  }

  listChannels(limit = 500): ChannelRecord[] {
    const stored = this.store.recentChannels(limit)
    return stored.map((record) => this.live.get(record.id)?.record ?? record)
  }

  openChannels(): ChannelRecord[] {
    return [...this.live.values()].map((channel) => channel.record)
  }

  /** Settles once, whoever asks and however often: the close tx is built once, stored, then broadcast. */
  settle(id: string, reason: CloseReason): Promise<SettlementSummary> {
    const running = this.settling.get(id)
    if (running) return running
    const settlement = this.settleNow(id, reason).finally(() => this.settling.delete(id))
    this.settling.set(id, settlement)
    return settlement
  }

  private async settleNow(id: string, reason: CloseReason): Promise<SettlementSummary> {
    const record = this.live.get(id)?.record ?? this.store.channel(id)
    if (!record) throw new Error(`No such channel: ${id}`)
    if (record.state === 'closed') return summaryOf(record)
    if (record.state === 'opening') {
      this.store.markClosed(id, null, reason, this.now())
      return summaryOf(this.store.channel(id)!)
    }
    this.unload(id)
    let { closeTx, closeTxid } = record
    const retry = record.state === 'closing'
    if (!closeTx && record.paid > 0) {
      const close = buildClose(payeeView(record, this.payeePublicKey), this.payeeKey)
      if (!close.ok) throw new Error(`Channel ${id} cannot be closed: ${close.message}`)
      ;({ hex: closeTx, txid: closeTxid } = close)
    }
    this.store.markClosing(id, closeTx, closeTxid, reason)
    if (closeTx && closeTxid) {
      const known = retry ? await this.chain.txStatus(closeTxid).catch(() => null) : null
      if (!known || !isAccepted(known.status)) await this.chain.broadcast(closeTx)
    }
    this.store.markClosed(id, closeTxid, reason, this.now())
    const closed = this.store.channel(id)!
    const summary = summaryOf(closed)
    this.emit('settled', summary, closed)
    return summary
  }

  /** Channels left mid-way by a crash: finish their funding or settlement, and settle the ones nobody came back to. */
  async recover(): Promise<void> {
    for (const record of this.store.channelsIn(['opening'])) {
      if (!record.fundingTx) continue
      const status = await this.chain.txStatus(record.fundingTxid).catch(() => null)
      if (status && isAccepted(status.status)) this.activate(record.id, status.status)
    }
    const idleBefore = this.now() - this.policy.idleTimeoutSeconds * 1000
    const due = [
      ...this.store.channelsIn(['closing']),
      ...this.openChannels().filter((record) => record.lastActivityAt < idleBefore),
    ]
    await Promise.allSettled(due.map((record) => this.settle(record.id, 'recovery')))
  }

  /** The settlement scheduler's view: what should be settled now, and why. */
  dueForSettlement(): Array<{ id: string; reason: CloseReason }> {
    const idleBefore = this.now() - this.policy.idleTimeoutSeconds * 1000
    const deadlineHeight = this.view.height + this.policy.deadlineMarginBlocks
    const due: Array<{ id: string; reason: CloseReason }> = []
    for (const { record } of this.live.values()) {
      if (deadlineHeight >= record.lockTime) due.push({ id: record.id, reason: 'deadline' })
      else if (record.lastActivityAt < idleBefore) due.push({ id: record.id, reason: 'idle' })
    }
    for (const record of this.store.channelsIn(['closing'])) {
      if (!this.settling.has(record.id)) due.push({ id: record.id, reason: record.closeReason ?? 'recovery' })
    }
    return due
  }

  async setAccepting(accepting: boolean): Promise<SettlementSummary[]> {
    this.accepting = accepting
    this.store.putSetting(ACCEPTING_SETTING, String(accepting))
    const reason = accepting ? 'The host is accepting viewers again.' : 'The host stopped the stream and settled every channel.'
    this.emit('accepting', accepting, reason)
    if (accepting) return []
    const results = await Promise.allSettled(this.openChannels().map((record) => this.settle(record.id, 'host_stopped')))
    return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  }

  private load(record: ChannelRecord): void {
    const entitlements = new Map<string, number>()
    for (const payment of this.store.segmentPayments(record.id)) entitlements.set(payment.subject, payment.amount)
    this.live.set(record.id, { record, entitlements })
    this.byToken.set(record.token, record.id)
  }

  private unload(id: string): void {
    const live = this.live.get(id)
    if (!live) return
    this.live.delete(id)
    this.byToken.delete(live.record.token)
  }

  private reject(channelId: string | null, code: RejectCode, message: string): Rejection {
    this.emit('rejected', { channelId, code })
    return { ok: false, code, message }
  }
}

function payeeView(record: ChannelRecord, payeePublicKey: string): PayeeChannel {
  return {
    id: record.id,
    payerPublicKey: record.payerPublicKey,
    payeePublicKey,
    fundingTxid: record.fundingTxid,
    fundingVout: record.fundingVout,
    capacity: record.capacity,
    fee: record.fee,
    lockTime: record.lockTime,
    sequence: record.sequence,
    paid: record.paid,
    tips: record.tips,
    lastTx: record.lastTx,
    lastTxid: record.lastTxid,
  }
}

function lastUpdateOf(record: ChannelRecord): ChannelSnapshot['lastUpdate'] {
  return record.lastTx ? { sequence: record.sequence, paid: record.paid, tx: record.lastTx } : null
}

export function summaryOf(record: ChannelRecord): SettlementSummary {
  const settledOnChain = record.closeTxid !== null
  const fee = settledOnChain ? record.fee : 0
  return {
    channelId: record.id,
    reason: record.closeReason ?? 'viewer',
    seconds: record.seconds,
    segments: record.segments,
    paid: record.paid,
    tips: record.tips,
    fee,
    change: settledOnChain ? record.capacity - record.paid - fee : 0,
    capacity: record.capacity,
    closeTxid: record.closeTxid,
    ...(settledOnChain ? {} : { refundAfterHeight: record.lockTime }),
  }
}

