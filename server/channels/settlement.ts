// Settlement: the close is built once from the last accepted update, stored, then broadcast; a retry after a crash or
// a ledger failure sends the stored close again and never a second one. Whoever asks, and however often, a channel
// settles once, in its channel's queue: after every payment queued before it.
import type { PrivateKey } from '@bsv/sdk'
import { ChainError, isAccepted, type Chain } from '../../protocol/chain/chain.ts'
import type { CloseReason, Rejection, SettlementSummary } from '../../protocol/messages.ts'
import type { ChannelStore } from '../store/channel-store.ts'
import type { ChannelEventBus, Refuse } from './channel-events.ts'
import type { ChannelQueues } from './channel-queues.ts'
import type { LiveChannels } from './live-channels.ts'
import { buildClose } from './payee.ts'
import { payeeView, summaryOf } from './record-views.ts'
import { closePlan, FUNDING_LOST, isIdle, settlementDue, STOP_REASON, type SettlementClock } from './settlement-rules.ts'

export interface SettlementDeps {
  live: LiveChannels
  queues: ChannelQueues
  store: ChannelStore
  chain: Chain
  payeeKey: PrivateKey
  payeePublicKey: string
  events: ChannelEventBus
  refuse: Refuse
  clock: () => SettlementClock
}

export class Settlement {
  private readonly running = new Map<string, Promise<SettlementSummary>>()

  constructor(private readonly deps: SettlementDeps) {}

  settle(id: string, reason: CloseReason): Promise<SettlementSummary> {
    const running = this.running.get(id)
    if (running) return running
    const settlement = this.deps.queues.run(id, () => this.settleNow(id, reason)).finally(() => this.running.delete(id))
    this.running.set(id, settlement)
    return settlement
  }

  /**
   * Refuses a request on a channel that is no longer open. A settlement under way is waited for first: its `settled`
   * event then reaches the viewer before this refusal does, and the refusal carries the same summary.
   */
  async notOpen(id: string): Promise<Rejection> {
    await this.running.get(id)?.catch(() => undefined)
    const stored = (await this.deps.store.channel(id))!
    const rejection =
      stored.closeReason === FUNDING_LOST
        ? this.deps.refuse(id, 'funding_double_spent', "This channel's funding was double-spent: another transaction took its coins, so the host serves this channel no more.")
        : this.deps.refuse(id, 'channel_not_open', `The channel is ${stored.state}; open a new one to keep watching.`)
    return stored.state === 'closed' ? { ...rejection, settlement: summaryOf(stored) } : rejection
  }

  /** What should be settled now, and why: open channels by the rules, and closes a crash or the ledger interrupted. */
  async due(): Promise<Array<{ id: string; reason: CloseReason }>> {
    const clock = this.deps.clock()
    const due: Array<{ id: string; reason: CloseReason }> = []
    for (const record of this.deps.live.records()) {
      const reason = settlementDue(record, clock)
      if (reason) due.push({ id: record.id, reason })
    }
    for (const record of await this.deps.store.channelsIn(['closing'])) {
      if (!this.running.has(record.id)) due.push({ id: record.id, reason: record.closeReason ?? 'recovery' })
    }
    return due
  }

  /** Closes left mid-way by a crash, and open channels nobody came back to during the outage. */
  async recover(): Promise<void> {
    const clock = this.deps.clock()
    const due = [...(await this.deps.store.channelsIn(['closing'])), ...this.deps.live.records().filter((record) => isIdle(record, clock))]
    await Promise.allSettled(due.map((record) => this.settle(record.id, 'recovery')))
  }

  /** Stop: every open channel settles for what it has accepted. */
  async settleAll(): Promise<SettlementSummary[]> {
    const results = await Promise.allSettled(this.deps.live.records().map((record) => this.settle(record.id, STOP_REASON)))
    return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  }

  private async settleNow(id: string, reason: CloseReason): Promise<SettlementSummary> {
    const { deps } = this
    const record = deps.live.byChannelId(id)?.record ?? (await deps.store.channel(id))
    if (!record) throw new Error(`No such channel: ${id}`)
    if (record.state === 'closed') return summaryOf(record)
    if (record.state === 'opening') {
      await deps.store.markClosed(id, null, reason, deps.clock().now)
      return summaryOf((await deps.store.channel(id))!)
    }
    deps.live.remove(id)
    const plan = closePlan(record)
    let close: { hex: string; txid: string } | null = null
    if (plan.kind === 'rebroadcast') close = { hex: plan.closeTx, txid: plan.closeTxid }
    if (plan.kind === 'build') {
      const built = buildClose(payeeView(record, deps.payeePublicKey), deps.payeeKey)
      if (!built.ok) throw new Error(`Channel ${id} cannot be closed: ${built.message}`)
      close = built
    }
    await deps.store.markClosing(id, close?.hex ?? null, close?.txid ?? null, reason)
    if (close) {
      // A stored close may have reached the ledger before the crash or failure that brought us here: ask first.
      const known = plan.kind === 'rebroadcast' ? await deps.chain.txStatus(close.txid).catch(() => null) : null
      // Extended Format when the funding is at hand: the ledger then needs no lookup of what the close spends.
      if (!known || !isAccepted(known.status)) {
        try {
          await deps.chain.broadcast(close.hex, { parents: record.fundingTx ? [record.fundingTx] : [] })
        } catch (error) {
          // A funding lost to a conflicting tx leaves the close nothing to spend: the channel ends without one.
          if (reason !== FUNDING_LOST || !(error instanceof ChainError)) throw error
          close = null
        }
      }
    }
    await deps.store.markClosed(id, close?.txid ?? null, reason, deps.clock().now)
    const closed = (await deps.store.channel(id))!
    const summary = summaryOf(closed)
    deps.events.emit('settled', summary, closed)
    return summary
  }
}
