// What the channel core tells the rest of the host (dashboard, metrics, sockets), and the one way it refuses: every
// refusal is counted by its code before the viewer hears it.
import type { EventEmitter } from 'node:events'
import type { FundingLostNotice, RejectCode, Rejection, SettlementSummary } from '../../protocol/messages.ts'
import type { ChannelRecord, PaymentKind } from '../store/channel-store.ts'

/** A payment the store committed: what it was, what it was booked at, and the channel's new cumulative total. */
export interface AcceptedPayment {
  channelId: string
  kind: PaymentKind
  amount: number
  paid: number
  seconds: number
  stream: string | null
}

export interface ChannelEvents {
  opened: [record: ChannelRecord]
  accepted: [event: AcceptedPayment]
  rejected: [event: { channelId: string | null; code: RejectCode }]
  verified: [seconds: number]
  settled: [summary: SettlementSummary, record: ChannelRecord]
  /**
   * The channel's funding turned DOUBLE_SPEND_ATTEMPTED or REJECTED, or another tx than its close spent its output: it
   * is served no more and settles at once.
   */
  fundingLost: [record: ChannelRecord, loss: Omit<FundingLostNotice, 'channelId'>]
  accepting: [accepting: boolean, reason: string]
  /** These opens got no funding within the open timeout and were deleted. */
  expired: [channelIds: string[]]
}

export type ChannelEventBus = EventEmitter<ChannelEvents>

/** The events as their listeners see them: they may listen, never emit. */
export type ChannelEventSource = Pick<ChannelEventBus, 'on'>

export type Refuse = (channelId: string | null, code: RejectCode, message: string) => Rejection

export function refuser(bus: ChannelEventBus): Refuse {
  return (channelId, code, message) => {
    bus.emit('rejected', { channelId, code })
    return { ok: false, code, message }
  }
}
