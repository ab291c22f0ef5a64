// One viewer's payment channel with one host, over Socket.IO. Isomorphic: the browser player and the Node viewer
// fleet both drive it. Every decision is pure and lives elsewhere: what to sign and how to read the host's replies
// (payer.ts), where the session stands (session-phase.ts), the totals (persisted-session.ts). This class does the
// talking, the waiting and the remembering around them.
//
// Safety rules it keeps:
// - the funding goes to the host only after the host's refund signature passed the full script interpreter;
// - payments are serialized, and never more than one paid segment is waiting to be delivered;
// - nothing is signed past the viewer's cap: at the cap it waits for raiseCap() or close();
// - nor past a host or monthly limit (the budget guard): there it waits for limitsChanged() or close().
import type { PaidEntries } from '../../protocol/hls/entry-charge.ts'
import { type ClientEvent, type FundingLostNotice, type SettlementSummary } from '../../protocol/messages.ts'
import { isFundingLoss } from '../../protocol/funding-loss.ts'
import type { PaymentRequiredBody } from '../../protocol/paywall.ts'
import { keepsRefund } from '../../protocol/settlement.ts'
import { limitName } from './budgets.ts'
import { rearm } from './cap-alerts.ts'
import { openWithHost, type OpeningSteps } from './channel-opening.ts'
import {
  afterPaymentRequired,
  draftSegment,
  draftTip,
  endedBy,
  markDelivered,
  raiseCap as raisePayerCap,
  reactToTip,
  reactToUpdate,
  resumedChannel,
  resyncFrom,
  sealPayment,
  type UpdateReaction,
} from './payer.ts'
import { paidEntriesOf } from './paid-entries.ts'
import { carriedAfter, localSummary, NOTHING_CARRIED, totalsOf, walletReturnOf, type CarriedTotals, type PersistedSession } from './persisted-session.ts'
import type { ChargeOf, Paid } from './segment-purchase.ts'
import { SessionCore } from './session-core.ts'
import type { ChannelSessionOptions } from './session-types.ts'
import { timed } from './timeline.ts'
import { channelClosed, deliveryTimeout, explainRejection, fundingLost, hostStopped, ViewerFailure } from './viewer-errors.ts'
import { PaymentCancelled, SerialQueue } from './waiting.ts'

export class ChannelSession extends SessionCore {
  private readonly deliveryTimeoutMs: number

  private readonly payments = new SerialQueue()
  /** The channel whose lost funding the viewer was already told of (its `settled` then says nothing more). */
  private toldLost: string | null = null

  constructor(options: ChannelSessionOptions) {
    super(options)
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? 60_000
    this.host.on('terms', (terms) => {
      this.emit('terms', terms)
      this.emit('change', this.snapshot())
    })
    this.host.on('settled', (summary) => this.settledByHost(summary))
    this.host.on('hostStatus', (status) => this.emit('hostStatus', status))
    this.host.on('fundingLost', (notice) => this.fundingLostByHost(notice))
    this.host.on('reconnected', () => {
      if (this.persisted?.token) this.resume().catch((error: unknown) => this.report(error))
    })
    this.host.on('disconnected', () => {
      if (!this.persisted?.token || this.phase !== 'open') return
      this.move({ type: 'disconnected' })
      this.usable.close()
    })
  }

  /**
   * Opens a channel with room for `cap` satoshis of payments: funding from the wallet, refund signed by both and
   * verified here, then the funding handed to the host to broadcast.
   */
  async open(cap: number, fundSent?: () => void): Promise<void> {
    if (this.persisted) throw new Error('a channel is already open; close it or raise its cap')
    // A channel that could buy nothing would only lock the viewer's coins: at a reached limit, ask first.
    for (let limit = this.limitBlocking(1); limit !== null; limit = this.limitBlocking(1)) {
      this.reachLimit(limit, 1)
      await this.capRaises.wait()
    }
    if (this.persisted) throw new Error('a channel is already open; close it or raise its cap')
    await this.openChannel(cap, NOTHING_CARRIED, fundSent)
  }

