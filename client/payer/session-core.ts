// What a channel session holds and how it reports: the remembered channel and its totals, the past channels, the
// phase, the gates payments wait at, and the one way failures reach the viewer. The flows with the host that move
// all this (open, pay, close) are ChannelSession's, in session.ts.
import type { ClientEvent, CloseReason, Rejection, ReplyOf, RequestOf, SettlementSummary, Terms } from '../../protocol/messages.ts'
import { keepsRefund } from '../../protocol/settlement.ts'
import { crossedThresholds, DEFAULT_THRESHOLDS, rearm, type AlertThreshold } from './cap-alerts.ts'
import type { LimitState } from './budgets.ts'
import { TypedEmitter } from './emitter.ts'
import { SessionHistory, type HistoryEntry, type ViewingRecord } from './history.ts'
import { HostLink } from './host-link.ts'
import { HostSilent } from './host-request.ts'
import { localSummary, SessionMemory, totalsOf, walletReturnOf, type PersistedSession } from './persisted-session.ts'
import { importedRefundSummary, type KeptRefund } from './refund-backup.ts'
import { pendingRefunds, refundRecord, type RefundOutcome } from './refunds.ts'
import { nextPhase, type PhaseEvent, type SessionPhase } from './session-phase.ts'
import type { ChannelWallet } from './channel-wallet.ts'
import type { ChannelSessionOptions, SessionEvents, SessionSnapshot } from './session-types.ts'
import type { BudgetGuard } from './spending-book.ts'
import { channelClosed, hostUnreachable, ViewerFailure, type ViewerError } from './viewer-errors.ts'
import { Gate, PaymentCancelled, WaiterList } from './waiting.ts'

export abstract class SessionCore extends TypedEmitter<SessionEvents> {
  protected readonly host: HostLink
  protected readonly wallet: ChannelWallet
  protected readonly memory: SessionMemory
  protected readonly pastChannels: SessionHistory
  protected thresholds: readonly AlertThreshold[]
  protected readonly budget: BudgetGuard | null
  private readonly label: { host: string; stream: string } | null
  protected readonly clock: () => number
  protected persisted: PersistedSession | null
  protected phase: SessionPhase
  /** Open whenever the channel is usable: open and, after a reconnect, resumed; or its funding on its way. */
  protected readonly usable = new Gate()
  /**
   * While "fund" is on its way: settles once its answer is handled (the channel open with its token, or gone). A
   * payment may be signed and sent meanwhile: the host handles it after the funding (docs/protocol.md, fund).
   */
  protected fundInFlight: Promise<void> | null = null
  /** Meanwhile, the channel's token as "open" gave it (null from a host that gives it only at funding). */
  protected fundingToken: string | null = null
  protected readonly deliveries = new WaiterList()
  protected readonly capRaises = new WaiterList()
  /** Callers waiting for the channel's next accepted payment (a companion waits for the programme's). */
  protected readonly paymentsMade = new WaiterList()
  protected atCap = false

  constructor(options: ChannelSessionOptions) {
    super()
    this.host = new HostLink(options.socket, options.ackTimeoutMs ?? 20_000, options.earlyTerms ?? null)
    this.wallet = options.wallet
    const storageKey = options.storageKey ?? 'p2p.session'
    this.memory = new SessionMemory(options.storage, storageKey)
    this.clock = options.clock ?? Date.now
    this.pastChannels = new SessionHistory(options.storage, `${storageKey}.history`, this.clock)
    this.budget = options.budget ?? null
    this.label = options.label ?? null
    this.thresholds = options.thresholds ?? DEFAULT_THRESHOLDS
    this.persisted = this.memory.load()
    // A remembered channel must be resumed with the host before it pays again.
    this.phase = this.persisted ? 'reconnecting' : 'idle'
    if (this.persisted) this.usable.close()
  }

  get terms(): Terms | null {
    return this.host.terms
  }

  /** The host's terms, waiting for the first `terms` message if none arrived yet. */
  waitForTerms(timeoutMs?: number): Promise<Terms> {
    return this.host.waitForTerms(timeoutMs).catch((error: unknown) => this.failSilent(error))
  }

  /** True when a channel from an earlier page load is waiting to be resumed. */
  get hasRememberedChannel(): boolean {
    return this.persisted !== null
  }

