// Settlement, the executor: the pure plan (settlement-plan.ts) says what to close, with which transaction and why; this
// file stores the close, then broadcasts it; a retry after a crash or a ledger failure sends the stored close again and
// never a second one. Whoever asks, and however often, a channel settles once, in its channel's queue: after every
// payment queued before it. In a cluster it settles under the channel's lock across instances, from the store's record
// (the only one every instance agrees on).
// A settled close is watched until it is CLOSE_FINAL_DEPTH blocks deep: one that a reorganisation drops is sent again,
// and if another tx took the funding output meanwhile, the channel is recorded as lost, with that reason.
import type { PrivateKey } from '@bsv/sdk'
import { ChainError, isAccepted, ledgerUnavailable, type Chain } from '../../protocol/chain/chain.ts'
import type { CloseReason, Rejection, Reply, SettlementSummary } from '../../protocol/messages.ts'
import { isFundingLoss, type FundingLoss } from '../../protocol/funding-loss.ts'
import { nativeVerifier } from '../crypto/verify.ts'
import type { ChannelRecord, ChannelStore } from '../store/channel-store.ts'
import type { ChannelEventBus, Refuse } from './channel-events.ts'
import type { ChannelQueues } from './channel-queues.ts'
import type { Cluster } from './cluster.ts'
import type { LostFunding } from './funding-watch.ts'
import type { LiveChannels } from './live-channels.ts'
import { summaryOf } from './record-views.ts'
import { afterRefusedClose, planSettlement, type SettlementPlan } from './settlement-plan.ts'
import { closeVerdict, FUNDING_LOSS_MESSAGES, fundingLossOf, isIdle, settlementDue, STOP_REASON, type SettlementClock } from './settlement-rules.ts'
import { afterFailure, retryDue, type PendingSettlement } from './settlement-retry.ts'

export interface SettlementDeps {
  live: LiveChannels
  queues: ChannelQueues
  cluster: Cluster
  store: ChannelStore
  chain: Chain
  payeeKey: PrivateKey
  payeePublicKey: string
  events: ChannelEventBus
  refuse: Refuse
  clock: () => SettlementClock
  /** Where a settlement that failed in the background is reported (the scheduler tries it again). */
  warn?: (details: object, message: string) => void
}

/** Settled closes watched at once (the oldest is let go beyond it), and how many the newest are after a restart. */
const WATCHED_CLOSES = 1_000
/** Settled closes are asked about whenever the chain's height changes, and at least this often. */
const CLOSE_CHECK_MS = 30_000
/** Ledger requests in flight at once while checking them. */
const CLOSE_CHECKS_AT_ONCE = 4

export class Settlement {
  private readonly running = new Map<string, Promise<unknown>>()
  /** Settlements that failed (the ledger down, slow, 5xx or garbage) and wait for their next attempt, by channel. */
  private readonly failed = new Map<string, PendingSettlement>()
  /** Channel id -> close txid, for settled closes not yet final: a reorganisation may still drop them. */
  private readonly unconfirmed = new Map<string, string>()
  private closeCheck = { running: false, height: -1, at: 0 }
  private readonly verifyClose = nativeVerifier()

  constructor(private readonly deps: SettlementDeps) {}

  /** Settles now, for `reason` (the viewer asked, Stop, recovery), waiting for another instance that is settling it. */
  async settle(id: string, reason: CloseReason): Promise<SettlementSummary> {
    return (await this.run(id, () => this.deps.cluster.exclusively(id, () => this.settleNow(id, reason, false), true)))!
  }

  /** The viewer's close: a ledger that does not take it yet is no internal error; the host keeps retrying it. */
  async closeForViewer(id: string): Promise<Reply<SettlementSummary>> {
    try {
      return { ok: true, ...(await this.settle(id, 'viewer')) }
    } catch (error) {
      if (!ledgerUnavailable(error)) throw error
      return this.deps.refuse(id, 'ledger_unavailable', 'The ledger did not take the close yet: settlement is pending, and the host retries it until it lands.')
    }
  }

  /**
   * The funding lost to a conflicting tx, or its output spent by a tx that is not the channel's own close (stored
   * before it is broadcast): from this moment no segment is served and no payment accepted on the channel (the registry
   * no longer has it), the viewer is told, and it settles with whatever close can still reach the ledger.
   */
  async fundingLost(id: string, loss: LostFunding): Promise<void> {
    const { deps } = this
    const record = await deps.store.channel(id)
    if (!record || record.state === 'closed' || (loss.reason === 'funding_spent' && loss.txid === record.closeTxid)) return
    deps.live.remove(id)
    deps.events.emit('fundingLost', record, loss)
    // A settlement that fails here stays "closing" in the store; the scheduler tries it again.
    this.settle(id, loss.reason).catch((error: unknown) => deps.warn?.({ err: error, channelId: id }, 'could not settle a channel whose funding was lost'))
  }

