// One viewer's payment channel with one host, over Socket.IO. Isomorphic: the browser player and the Node viewer
// fleet both drive it. The decisions (what to sign, whether it fits the cap) are the pure payer's
// (client/payer/payer.ts); this class does the talking, the waiting and the remembering around it.
//
// Safety rules it keeps:
// - the funding goes to the host only after the host's refund signature passed the full script interpreter;
// - payments are serialized, and never more than one paid segment is waiting to be delivered;
// - nothing is signed past the viewer's cap: at the cap it waits for raiseCap() or close().
import type { PrivateKey } from '@bsv/sdk'
import type { Socket } from 'socket.io-client'
import type {
  ChannelSnapshot,
  ClientToServerEvents,
  LastUpdate,
  Rejection,
  Reply,
  ServerToClientEvents,
  SettlementSummary,
  Terms,
} from '../../protocol/messages.ts'
import { renditionOf, segmentPrice } from '../../protocol/pricing.ts'
import { InsufficientFundsError, withPayerSignature, type SpendableUtxo } from '../../protocol/transactions.ts'
import {
  acceptRefund,
  isPaid,
  markDelivered,
  openPayerChannel,
  raiseCap as raisePayerCap,
  resyncFrom,
  signSegment,
  signTip,
  type PayerChannel,
} from './payer.ts'
import { crossedThresholds, DEFAULT_THRESHOLDS, rearm, type AlertThreshold, type CapAlert } from './cap-alerts.ts'
import { TypedEmitter } from './emitter.ts'
import { holdsUnsentRefund, type RefundOutcome } from './refunds.ts'
import { readJson, writeJson, type KeyValueStorage } from './storage.ts'
import {
  channelClosed,
  deliveryTimeout,
  explainRejection,
  hostStopped,
  hostUnreachable,
  insufficientFunds,
  ViewerFailure,
  type ViewerError,
} from './viewer-errors.ts'

export type HostSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/** What the session needs from a wallet: the key that signs, and coins to fund a channel with. */
export interface ChannelWallet {
  readonly key: PrivateKey
  utxos(): Promise<SpendableUtxo[]>
}

export interface ChannelSessionOptions {
  socket: HostSocket
  wallet: ChannelWallet
  storage: KeyValueStorage
  /** Where this session's state is kept; use one key per host. */
  storageKey?: string
  thresholds?: readonly AlertThreshold[]
  /** How long to wait for the host's answer to one message. */
  ackTimeoutMs?: number
  /** How long a paid segment may stay undelivered before the session gives up paying ahead. */
  deliveryTimeoutMs?: number
}

export type SessionPhase = 'idle' | 'opening' | 'open' | 'reconnecting' | 'closing' | 'closed'

/** A read-only picture of the session for the UI and for tests. */
export interface SessionSnapshot {
  phase: SessionPhase
  channelId: string | null
  token: string | null
  /** The viewer's total cap for this viewing session, across channels. */
  cap: number
  /** Spent in this viewing session, tips included, across channels. */
  spent: number
  /** Paid on the current channel (tips included). */
  paid: number
  tips: number
  segments: number
  /** Seconds of media paid for in this viewing session. */
  seconds: number
  capacity: number
  pricePerSecond: number | null
  network: Terms['network'] | null
  atCap: boolean
}

export interface PaymentEvent {
  kind: 'segment' | 'tip'
  segment: string | null
  amount: number
  spent: number
  cap: number
}

export interface SessionEvents {
  terms: [terms: Terms]
  opened: [info: { channelId: string; capacity: number; cap: number }]
  resumed: [snapshot: ChannelSnapshot]
  paid: [payment: PaymentEvent]
  alert: [alert: CapAlert]
  capReached: [info: { spent: number; cap: number; price: number }]
  capRaised: [info: { cap: number; newChannel: boolean }]
  /** `final` is false when a channel was settled only to open a bigger one. */
  settled: [summary: SettlementSummary, info: { final: boolean }]
  hostStatus: [status: { accepting: boolean; reason?: string }]
  error: [error: ViewerError]
  change: [snapshot: SessionSnapshot]
}