  snapshot(): SessionSnapshot {
    const p = this.persisted
    const totals = p ? totalsOf(p) : { spent: 0, cap: 0, seconds: 0, segments: 0 }
    return {
      phase: this.phase,
      channelId: p?.channel.channelId ?? null,
      token: p?.token ?? null,
      ...totals,
      paid: p?.channel.paid ?? 0,
      tips: p?.channel.tips ?? 0,
      capacity: p?.channel.funding.satoshis ?? 0,
      pricePerSecond: this.host.terms?.pricePerSecond ?? null,
      network: this.host.terms?.network ?? null,
      atCap: this.atCap,
    }
  }

  /** Past channels of this storage, newest first. */
  history(): HistoryEntry[] {
    return this.pastChannels.entries()
  }

  /** Every co-signed refund this viewer may still need, for a backup: those waiting in the history, and the open channel's. */
  keptRefunds(): KeptRefund[] {
    const waiting = this.history().flatMap((entry) => {
      const pending = pendingRefunds([entry])[0]
      return pending ? [{ channelId: pending.channelId, refundHex: pending.refundHex, ...(entry.returnTo ? { returnTo: entry.returnTo } : {}) }] : []
    })
    const p = this.persisted
    const returnTo = p ? walletReturnOf(p.channel) : undefined
    return p?.channel.channelId ? [{ channelId: p.channel.channelId, refundHex: p.refundHex, ...(returnTo ? { returnTo } : {}) }, ...waiting] : waiting
  }

  /** Refunds from a backup join the history as waiting ones (those already there are left as they are). */
  adoptRefunds(refunds: readonly KeptRefund[]): void {
    const known = new Set(this.history().map((entry) => entry.summary.channelId))
    for (const refund of refunds) if (!known.has(refund.channelId)) this.pastChannels.record(importedRefundSummary(refund), refund.refundHex, refund.returnTo)
  }

  /** Notes in the history the media time watched in a channel's viewing (the player measures it). */
  recordWatched(channelId: string, seconds: number): void {
    this.pastChannels.recordWatched(channelId, seconds)
  }

  /** Notes in the history that the viewer's wallet took in what `txid` returned from the channel. */
  recordTakenBack(channelId: string, txid: string): void {
    this.pastChannels.recordTakenBack(channelId, txid)
  }

  /** Notes in the history what became of a channel's refund; a failed attempt changes nothing (it is retried). */
  recordRefund(outcome: RefundOutcome): void {
    const record = refundRecord(outcome)
    if (record) this.pastChannels.recordRefund(outcome.channelId, record)
  }

  /** New alert thresholds from the viewer's preferences; those already crossed at the current spend stay quiet. */
  setThresholds(thresholds: readonly AlertThreshold[]): void {
    this.thresholds = thresholds
    const p = this.persisted
    if (!p) return
    const { spent, cap } = totalsOf(p)
    this.save({ ...p, firedAlerts: rearm(thresholds, spent, cap) })
  }

  /** The host or monthly limit a payment of `amount` would pass now, or null. */
  limitBlocking(amount: number): LimitState | null {
    return this.budget?.blocking(amount) ?? null
  }

  /** The viewer changed a limit: payments waiting at one try again (and wait again if it still holds). */
  limitsChanged(): void {
    this.atCap = false
    this.capRaises.resolveAll()
    this.emit('change', this.snapshot())
  }

  /** The viewer stopped while a limit held an opening back: it gives up (and the next one asks again). */
  stopWaiting(): void {
    this.atCap = false
    this.capRaises.rejectAll(new PaymentCancelled('stopped by the viewer'))
  }

  /** What a receipt names besides the summary: where, what, when it opened, and its funding. */
  protected viewingOf(p: PersistedSession): ViewingRecord | undefined {
    if (!this.label) return undefined
    return { ...this.label, fundingTxid: p.channel.funding.txid, ...(p.openedAt !== undefined ? { openedAt: p.openedAt } : {}) }
  }

  protected finishChannel(summary: SettlementSummary, p: PersistedSession, info: { final: boolean }): void {
    this.pastChannels.record(summary, keepsRefund(summary) ? p.refundHex : undefined, walletReturnOf(p.channel), this.viewingOf(p))
    this.forget()
    // Whatever limit held this channel, the next payment or opening asks again.
    this.atCap = false
    this.move({ type: 'settled', final: info.final })
    this.emit('settled', summary, info)
  }