  /**
   * Resumes the remembered channel with the host (after a reload or a reconnect). Returns false when there is none
   * or the host has closed it meanwhile (then it moves to the history, and open() starts afresh).
   */
  async resume(): Promise<boolean> {
    const p = this.persisted
    if (!p) return false
    if (!p.channel.channelId || !p.token) {
      // The page went away between open and fund: the funding may or may not have reached the ledger.
      this.shelve()
      return false
    }
    this.move({ type: 'resume_started' })
    const reply = await timed('resume', () => this.ask('resume', { channelId: p.channel.channelId!, token: p.token! }))
    if (!reply.ok) {
      const ended = endedBy(reply.code)
      if (ended === 'idle' || isFundingLoss(ended)) {
        this.endedByHost(p, reply, ended)
        this.emit('error', isFundingLoss(ended) ? fundingLost(ended) : channelClosed())
        return false
      }
      this.fail(explainRejection(reply.code, reply.message, 'resume'))
    }
    this.save({ ...p, channel: resumedChannel(p.channel, reply.lastUpdate) })
    this.move({ type: 'resumed' })
    this.usable.open()
    this.emit('resumed', reply)
    return true
  }

  /**
   * `fundSent` hears when "fund" is on its way: payments may start then, each update right behind the funding (see
   * fundInFlight), one round trip sooner than after its answer.
   */
  private async openChannel(cap: number, carried: CarriedTotals, fundSent?: () => void): Promise<void> {
    this.move({ type: 'open_started' })
    let opened = () => {}
    const done = new Promise<void>((resolve) => (opened = resolve))
    try {
      const terms = await this.waitForTerms()
      const openedAt = this.clock()
      const steps: OpeningSteps = {
        ask: (event, payload) => this.ask(event, payload),
        fail: (error) => this.fail(error),
        remember: (opening) => this.save({ ...opening, openedAt }),
        forget: () => this.forget(),
        shelve: () => this.shelve(),
        fundSent: (token) => {
          this.fundInFlight = done
          this.fundingToken = token
          this.usable.open()
          fundSent?.()
        },
      }
      const funded = await openWithHost(steps, { terms, wallet: this.wallet, cap, carried, thresholds: this.thresholds })
      this.save({ ...funded, openedAt })
      this.atCap = false
      this.move({ type: 'funded' })
      this.usable.open()
      this.emit('opened', { channelId: funded.channel.channelId!, capacity: funded.channel.funding.satoshis, cap: totalsOf(funded).cap })
    } catch (error) {
      this.move({ type: 'open_failed', remembered: this.persisted !== null })
      // Payments waiting for this channel (after raiseCap closed the old one) wake up and see there is none.
      if (!this.persisted) this.usable.open()
      this.report(error)
      throw error
    } finally {
      this.fundInFlight = null
      this.fundingToken = null
      opened()
    }
  }

  /** What the current channel has paid for; null without one. */
  paidEntries(): PaidEntries | null {
    return this.persisted ? paidEntriesOf(this.persisted.channel) : null
  }

  /** The current channel's token, once the channel is usable. */
  async channelToken(signal?: AbortSignal): Promise<string> {
    await this.untilUsable(signal)
    return this.fundedToken()
  }

  /** Resolves at the channel's next accepted payment. */
  nextPayment(signal?: AbortSignal): Promise<void> {
    return this.paymentsMade.wait(signal)
  }