  /**
   * The scheduler's settlement: skipped (null) when another instance is settling the channel, or when the store's
   * record shows it is no longer due (a payment arrived, here or on another instance, since the scheduler looked).
   */
  settleIfDue(id: string, reason: CloseReason): Promise<SettlementSummary | null> {
    return this.run(id, async () => (await this.deps.cluster.exclusively(id, () => this.settleNow(id, reason, true), false)) ?? null)
  }

  private run<T>(id: string, work: () => Promise<T>): Promise<T> {
    const settlement = this.deps.queues.run(id, work)
    // Only waited on (by notOpen); the caller handles the outcome, so this copy never rejects.
    const tracked: Promise<unknown> = settlement.then(
      () => {
        this.failed.delete(id)
        this.forget(id, tracked)
      },
      (error: unknown) => {
        this.failed.set(id, afterFailure(this.failed.get(id), this.deps.clock().now, error instanceof Error ? error.message : String(error)))
        this.forget(id, tracked)
      },
    )
    this.running.set(id, tracked)
    return settlement
  }

  private forget(id: string, tracked: Promise<unknown>): void {
    if (this.running.get(id) === tracked) this.running.delete(id)
  }

  /**
   * Refuses a request on a channel that is no longer open. A settlement under way is waited for first: its `settled`
   * event then reaches the viewer before this refusal does, and the refusal carries the same summary.
   */
  async notOpen(id: string): Promise<Rejection> {
    await this.running.get(id)
    const stored = (await this.deps.store.channel(id))!
    const rejection = isFundingLoss(stored.closeReason)
      ? this.deps.refuse(id, stored.closeReason, FUNDING_LOSS_MESSAGES[stored.closeReason])
      : this.deps.refuse(id, 'channel_not_open', `The channel is ${stored.state}; open a new one to keep watching.`)
    return stored.state === 'closed' ? { ...rejection, settlement: summaryOf(stored) } : rejection
  }

  /** Channels whose close failed and is being retried with backoff: the dashboard's "settlement pending". */
  pending(): ReadonlyMap<string, PendingSettlement> {
    return this.failed
  }

  /**
   * What should be settled now, and why: open channels by the rules, and closes a crash or the ledger interrupted, or
   * a reorganisation dropped (found in the background, and reopened as 'closing' for a following round).
   */
  async due(): Promise<Array<{ id: string; reason: CloseReason }>> {
    const clock = this.deps.clock()
    void this.checkCloses(clock)
    const due = new Map<string, CloseReason>()
    // In a cluster the store also knows the channels no instance holds live (their instance died, their viewer left).
    const stored = this.deps.cluster.shared ? await this.deps.store.openChannelsDue(clock.now - clock.idleTimeoutSeconds * 1000, clock.height + clock.deadlineMarginBlocks) : []
    for (const record of [...this.deps.live.records(), ...stored]) {
      const reason = settlementDue(record, clock)
      if (reason && !due.has(record.id)) due.set(record.id, reason)
    }
    for (const record of await this.deps.store.channelsIn(['closing'])) {
      if (!this.running.has(record.id) && retryDue(this.failed.get(record.id), clock.now)) due.set(record.id, record.closeReason ?? 'recovery')
    }
    return [...due].map(([id, reason]) => ({ id, reason }))
  }

  /** Closes left mid-way by a crash, and open channels nobody came back to during the outage. */
  async recover(): Promise<void> {
    const recent = await this.deps.store.channelsPage({ states: ['closed'], before: null, limit: WATCHED_CLOSES })
    for (const record of recent.reverse()) if (record.closeTxid) this.watchClose(record.id, record.closeTxid)
    const clock = this.deps.clock()
    const due = [...(await this.deps.store.channelsIn(['closing'])), ...this.deps.live.records().filter((record) => isIdle(record, clock))]
    await Promise.allSettled(due.map((record) => this.settle(record.id, 'recovery')))
  }

  /** Stop: every open channel settles for what it has accepted (in a cluster, every open channel in the store). */
  async settleAll(): Promise<SettlementSummary[]> {
    const open = this.deps.cluster.shared ? await this.deps.store.channelsIn(['open']) : this.deps.live.records()
    const results = await Promise.allSettled(open.map((record) => this.settle(record.id, STOP_REASON)))
    return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  }