/** The channel state worth keeping across a reload. */
interface PersistedSession {
  version: 1
  channel: PayerChannel
  token: string | null
  /** The co-signed refund: the viewer's way back if the host disappears. */
  refundHex: string
  spentBefore: number
  secondsBefore: number
  segmentsBefore: number
  seconds: number
  segments: number
  firedAlerts: number[]
  openedAt: number
}

export interface HistoryEntry {
  summary: SettlementSummary
  settledAt: number
  /** Kept when nothing was settled on chain: the refund returns the funds after its nLockTime. */
  refundHex?: string
  /** What became of refundHex: broadcast, or not needed (the funding was spent, or never reached the ledger). */
  refund?: { status: 'reclaimed'; txid: string } | { status: 'nothing_left' }
}

const HISTORY_LIMIT = 30

/** Thrown to a payment that was waiting when the channel closed or the caller gave up. */
export class PaymentCancelled extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PaymentCancelled'
  }
}

interface Waiter {
  resolve: () => void
  reject: (error: Error) => void
}

export class ChannelSession extends TypedEmitter<SessionEvents> {
  private readonly socket: HostSocket
  private readonly wallet: ChannelWallet
  private readonly storage: KeyValueStorage
  private readonly storageKey: string
  private readonly historyKey: string
  private thresholds: readonly AlertThreshold[]
  private readonly ackTimeoutMs: number
  private readonly deliveryTimeoutMs: number

  private latestTerms: Terms | null = null
  private termsWaiters: Array<(terms: Terms) => void> = []
  private persisted: PersistedSession | null
  private phase: SessionPhase
  /** Payments and tips run one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve()
  /** Resolved whenever the channel is usable (open and, after a reconnect, resumed). */
  private usable: Promise<void> = Promise.resolve()
  private markUsable: () => void = () => {}
  private deliveryWaiters: Waiter[] = []
  private capWaiters: Waiter[] = []
  private atCap = false
  private connectedOnce = false

  constructor(options: ChannelSessionOptions) {
    super()
    this.socket = options.socket
    this.wallet = options.wallet
    this.storage = options.storage
    this.storageKey = options.storageKey ?? 'p2p.session'
    this.historyKey = `${this.storageKey}.history`
    this.thresholds = options.thresholds ?? DEFAULT_THRESHOLDS
    this.ackTimeoutMs = options.ackTimeoutMs ?? 20_000
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? 60_000
    this.persisted = parsePersisted(readJson(this.storage, this.storageKey))
    // A remembered channel must be resumed with the host before it pays again.
    this.phase = this.persisted ? 'reconnecting' : 'idle'
    if (this.persisted) this.blockUntilUsable()
    this.listen()
  }

  // -------------------------------------------------------------------------------------------------------------
  // Reading

  get terms(): Terms | null {
    return this.latestTerms
  }