  /**
   * Pays for one segment (or part) before it is fetched, at what `chargeOf` says it is due given what the channel has
   * paid; resolves with the token to fetch it with once the host acknowledged the payment. Entries with nothing due
   * resolve at once. At the cap it waits for raiseCap() (or rejects on close or when `signal` aborts). `sent` hears the
   * token as soon as the update is on its way.
   */
  payForSegment(segment: string, chargeOf: ChargeOf, signal?: AbortSignal, sent?: (token: string) => void): Promise<Paid> {
    return this.payments.run(async () => {
      let resynced = false
      for (;;) {
        await this.untilUsable(signal)
        const p = this.current()
        const charge = chargeOf(paidEntriesOf(p.channel))
        if (charge.kind !== 'due') return { token: await this.fundedToken(), charged: 0 }
        const terms = this.requireTerms()
        const price = charge.amount
        const draft = draftSegment(p.channel, segment, price, terms.feeRate)
        if (!draft.ok) {
          if (draft.reason === 'awaiting_delivery') {
            await this.waitForDelivery(p.channel.awaitingDelivery ?? '?', signal)
          } else {
            this.reachCap(price)
            await this.capRaises.wait(signal)
          }
          continue
        }
        const limit = this.limitBlocking(price)
        if (limit !== null) {
          this.reachLimit(limit, price)
          await this.capRaises.wait(signal)
          continue
        }
        const signed = sealPayment(draft, await this.wallet.sign(p.channel, draft.preimage))
        const behindFunding = this.fundInFlight !== null
        const replied = timed('first update', () => this.ask('update', { channelId: p.channel.channelId!, tx: signed.tx, segment }))
        // The segment's request may go beside the update and wait for it at the host (edge mode's URL comes in the answer).
        const token = behindFunding ? this.fundingToken : p.token
        if (sent && token && terms.delivery !== 'edge') sent(token)
        if (behindFunding) {
          // Sent right behind a funding still on its way: its answer comes first and says whether there is a channel;
          // when there is none, this update's refusal is not read.
          replied.catch(() => undefined)
          await this.fundedToken()
        }
        const reply = await replied
        const now = this.current()
        const reaction = reactToUpdate({ channel: now.channel, signed: signed.channel, segment, price, reply, resynced })
        if (reaction.kind === 'paid') {
          this.save({ ...now, channel: reaction.channel, seconds: now.seconds + charge.seconds, segments: now.segments + 1 })
          this.afterPayment({ kind: 'segment', segment, amount: price })
          return { token: now.token!, charged: price, ...(reply.ok && reply.segmentUrl ? { url: reply.segmentUrl } : {}) }
        }
        if (reaction.kind === 'already_paid') {
          this.save({ ...now, channel: reaction.channel })
          return { token: now.token!, charged: 0 }
        }
        if (reaction.kind === 'resync') {
          resynced = true
          await this.resync()
          continue
        }
        this.refused(reaction, 'update')
      }
    })
  }

  /** Tells the session the paid segment's bytes arrived, which allows paying for the next one. */
  markDelivered(segmentPath: string): void {
    const p = this.persisted
    if (!p || p.channel.awaitingDelivery !== segmentPath) return
    this.save({ ...p, channel: markDelivered(p.channel, segmentPath) })
    this.deliveries.resolveAll()
  }

  /** A tip to the host; counts against the cap like any payment. */
  tip(amount: number, note?: string): Promise<void> {
    return this.payments.run(async () => {
      await this.untilUsable()
      await this.fundedToken()
      const p = this.current()
      const draft = draftTip(p.channel, amount, this.requireTerms().feeRate)
      if (!draft.ok) {
        const { spent, cap } = totalsOf(p)
        this.fail({ kind: 'over_cap', message: `A tip of ${amount} sat would go past your cap (${spent} of ${cap} sat spent).`, nextStep: 'Raise your cap first, or tip less.' })
      }
      const limit = this.limitBlocking(amount)
      if (limit !== null) {
        this.fail({ kind: 'over_cap', message: `A tip of ${amount} sat would go past your ${limitName(limit)} (${limit.spent} of ${limit.limit} sat spent).`, nextStep: 'Raise that limit in your preferences first, or tip less.' })
      }
      const signed = sealPayment(draft, await this.wallet.sign(p.channel, draft.preimage))
      const reply = await this.ask('tip', { channelId: p.channel.channelId!, tx: signed.tx, amount, ...(note ? { note } : {}) })
      const reaction = reactToTip(signed.channel, reply)
      if (reaction.kind !== 'paid') this.refused(reaction, 'tip')
      this.save({ ...this.current(), channel: reaction.channel })
      this.afterPayment({ kind: 'tip', segment: null, amount })
    })
  }

  /**
   * Raises the viewer's total cap. Within the channel's capacity the channel just carries on; beyond it, this
   * channel is settled and a new one opened for the rest, without interrupting the page.
   */
  async raiseCap(newCap: number): Promise<{ newChannel: boolean }> {
    const p = this.current()
    const { spent } = totalsOf(p)
    const channelCap = newCap - p.spentBefore
    if (!(channelCap > p.channel.paid)) throw new Error(`the new cap must be above what was spent (${spent} sat)`)
    const raised = raisePayerCap(p.channel, channelCap)
    if (!raised.needsNewChannel) {
      this.save({ ...p, channel: raised.channel, firedAlerts: rearm(this.thresholds, spent, newCap) })
      this.capRaised(newCap, false)
      return { newChannel: false }
    }
    // Settle what this channel carries, then open one for the remainder of the new cap.
    this.move({ type: 'switch_started' })
    this.usable.close()
    const summary = await this.closeChannel(p, { final: false })
    const carried = carriedAfter(p, summary.paid)
    await this.openChannel(newCap - carried.spentBefore, carried)
    this.capRaised(newCap, true)
    return { newChannel: true }
  }