  private async settleNow(id: string, reason: CloseReason, onlyIfDue: boolean): Promise<SettlementSummary | null> {
    const { deps } = this
    // Every accepted payment is in the store before it is live, so the store's record is never behind this process's.
    const record = await deps.store.channel(id)
    if (!record) throw new Error(`No such channel: ${id}`)
    const live = deps.live.byChannelId(id)
    const seenActivityAt = live?.record.lastActivityAt ?? null
    const plan = planSettlement(record, { reason, onlyIfDue }, { clock: deps.clock(), seenActivityAt, payeeKey: deps.payeeKey, payeePublicKey: deps.payeePublicKey, verify: this.verifyClose })
    switch (plan.kind) {
      case 'settled':
        deps.live.remove(id)
        return summaryOf(record)
      case 'not_due':
        if (live) live.record = plan.next
        return null
      case 'end_opening':
        await deps.store.markClosed(id, null, plan.reason, deps.clock().now)
        return summaryOf((await deps.store.channel(id))!)
      case 'unclosable':
        deps.live.remove(id)
        throw new Error(plan.message)
      case 'close':
        deps.live.remove(id)
        return this.close(record, plan)
    }
  }

  /** Carries out a close plan: the close stored, then broadcast unless the ledger has it, then the channel closed. */
  private async close(record: ChannelRecord, plan: Extract<SettlementPlan, { kind: 'close' }>): Promise<SettlementSummary> {
    const { deps } = this
    const { id } = record
    let { reason, close } = plan
    await deps.store.markClosing(id, close?.hex ?? null, close?.txid ?? null, reason)
    // A stored close may have reached the ledger before the crash or failure that brought us here: ask first.
    const known = close && plan.how === 'rebroadcast' ? await deps.chain.txStatus(close.txid).catch(() => null) : null
    if (close && (!known || !isAccepted(known.status))) {
      try {
        // Extended Format when the funding is at hand: the ledger then needs no lookup of what the close spends.
        const sent = await deps.chain.broadcast(close.hex, { parents: record.fundingTx ? [record.fundingTx] : [] })
        // An answer without a status it can be held to (a ledger answering garbage) is no close: try again later.
        if (!isAccepted(sent.status)) throw new ChainError(`the ledger did not take the close (${sent.status})`, 502, close.txid)
      } catch (error) {
        if (!(error instanceof ChainError)) throw error
        // The ledger is asked about the funding only when its answer can change the outcome.
        const loss = isFundingLoss(reason) || ledgerUnavailable(error) ? null : await this.fundingLoss(record, close.txid, error.code)
        const refused = afterRefusedClose(reason, loss)
        if (refused.kind === 'retry') throw error
        reason = refused.reason
        if (refused.restate) await deps.store.markClosing(id, close.hex, close.txid, reason)
        // A funding lost (to a conflicting tx, or spent) leaves the close nothing to spend: the channel ends without one.
        close = null
      }
    }
    await deps.store.markClosed(id, close?.txid ?? null, reason, deps.clock().now)
    if (close) this.watchClose(id, close.txid)
    const closed = (await deps.store.channel(id))!
    const summary = summaryOf(closed)
    deps.events.emit('settled', summary, closed)
    return summary
  }

  /** After the ledger refused a close: has another tx taken the funding output for good, and how (settlement-rules.ts)? */
  private async fundingLoss(record: ChannelRecord, closeTxid: string, refusalCode: number): Promise<FundingLoss | null> {
    const [close, funding] = await Promise.all([this.deps.chain.txStatus(closeTxid), this.deps.chain.txStatus(record.fundingTxid)])
    return fundingLossOf(refusalCode, close, funding)
  }

  private watchClose(id: string, closeTxid: string): void {
    this.unconfirmed.delete(id)
    this.unconfirmed.set(id, closeTxid)
    if (this.unconfirmed.size > WATCHED_CLOSES) this.unconfirmed.delete(this.unconfirmed.keys().next().value!)
  }

  /** Asks the ledger about the settled closes once the height moved, or a while passed; one round at a time. */
  private async checkCloses(clock: SettlementClock): Promise<void> {
    const last = this.closeCheck
    if (last.running || (clock.height === last.height && clock.now < last.at + CLOSE_CHECK_MS)) return
    this.closeCheck = { running: true, height: clock.height, at: clock.now }
    try {
      const watched = [...this.unconfirmed]
      for (let i = 0; i < watched.length; i += CLOSE_CHECKS_AT_ONCE) {
        // A close the ledger or the store could not answer for stays watched, and is asked about next round.
        await Promise.all(watched.slice(i, i + CLOSE_CHECKS_AT_ONCE).map(([id, txid]) => this.checkClose(id, txid, clock.height).catch(() => undefined)))
      }
    } finally {
      this.closeCheck.running = false
    }
  }

  /** Final: no longer watched. Dropped: 'closing' again, so the scheduler sends it again (or finds the channel lost). */
  private async checkClose(id: string, closeTxid: string, height: number): Promise<void> {
    const verdict = closeVerdict(await this.deps.chain.txStatus(closeTxid), height)
    if (verdict === 'watch' || this.unconfirmed.get(id) !== closeTxid) return
    if (verdict === 'dropped') await this.deps.store.reopenClose(id)
    this.unconfirmed.delete(id)
  }
}