  /** The host's terms, waiting for the first `terms` message if none arrived yet. */
  waitForTerms(timeoutMs = this.ackTimeoutMs): Promise<Terms> {
    if (this.latestTerms) return Promise.resolve(this.latestTerms)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        try {
          this.fail(hostUnreachable('no terms received'))
        } catch (error) {
          reject(error)
        }
      }, timeoutMs)
      this.termsWaiters.push((terms) => {
        clearTimeout(timer)
        resolve(terms)
      })
    })
  }

  /** True when a channel from an earlier page load is waiting to be resumed. */
  get hasRememberedChannel(): boolean {
    return this.persisted !== null
  }

  snapshot(): SessionSnapshot {
    const p = this.persisted
    const paid = p?.channel.paid ?? 0
    return {
      phase: this.phase,
      channelId: p?.channel.channelId ?? null,
      token: p?.token ?? null,
      cap: p ? p.spentBefore + p.channel.cap : 0,
      spent: (p?.spentBefore ?? 0) + paid,
      paid,
      tips: p?.channel.tips ?? 0,
      segments: (p?.segmentsBefore ?? 0) + (p?.segments ?? 0),
      seconds: (p?.secondsBefore ?? 0) + (p?.seconds ?? 0),
      capacity: p?.channel.funding.satoshis ?? 0,
      pricePerSecond: this.latestTerms?.pricePerSecond ?? null,
      network: this.latestTerms?.network ?? null,
      atCap: this.atCap,
    }
  }

  /** The co-signed refund of the current channel (hex), for the viewer to keep. */
  get refundHex(): string | null {
    return this.persisted?.refundHex ?? null
  }

  /** Past channels of this storage, newest first. */
  history(): HistoryEntry[] {
    const entries = readJson(this.storage, this.historyKey)
    return Array.isArray(entries) ? (entries as HistoryEntry[]) : []
  }

  /** Notes in the history what became of a channel's refund; a failed attempt changes nothing (it is retried). */
  recordRefund(outcome: RefundOutcome): void {
    if (outcome.kind === 'failed') return
    const refund: HistoryEntry['refund'] = outcome.kind === 'reclaimed' ? { status: 'reclaimed', txid: outcome.txid } : { status: 'nothing_left' }
    this.writeHistory(this.history().map((entry) => (entry.summary.channelId === outcome.channelId ? { ...entry, refund } : entry)))
  }

  /** New alert thresholds from the viewer's preferences; those already crossed at the current spend stay quiet. */
  setThresholds(thresholds: readonly AlertThreshold[]): void {
    this.thresholds = thresholds
    const p = this.persisted
    if (p) this.save({ ...p, firedAlerts: rearm(thresholds, p.spentBefore + p.channel.paid, p.spentBefore + p.channel.cap) })
  }

  /** The price of a segment at the host's terms. */
  priceOf(segmentPath: string, durationSeconds: number): number {
    const terms = this.requireTerms()
    return segmentPrice(durationSeconds, terms.pricePerSecond, terms.renditionMultipliers[renditionOf(segmentPath)] ?? 1)
  }

  isSegmentPaid(segmentPath: string): boolean {
    return this.persisted !== null && isPaid(this.persisted.channel, segmentPath)
  }

  // -------------------------------------------------------------------------------------------------------------
  // Opening, resuming

  /**
   * Opens a channel with room for `cap` satoshis of payments: funding from the wallet, refund signed by both and
   * verified here, then the funding handed to the host to broadcast.
   */
  async open(cap: number): Promise<void> {
    if (this.persisted) throw new Error('a channel is already open; close it or raise its cap')
    await this.openChannel(cap, { spentBefore: 0, secondsBefore: 0, segmentsBefore: 0 })
  }

  /**
   * Resumes the remembered channel with the host (after a reload or a reconnect). Returns false when there is none
   * or the host has closed it meanwhile (then it moves to the history, and open() starts afresh).
   */
  async resume(): Promise<boolean> {
    const p = this.persisted
    if (!p) return false
    if (!p.channel.channelId || !p.token) {
      // The page went away between open and fund: the funding may or may not have reached the ledger, so the
      // co-signed refund goes to the history, where it stays usable after its nLockTime.
      this.recordHistory(localSummary(p, 'recovery'), p.refundHex)
      this.forget()
      return false
    }
    this.setPhase('reconnecting')
    const reply = await this.ask('resume', { channelId: p.channel.channelId, token: p.token }, 'resume')
    if (!reply.ok) {
      if (reply.code === 'channel_not_open' || reply.code === 'unknown_channel') {
        this.endedByHost(p, reply, 'idle')
        this.emit('error', channelClosed())
        return false
      }
      this.fail(explainRejection(reply.code, reply.message, 'resume'))
    }
    // After a reload the player has lost its buffer: a segment paid but not received is free to fetch again.
    const fresh: PayerChannel = { ...p.channel, awaitingDelivery: null }
    this.save({ ...p, channel: resyncFrom(fresh, reply.lastUpdate) })
    this.setPhase('open')
    this.markUsable()
    this.emit('resumed', reply)
    return true
  }

  private async openChannel(cap: number, carried: { spentBefore: number; secondsBefore: number; segmentsBefore: number }): Promise<void> {
    this.setPhase('opening')
    try {
      const terms = await this.waitForTerms()
      if (!terms.accepting) this.fail(hostStopped('The host is not accepting new viewers right now.'))
      const utxos = await this.wallet.utxos()
      let opened: ReturnType<typeof openPayerChannel>
      try {
        opened = openPayerChannel({ payerKey: this.wallet.key, terms, cap, utxos })
      } catch (error) {
        if (error instanceof InsufficientFundsError) this.fail(insufficientFunds(error.needed, error.available, terms.network))
        throw error
      }
      const { channel, fundingHex, refund, refundPayerSignature } = opened
      const offer = await this.ask(
        'open',
        {
          payerPublicKey: channel.payerPublicKey,
          fundingTxid: channel.funding.txid,
          fundingVout: channel.funding.vout,
          capacity: channel.funding.satoshis,
          refundTx: withPayerSignature(refund, refundPayerSignature).toHex(),
        },
        'open',
      )
      if (!offer.ok) this.fail(explainRejection(offer.code, offer.message, 'open'))
      // The host's refund signature must hold up in the interpreter before any coin leaves the wallet.
      const refundCheck = acceptRefund(channel, refund, refundPayerSignature, offer.refundPayeeSignature)
      if (!refundCheck.ok) {
        this.fail({
          kind: 'refund_invalid',
          message: `The host's refund signature does not verify (${refundCheck.message}); the channel was not funded.`,
          nextStep: 'Nothing was spent. Do not use this host; report it to its operator.',
        })
      }
      const opening: PersistedSession = {
        version: 1,
        channel: { ...channel, channelId: offer.channelId },
        token: null,
        refundHex: refundCheck.refundHex,
        ...carried,
        seconds: 0,
        segments: 0,
        firedAlerts: rearm(this.thresholds, carried.spentBefore, carried.spentBefore + channel.cap),
        openedAt: Date.now(),
      }
      // Remember the refund before the funding can reach the ledger.
      this.save(opening)
      const funded = await this.ask('fund', { channelId: offer.channelId, fundingTx: fundingHex }, 'fund')
      if (!funded.ok) {
        this.forget()
        this.fail(explainRejection(funded.code, funded.message, 'fund'))
      }
      this.save({ ...opening, token: funded.token })
      this.atCap = false
      this.setPhase('open')
      this.markUsable()
      this.emit('opened', { channelId: offer.channelId, capacity: channel.funding.satoshis, cap: carried.spentBefore + channel.cap })
    } catch (error) {
      if (!this.persisted) {
        this.setPhase('idle')
        // Payments waiting for this channel (after raiseCap closed the old one) wake up and see there is none.
        this.markUsable()
      }
      this.report(error)
      throw error
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Paying

  /**
   * Pays for one segment before it is fetched; resolves with the token to fetch it with once the host acknowledged
   * the payment. Already-paid segments resolve at once. At the cap it waits for raiseCap() (or rejects on close or
   * when `signal` aborts).
   */
  payForSegment(segmentPath: string, durationSeconds: number, signal?: AbortSignal): Promise<{ token: string; charged: number }> {
    return this.serialize(async () => {
      for (let attempt = 0; ; attempt++) {
        await this.untilUsable(signal)
        const p = this.current()
        if (isPaid(p.channel, segmentPath)) return { token: p.token!, charged: 0 }
        const terms = this.requireTerms()
        const price = this.priceOf(segmentPath, durationSeconds)
        const verdict = signSegment(p.channel, this.wallet.key, segmentPath, price, terms.feeRate)
        if (!verdict.ok) {
          if (verdict.reason === 'awaiting_delivery') {
            await this.waitForDelivery(p.channel.awaitingDelivery ?? '?', signal)
          } else {
            this.reachCap(price)
            await this.wait(this.capWaiters, signal)
          }
          continue
        }
        const reply = await this.ask('update', { channelId: p.channel.channelId!, tx: verdict.tx, segment: segmentPath }, 'update')
        if (reply.ok) {
          const now = this.current()
          this.save({ ...now, channel: verdict.channel, seconds: now.seconds + durationSeconds, segments: now.segments + 1 })
          this.afterPayment({ kind: 'segment', segment: segmentPath, amount: price })
          return { token: now.token!, charged: price }
        }
        if (reply.code === 'replay') {
          // The host already counts this segment as paid (our record of it was lost): fetch it for free.
          const now = this.current()
          this.save({ ...now, channel: { ...now.channel, paidSegments: { ...now.channel.paidSegments, [segmentPath]: price } } })
          return { token: now.token!, charged: 0 }
        }
        if ((reply.code === 'stale' || reply.code === 'underpaid') && attempt === 0) {
          // Our idea of the running total differs from the host's: adopt its last accepted update and sign again.
          await this.resync()
          continue
        }
        this.handleRejection(reply, 'update')
      }
    })
  }

  /** Tells the session the paid segment's bytes arrived, which allows paying for the next one. */
  markDelivered(segmentPath: string): void {
    const p = this.persisted
    if (!p || p.channel.awaitingDelivery !== segmentPath) return
    this.save({ ...p, channel: markDelivered(p.channel, segmentPath) })
    const waiters = this.deliveryWaiters
    this.deliveryWaiters = []
    for (const waiter of waiters) waiter.resolve()
  }

  /** A tip to the host; counts against the cap like any payment. */
  tip(amount: number, note?: string): Promise<void> {
    return this.serialize(async () => {
      await this.untilUsable()
      const p = this.current()
      const verdict = signTip(p.channel, this.wallet.key, amount, this.requireTerms().feeRate)
      if (!verdict.ok) {
        const error: ViewerError = {
          kind: 'over_cap',
          message: `A tip of ${amount} sat would go past your cap (${this.snapshot().spent} of ${this.snapshot().cap} sat spent).`,
          nextStep: 'Raise your cap first, or tip less.',
        }
        this.fail(error)
      }
      const reply = await this.ask('tip', { channelId: p.channel.channelId!, tx: verdict.tx, amount, ...(note ? { note } : {}) }, 'tip')
      if (!reply.ok) this.handleRejection(reply, 'tip')
      this.save({ ...this.current(), channel: verdict.channel })
      this.afterPayment({ kind: 'tip', segment: null, amount })
    })
  }

  /**
   * Raises the viewer's total cap. Within the channel's capacity the channel just carries on; beyond it, this
   * channel is settled and a new one opened for the rest, without interrupting the page.
   */
  async raiseCap(newCap: number): Promise<{ newChannel: boolean }> {
    const p = this.current()
    const channelCap = newCap - p.spentBefore
    if (!(channelCap > p.channel.paid)) throw new Error(`the new cap must be above what was spent (${p.spentBefore + p.channel.paid} sat)`)
    const raised = raisePayerCap(p.channel, channelCap)
    if (!raised.needsNewChannel) {
      this.save({ ...p, channel: raised.channel, firedAlerts: rearm(this.thresholds, p.spentBefore + p.channel.paid, newCap) })
      this.capRaised(newCap, false)
      return { newChannel: false }
    }
    // Settle what this channel carries, then open one for the remainder of the new cap.
    this.setPhase('closing')
    this.blockUntilUsable()
    const summary = await this.closeChannel(p, { final: false })
    const spentBefore = p.spentBefore + summary.paid
    await this.openChannel(newCap - spentBefore, {
      spentBefore,
      secondsBefore: p.secondsBefore + p.seconds,
      segmentsBefore: p.segmentsBefore + p.segments,
    })
    this.capRaised(newCap, true)
    return { newChannel: true }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Closing

  /** Asks the host to settle now; resolves with its summary (close txid, change returned). */
  async close(): Promise<SettlementSummary> {
    const p = this.current()
    this.setPhase('closing')
    this.cancelWaiters(new PaymentCancelled('the channel is being settled'))
    return this.closeChannel(p, { final: true })
  }

  /**
   * Best effort when the page goes away: sends `close` without waiting for the answer and records what is known
   * locally. The host settles the channel on its own anyway when it goes idle.
   */
  closeOnLeave(): void {
    const p = this.persisted
    if (!p?.channel.channelId || !p.token) return
    this.socket.emit('close', { channelId: p.channel.channelId }, () => {})
    this.recordHistory(localSummary(p, 'viewer'), p.channel.paid === 0 ? p.refundHex : undefined)
    this.forget()
  }

  /** Applies the last update a host echoed in a 402 body: after it, paying for the segment again is right. */
  resyncFromPaymentRequired(body: { channelId: string | null; segment?: string; lastUpdate: LastUpdate | null }): void {
    const p = this.persisted
    if (!p || body.channelId !== p.channel.channelId) return
    let channel = resyncFrom(p.channel, body.lastUpdate)
    if (body.segment && channel.paidSegments[body.segment] !== undefined) {
      // The host says this segment is unpaid: forget our record of it, so the next attempt pays.
      const { [body.segment]: _dropped, ...rest } = channel.paidSegments
      channel = { ...channel, paidSegments: rest }
    }
    if (body.segment && channel.awaitingDelivery === body.segment) channel = { ...channel, awaitingDelivery: null }
    this.save({ ...p, channel })
  }

  /** Stops listening to the socket (the caller owns it and disconnects it). Pending payments are cancelled. */
  dispose(): void {
    this.cancelWaiters(new PaymentCancelled('the session was disposed'))
    this.socket.off('terms', this.onTerms)
    this.socket.off('settled', this.onSettled)
    this.socket.off('hostStatus', this.onHostStatus)
    this.socket.off('protocolError', this.onProtocolError)
    this.socket.off('connect', this.onConnect)
    this.socket.off('disconnect', this.onDisconnect)
  }

  // -------------------------------------------------------------------------------------------------------------
  // Internals

  private async closeChannel(p: PersistedSession, info: { final: boolean }): Promise<SettlementSummary> {
    const reply = await this.ask('close', { channelId: p.channel.channelId! }, 'close')
    if (!reply.ok) {
      if (reply.code === 'channel_not_open' || reply.code === 'unknown_channel') {
        // Already settled by the host (idle, deadline) while we were not looking.
        return this.endedByHost(p, reply, 'viewer', info)
      }
      this.fail(explainRejection(reply.code, reply.message, 'close'))
    }
    const { ok: _ok, ...summary } = reply
    this.finishChannel(summary, p, info)
    return summary
  }

  private finishChannel(summary: SettlementSummary, p: PersistedSession, info: { final: boolean }): void {
    this.recordHistory(summary, summary.closeTxid === null ? p.refundHex : undefined)
    this.forget()
    this.setPhase(info.final ? 'closed' : 'closing')
    this.emit('settled', summary, info)
  }

  private listen(): void {
    this.socket.on('terms', this.onTerms)
    this.socket.on('settled', this.onSettled)
    this.socket.on('hostStatus', this.onHostStatus)
    this.socket.on('protocolError', this.onProtocolError)
    this.socket.on('connect', this.onConnect)
    this.socket.on('disconnect', this.onDisconnect)
    if (this.socket.connected) this.connectedOnce = true
  }

  private readonly onTerms = (terms: Terms): void => {
    this.latestTerms = terms
    const waiters = this.termsWaiters
    this.termsWaiters = []
    for (const waiter of waiters) waiter(terms)
    this.emit('terms', terms)
    this.emit('change', this.snapshot())
  }

  private readonly onSettled = (summary: SettlementSummary): void => {
    const p = this.persisted
    if (!p || summary.channelId !== p.channel.channelId) return
    this.cancelWaiters(new PaymentCancelled('the host settled the channel'))
    this.finishChannel(summary, p, { final: true })
    if (summary.reason === 'host_stopped') this.emit('error', hostStopped())
    else if (summary.reason !== 'viewer') this.emit('error', channelClosed())
  }

  private readonly onHostStatus = (status: { accepting: boolean; reason?: string }): void => {
    this.emit('hostStatus', status)
  }

  private readonly onProtocolError = (error: { code: string; message: string; event?: string }): void => {
    console.warn(`host protocol error ${error.code}: ${error.message}`)
  }

  private readonly onConnect = (): void => {
    // The first connection is the caller's to act on (resume or open); later ones are reconnects we handle.
    if (!this.connectedOnce) {
      this.connectedOnce = true
      return
    }
    if (this.persisted?.token) {
      this.resume().catch((error: unknown) => this.report(error))
    }
  }

  private readonly onDisconnect = (): void => {
    if (this.persisted?.token && this.phase === 'open') {
      this.setPhase('reconnecting')
      this.blockUntilUsable()
    }
  }

  private async resync(): Promise<void> {
    const p = this.current()
    const reply = await this.ask('resume', { channelId: p.channel.channelId!, token: p.token! }, 'resume')
    if (!reply.ok) this.handleRejection(reply, 'resume')
    this.save({ ...this.current(), channel: resyncFrom(this.current().channel, reply.lastUpdate) })
  }

  private handleRejection(rejection: Rejection, during: Parameters<typeof explainRejection>[2]): never {
    const { code } = rejection
    if (code === 'channel_not_open' || code === 'unknown_channel' || code === 'host_stopped') {
      const p = this.persisted
      if (p) this.endedByHost(p, rejection, code === 'host_stopped' ? 'host_stopped' : 'idle')
    }
    this.fail(explainRejection(code, rejection.message, during))
  }

  /** The host no longer has this channel open: its summary of how it ended when it sent one, else our own ledger. */
  private endedByHost(p: PersistedSession, rejection: Rejection, reason: SettlementSummary['reason'], info = { final: true }): SettlementSummary {
    const summary = rejection.settlement ?? localSummary(p, reason)
    this.finishChannel(summary, p, info)
    return summary
  }

  private afterPayment(payment: { kind: 'segment' | 'tip'; segment: string | null; amount: number }): void {
    const p = this.current()
    const spent = p.spentBefore + p.channel.paid
    const cap = p.spentBefore + p.channel.cap
    const crossed = crossedThresholds(this.thresholds, p.firedAlerts, spent, cap)
    if (crossed.fired.length !== p.firedAlerts.length) this.save({ ...p, firedAlerts: crossed.fired })
    this.emit('paid', { ...payment, spent, cap })
    for (const alert of crossed.alerts) this.emit('alert', alert)
    this.emit('change', this.snapshot())
  }

  private reachCap(price: number): void {
    if (this.atCap) return
    this.atCap = true
    const snapshot = this.snapshot()
    this.emit('capReached', { spent: snapshot.spent, cap: snapshot.cap, price })
    this.emit('change', this.snapshot())
  }

  private capRaised(cap: number, newChannel: boolean): void {
    this.atCap = false
    const waiters = this.capWaiters
    this.capWaiters = []
    for (const waiter of waiters) waiter.resolve()
    this.emit('capRaised', { cap, newChannel })
    this.emit('change', this.snapshot())
  }

  private async waitForDelivery(segment: string, signal?: AbortSignal): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.emit('error', deliveryTimeout(segment))
        reject(new ViewerFailure(deliveryTimeout(segment)))
      }, this.deliveryTimeoutMs)
    })
    try {
      await Promise.race([this.wait(this.deliveryWaiters, signal), timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  private wait(list: Waiter[], signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new PaymentCancelled('aborted'))
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort)
          reject(error)
        },
      }
      const onAbort = () => {
        const index = list.indexOf(waiter)
        if (index >= 0) list.splice(index, 1)
        reject(new PaymentCancelled('aborted'))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      list.push(waiter)
    })
  }

  private cancelWaiters(error: Error): void {
    const waiters = [...this.capWaiters, ...this.deliveryWaiters]
    this.capWaiters = []
    this.deliveryWaiters = []
    for (const waiter of waiters) waiter.reject(error)
  }

  private blockUntilUsable(): void {
    this.usable = new Promise((resolve) => {
      this.markUsable = resolve
    })
  }

  private async untilUsable(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new PaymentCancelled('aborted')
    await this.usable
    if (!this.persisted?.token) throw new ViewerFailure(channelClosed())
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task)
    // The queue itself never rejects, so one failed payment does not poison the next.
    this.queue = run.catch(() => undefined)
    return run
  }

  /** One request/answer with the host, with a timeout that turns silence into a "host unreachable" error. */
  private async ask<E extends 'open' | 'fund' | 'resume' | 'update' | 'tip' | 'close'>(
    event: E,
    request: Parameters<ClientToServerEvents[E]>[0],
    during: Parameters<typeof explainRejection>[2],
  ): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]> {
    try {
      // socket.io's typings cannot follow a generic event name; the request type is checked at our call sites.
      const emitter = this.socket.timeout(this.ackTimeoutMs) as unknown as {
        emitWithAck(event: string, request: unknown): Promise<Reply<object>>
      }
      return (await emitter.emitWithAck(event, request)) as Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]
    } catch (error) {
      this.fail(hostUnreachable(`no answer to "${during}" within ${Math.round(this.ackTimeoutMs / 1000)} s`))
    }
  }

  /** Tells the UI, then throws: every ViewerFailure passes through here exactly once. */
  private fail(error: ViewerError): never {
    this.emit('error', error)
    throw new ViewerFailure(error)
  }

  /** For errors that did not come through fail(): programming errors and surprises from libraries. */
  private report(error: unknown): void {
    if (error instanceof ViewerFailure || error instanceof PaymentCancelled) return
    this.emit('error', {
      kind: 'update_rejected',
      message: error instanceof Error ? error.message : String(error),
      nextStep: 'Reload the page; your channel resumes where it was.',
    })
  }

  private current(): PersistedSession {
    if (!this.persisted) throw new ViewerFailure(channelClosed())
    return this.persisted
  }

  private requireTerms(): Terms {
    if (!this.latestTerms) throw new ViewerFailure(hostUnreachable('no terms received yet'))
    return this.latestTerms
  }

  private save(next: PersistedSession): void {
    this.persisted = next
    writeJson(this.storage, this.storageKey, next)
  }

  private forget(): void {
    this.persisted = null
    this.storage.removeItem(this.storageKey)
  }

  private recordHistory(summary: SettlementSummary, refundHex?: string): void {
    const entry: HistoryEntry = { summary, settledAt: Date.now(), ...(refundHex ? { refundHex } : {}) }
    const others = this.history().filter((e) => e.summary.channelId !== summary.channelId)
    this.writeHistory([entry, ...others])
  }

  /** Only the newest entries are kept, except those whose refund is still to be sent: those are the viewer's coins. */
  private writeHistory(entries: HistoryEntry[]): void {
    const kept = entries.filter((entry, index) => index < HISTORY_LIMIT || holdsUnsentRefund(entry))
    writeJson(this.storage, this.historyKey, kept)
  }

  private setPhase(phase: SessionPhase): void {
    this.phase = phase
    this.emit('change', this.snapshot())
  }
}