  /** Asks the host to settle now; resolves with its summary (close txid, change returned). */
  async close(): Promise<SettlementSummary> {
    const p = this.current()
    this.move({ type: 'close_started' })
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
    this.host.tell('close', { channelId: p.channel.channelId })
    const summary = localSummary(p, 'viewer')
    this.pastChannels.record(summary, keepsRefund(summary) ? p.refundHex : undefined, walletReturnOf(p.channel), this.viewingOf(p))
    this.forget()
  }

  /** Applies a 402 the host sent for one of our segments: after it, paying for the segment again is right. */
  resyncFromPaymentRequired(body: PaymentRequiredBody): void {
    const p = this.persisted
    if (p) this.save({ ...p, channel: afterPaymentRequired(p.channel, body) })
  }

  /** Stops listening to the socket (the caller owns it and disconnects it). Pending payments are cancelled. */
  dispose(): void {
    this.cancelWaiters(new PaymentCancelled('the session was disposed'))
    this.host.dispose()
  }

  private async closeChannel(p: PersistedSession, info: { final: boolean }): Promise<SettlementSummary> {
    const reply = await this.ask('close', { channelId: p.channel.channelId! })
    if (!reply.ok) {
      // Already settled by the host (idle, deadline) while we were not looking.
      const ended = endedBy(reply.code)
      if (ended === 'idle') return this.endedByHost(p, reply, 'viewer', info)
      if (isFundingLoss(ended)) return this.endedByHost(p, reply, ended, info)
      this.fail(explainRejection(reply.code, reply.message, 'close'))
    }
    const { ok: _ok, ...summary } = reply
    this.finishChannel(summary, p, info)
    return summary
  }

  private settledByHost(summary: SettlementSummary): void {
    const p = this.persisted
    if (!p || summary.channelId !== p.channel.channelId) return
    this.cancelWaiters(new PaymentCancelled('the host settled the channel'))
    this.finishChannel(summary, p, { final: true })
    if (summary.reason === 'host_stopped') this.emit('error', hostStopped())
    else if (isFundingLoss(summary.reason)) {
      if (this.toldLost !== summary.channelId) this.emit('error', fundingLost(summary.reason))
    } else if (summary.reason !== 'viewer') this.emit('error', channelClosed())
  }

  /** The host stopped the channel the moment its funding was lost: nothing more is paid, and the viewer hears why now. */
  private fundingLostByHost(notice: FundingLostNotice): void {
    if (!this.persisted || notice.channelId !== this.persisted.channel.channelId) return
    this.toldLost = notice.channelId
    this.cancelWaiters(new PaymentCancelled("the channel's funding was lost"))
    this.emit('error', fundingLost(notice.reason))
  }

  private async resync(): Promise<void> {
    const p = this.current()
    const reply = await this.ask('resume', { channelId: p.channel.channelId!, token: p.token! })
    if (!reply.ok) {
      const reason = endedBy(reply.code)
      this.refused(reason ? { kind: 'ended', reason, rejection: reply } : { kind: 'refused', rejection: reply }, 'resume')
    }
    this.save({ ...this.current(), channel: resyncFrom(this.current().channel, reply.lastUpdate) })
  }

  /** A refusal: a channel the host no longer has open moves to the history first; then the viewer hears why. */
  private refused(reaction: Extract<UpdateReaction, { kind: 'ended' | 'refused' }>, during: ClientEvent): never {
    const p = this.persisted
    if (reaction.kind === 'ended' && p) this.endedByHost(p, reaction.rejection, reaction.reason)
    this.fail(explainRejection(reaction.rejection.code, reaction.rejection.message, during))
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
      await Promise.race([this.deliveries.wait(signal), timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  private async untilUsable(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new PaymentCancelled('aborted')
    await this.usable.pass()
    if (!this.persisted?.token && !this.fundInFlight) throw new ViewerFailure(channelClosed())
  }
}