  /** The host no longer has this channel open: its summary of how it ended when it sent one, else our own books. */
  protected endedByHost(p: PersistedSession, rejection: Rejection, reason: CloseReason, info = { final: true }): SettlementSummary {
    const summary = rejection.settlement ?? localSummary(p, reason)
    this.finishChannel(summary, p, info)
    return summary
  }

  protected afterPayment(payment: { kind: 'segment' | 'tip'; segment: string | null; amount: number }): void {
    const p = this.current()
    const { spent, cap } = totalsOf(p)
    const crossed = crossedThresholds(this.thresholds, p.firedAlerts, spent, cap)
    if (crossed.fired.length !== p.firedAlerts.length) this.save({ ...p, firedAlerts: crossed.fired })
    const budgetAlerts = this.budget?.spent(payment.amount) ?? []
    this.emit('paid', { ...payment, spent, cap })
    this.paymentsMade.resolveAll()
    for (const alert of crossed.alerts) this.emit('alert', alert)
    for (const alert of budgetAlerts) this.emit('budgetAlert', alert)
    this.emit('change', this.snapshot())
  }

  protected reachCap(price: number): void {
    if (this.atCap) return
    this.atCap = true
    const snapshot = this.snapshot()
    this.emit('capReached', { spent: snapshot.spent, cap: snapshot.cap, price })
    this.emit('change', this.snapshot())
  }

  /** Like the cap: the first payment a host or monthly limit stops asks the viewer once, and waits. */
  protected reachLimit(limit: LimitState, price: number): void {
    if (this.atCap) return
    this.atCap = true
    this.emit('limitReached', { limit, price })
    this.emit('change', this.snapshot())
  }

  protected capRaised(cap: number, newChannel: boolean): void {
    this.atCap = false
    this.capRaises.resolveAll()
    this.emit('capRaised', { cap, newChannel })
    this.emit('change', this.snapshot())
  }

  protected cancelWaiters(error: Error): void {
    this.capRaises.rejectAll(error)
    this.deliveries.rejectAll(error)
    this.paymentsMade.rejectAll(error)
  }

  /** One request/answer with the host; silence past the timeout becomes a "host unreachable" error. */
  protected ask<E extends ClientEvent>(event: E, payload: RequestOf<E>): Promise<ReplyOf<E>> {
    return this.host.ask(event, payload).catch((error: unknown) => this.failSilent(error))
  }

  protected failSilent(error: unknown): never {
    if (error instanceof HostSilent) this.fail(hostUnreachable(error.message))
    throw error
  }

  /** Tells the UI, then throws: every ViewerFailure passes through here exactly once. */
  protected fail(error: ViewerError): never {
    this.emit('error', error)
    throw new ViewerFailure(error)
  }

  /** For errors that did not come through fail(): programming errors and surprises from libraries. */
  protected report(error: unknown): void {
    if (error instanceof ViewerFailure || error instanceof PaymentCancelled) return
    this.emit('error', {
      kind: 'update_rejected',
      message: error instanceof Error ? error.message : String(error),
      nextStep: 'Reload the page; your channel resumes where it was.',
    })
  }

  protected current(): PersistedSession {
    if (!this.persisted) throw new ViewerFailure(channelClosed())
    return this.persisted
  }

  /** The channel's token, once a funding on its way has been answered; a refused funding leaves no channel. */
  protected async fundedToken(): Promise<string> {
    await this.fundInFlight
    const token = this.persisted?.token
    if (!token) throw new ViewerFailure(channelClosed())
    return token
  }

  protected requireTerms(): Terms {
    if (!this.host.terms) throw new ViewerFailure(hostUnreachable('no terms received yet'))
    return this.host.terms
  }

  protected save(next: PersistedSession): void {
    this.persisted = next
    this.memory.save(next)
  }

  /**
   * The remembered opening whose funding may or may not have reached the ledger goes to the history with its
   * co-signed refund, where the refund stays usable after its nLockTime.
   */
  protected shelve(): void {
    const p = this.persisted
    if (p) this.pastChannels.record(localSummary(p, 'recovery'), p.refundHex, walletReturnOf(p.channel), this.viewingOf(p))
    this.forget()
  }

  protected forget(): void {
    this.persisted = null
    this.memory.forget()
  }

  protected move(event: PhaseEvent): void {
    this.phase = nextPhase(this.phase, event)
    this.emit('change', this.snapshot())
  }
}