/** What we know of a channel the host settled without telling us (or that we left): our own ledger of it. */
function localSummary(p: PersistedSession, reason: SettlementSummary['reason']): SettlementSummary {
  const paid = p.channel.paid
  return {
    channelId: p.channel.channelId ?? 'unopened',
    reason,
    seconds: p.seconds,
    segments: p.segments,
    paid,
    tips: p.channel.tips,
    fee: paid > 0 ? p.channel.fee : 0,
    change: paid > 0 ? p.channel.funding.satoshis - paid - p.channel.fee : 0,
    capacity: p.channel.funding.satoshis,
    closeTxid: null,
    ...(paid > 0 ? {} : { refundAfterHeight: p.channel.lockTime }),
  }
}

function parsePersisted(value: unknown): PersistedSession | null {
  if (typeof value !== 'object' || value === null) return null
  const v = value as Partial<PersistedSession>
  if (v.version !== 1 || typeof v.channel !== 'object' || v.channel === null || typeof v.refundHex !== 'string') return null
  if (typeof v.channel.paid !== 'number' || typeof v.channel.cap !== 'number') return null
  return {
    version: 1,
    channel: v.channel,
    token: typeof v.token === 'string' ? v.token : null,
    refundHex: v.refundHex,
    spentBefore: num(v.spentBefore),
    secondsBefore: num(v.secondsBefore),
    segmentsBefore: num(v.segmentsBefore),
    seconds: num(v.seconds),
    segments: num(v.segments),
    firedAlerts: Array.isArray(v.firedAlerts) ? v.firedAlerts.filter((f): f is number => typeof f === 'number') : [],
    openedAt: num(v.openedAt),
  }
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}
