// A host's running statistics as a pure reduction over its events. The dashboard, GET /api/host/stats and the
// channel gauges of /metrics all read this one state. Pure and isomorphic: time arrives inside the events (and as
// `now` for a snapshot), never from a clock, so the same events always give the same numbers.
import type { StatsSnapshot } from '../../protocol/dashboard.ts'
import type { CloseReason, RejectCode } from '../../protocol/messages.ts'

export type HostEvent =
  | { type: 'opened'; channelId: string; at: number }
  /** `stream`: the stream a segment payment was for (null for tips, or when unknown); `seconds`: the media it bought. */
  | { type: 'accepted'; channelId: string; kind: 'segment' | 'tip'; amount: number; seconds: number; stream: string | null; at: number }
  | { type: 'rejected'; code: RejectCode; at: number }
  | { type: 'verified'; seconds: number; at: number }
  | { type: 'settled'; channelId: string; paid: number; onChain: boolean; reason: CloseReason; at: number }
  /** `channelId` null: served free (the preview). */
  | { type: 'served'; channelId: string | null; bytes: number; at: number }
  | { type: 'paymentRequired'; at: number }
  | { type: 'accepting'; accepting: boolean; at: number }

/** Satoshis accepted in one slot of time; the slots cover the last hour. */
export interface EarningSlot {
  start: number
  sats: number
}

/** What one stream has sold. */
export interface StreamSold {
  seconds: number
  sats: number
}

/** Sales are keyed by stream path; payments stored before streams were recorded are under this key. */
export const UNRECORDED_STREAM = ''

export interface HostStats {
  accepting: boolean
  /** Open (or settling) channels. Who is watching now comes from the live channels' last activity, not from here. */
  channelsOpen: number
  channelsSettled: number
  /** Accepted off chain on channels not settled yet: the host holds signed updates for these. */
  satsAccepted: number
  /** Paid to the host by close transactions it broadcast. */
  satsSettled: number
  tips: number
  updatesAccepted: number
  rejectedByCode: Readonly<Record<string, number>>
  /** The paywall's counters start with the process: served bytes are not stored anywhere. */
  segmentsServed: number
  bytesServed: number
  paymentRequired: number
  earnings: readonly EarningSlot[]
  /** Segment sales per stream path, since the store began. */
  streams: Readonly<Record<string, StreamSold>>
}

/** What the store already knows when the host starts, so a restart does not zero the earnings. */
export interface KnownChannel {
  id: string
  state: 'opening' | 'open' | 'closing' | 'closed'
  paid: number
  tips: number
  closeTxid: string | null
  lastActivityAt: number
}

export const SLOT_MS = 10_000
export const HOUR_MS = 3_600_000
const MINUTE_MS = 60_000
/** A channel that paid (or opened) within this window counts as a viewer watching now. */
export const WATCHING_WINDOW_MS = 30_000

/** `sales`: what the store holds per stream (null: stored before streams were recorded). */
export function seedStats(channels: readonly KnownChannel[], accepting: boolean, sales: ReadonlyArray<{ stream: string | null; amount: number; seconds: number }> = []): HostStats {
  let channelsOpen = 0
  let channelsSettled = 0
  let satsAccepted = 0
  let satsSettled = 0
  let tips = 0
  for (const channel of channels) {
    tips += channel.tips
    if (channel.state === 'open' || channel.state === 'closing') {
      channelsOpen += 1
      satsAccepted += channel.paid
    } else if (channel.state === 'closed') {
      channelsSettled += 1
      if (channel.closeTxid) satsSettled += channel.paid
    }
  }
  return {
    accepting,
    channelsOpen,
    channelsSettled,
    satsAccepted,
    satsSettled,
    tips,
    updatesAccepted: 0,
    rejectedByCode: {},
    segmentsServed: 0,
    bytesServed: 0,
    paymentRequired: 0,
    earnings: [],
    streams: Object.fromEntries(sales.map((sale) => [sale.stream ?? UNRECORDED_STREAM, { seconds: sale.seconds, sats: sale.amount }])),
  }
}

export function reduceStats(stats: HostStats, event: HostEvent): HostStats {
  switch (event.type) {
    case 'opened':
      return { ...stats, channelsOpen: stats.channelsOpen + 1 }
    case 'accepted':
      return {
        ...stats,
        satsAccepted: stats.satsAccepted + event.amount,
        tips: stats.tips + (event.kind === 'tip' ? event.amount : 0),
        updatesAccepted: stats.updatesAccepted + 1,
        earnings: addEarning(stats.earnings, event.at, event.amount),
        streams: event.kind === 'segment' ? addSale(stats.streams, event.stream ?? UNRECORDED_STREAM, event.seconds, event.amount) : stats.streams,
      }
    case 'rejected':
      return { ...stats, rejectedByCode: { ...stats.rejectedByCode, [event.code]: (stats.rejectedByCode[event.code] ?? 0) + 1 } }
    case 'settled': {
      return {
        ...stats,
        channelsOpen: Math.max(0, stats.channelsOpen - 1),
        channelsSettled: stats.channelsSettled + 1,
        // Whatever the channel had accepted leaves "off chain"; it is "on chain" only if a close tx carried it.
        satsAccepted: Math.max(0, stats.satsAccepted - event.paid),
        satsSettled: stats.satsSettled + (event.onChain ? event.paid : 0),
      }
    }
    case 'served':
      return { ...stats, segmentsServed: stats.segmentsServed + 1, bytesServed: stats.bytesServed + event.bytes }
    case 'paymentRequired':
      return { ...stats, paymentRequired: stats.paymentRequired + 1 }
    case 'accepting':
      return { ...stats, accepting: event.accepting }
    case 'verified':
      return stats
  }
}

type Accepted = Extract<HostEvent, { type: 'accepted' }>

/**
 * Many events at once, in the order they happened (their times never go back), with the same result as reduceStats
 * one by one: a run of accepted payments is summed first, so
 * the hour's earnings and the sales are copied once per run and slot, not once per payment (the payment path's
 * events arrive in the thousands a second; the dashboard folds them in batches, off that path).
 */
export function reduceStatsAll(stats: HostStats, events: readonly HostEvent[]): HostStats {
  let next = stats
  let run: Accepted[] = []
  const flush = () => {
    if (run.length > 0) next = acceptAll(next, run)
    run = []
  }
  for (const event of events) {
    if (event.type === 'accepted') run.push(event)
    else {
      flush()
      next = reduceStats(next, event)
    }
  }
  flush()
  return next
}

function acceptAll(stats: HostStats, run: readonly Accepted[]): HostStats {
  let satsAccepted = stats.satsAccepted
  let tips = stats.tips
  let earnings = stats.earnings
  const sales = new Map<string, StreamSold>()
  // Consecutive payments in one 10-second slot are added to it at once, at the first one's time (as one by one would).
  let slotAt = run[0].at
  let slotSats = 0
  for (const event of run) {
    satsAccepted += event.amount
    if (event.kind === 'tip') tips += event.amount
    else {
      const stream = event.stream ?? UNRECORDED_STREAM
      const sold = sales.get(stream) ?? { seconds: 0, sats: 0 }
      sales.set(stream, { seconds: sold.seconds + event.seconds, sats: sold.sats + event.amount })
    }
    if (Math.floor(event.at / SLOT_MS) !== Math.floor(slotAt / SLOT_MS)) {
      earnings = addEarning(earnings, slotAt, slotSats)
      slotAt = event.at
      slotSats = 0
    }
    slotSats += event.amount
  }
  earnings = addEarning(earnings, slotAt, slotSats)
  let streams = stats.streams
  for (const [stream, sold] of sales) streams = addSale(streams, stream, sold.seconds, sold.sats)
  return { ...stats, satsAccepted, tips, updatesAccepted: stats.updatesAccepted + run.length, earnings, streams }
}

export function addSale(streams: HostStats['streams'], stream: string, seconds: number, sats: number): HostStats['streams'] {
  const sold = streams[stream] ?? { seconds: 0, sats: 0 }
  return { ...streams, [stream]: { seconds: sold.seconds + seconds, sats: sold.sats + sats } }
}

/** Adds sats to the 10-second slot holding `at`, and forgets slots older than an hour before it. */
export function addEarning(slots: readonly EarningSlot[], at: number, sats: number): EarningSlot[] {
  const start = Math.floor(at / SLOT_MS) * SLOT_MS
  // The common case, many payments within the newest slot, copies the list without searching it.
  const last = slots[slots.length - 1]
  if (last !== undefined && last.start === start) return [...slots.slice(0, -1), { start, sats: last.sats + sats }]
  const kept = slots.filter((slot) => slot.start > at - HOUR_MS)
  const index = kept.findIndex((slot) => slot.start === start)
  if (index >= 0) {
    kept[index] = { start, sats: kept[index].sats + sats }
    return kept
  }
  kept.push({ start, sats })
  return kept.sort((a, b) => a.start - b.start)
}

/**
 * Sat/min over the last minute: the current (partial) slot plus the five before it, divided by the time they
 * actually span, so the rate neither jumps when a slot begins nor counts time that has not happened yet.
 */
export function earningRate(slots: readonly EarningSlot[], now: number): number {
  const windowStart = Math.floor(now / SLOT_MS) * SLOT_MS - (MINUTE_MS - SLOT_MS)
  const sats = slots.filter((slot) => slot.start >= windowStart && slot.start <= now).reduce((sum, slot) => sum + slot.sats, 0)
  const minutes = (now - windowStart) / MINUTE_MS
  return Math.round((sats / minutes) * 10) / 10
}

/** Sats earned in each of the last 60 minutes, oldest first, the current minute last (for the chart). */
export function earningsPerMinute(slots: readonly EarningSlot[], now: number): { minutes: number[]; sats: number[] } {
  const current = Math.floor(now / MINUTE_MS) * MINUTE_MS
  const first = current - 59 * MINUTE_MS
  const minutes = Array.from({ length: 60 }, (_, i) => first + i * MINUTE_MS)
  const sats = new Array<number>(60).fill(0)
  for (const slot of slots) {
    const index = Math.floor((slot.start - first) / MINUTE_MS)
    if (index >= 0 && index < 60 && slot.start <= now) sats[index] += slot.sats
  }
  return { minutes, sats }
}

/** Viewers watching now: open channels that opened or paid within the window (a viewer who pays is watching). */
export function watchingNow(lastActivity: readonly number[], now: number): number {
  return lastActivity.filter((at) => now - at <= WATCHING_WINDOW_MS).length
}

export function snapshotOf(stats: HostStats, now: number, lastActivity: readonly number[]): StatsSnapshot {
  const rejectedByCode = { ...stats.rejectedByCode }
  return {
    at: now,
    accepting: stats.accepting,
    watchingNow: watchingNow(lastActivity, now),
    channels: { open: stats.channelsOpen, settled: stats.channelsSettled },
    earned: { total: stats.satsAccepted + stats.satsSettled, accepted: stats.satsAccepted, settled: stats.satsSettled, tips: stats.tips },
    ratePerMinute: earningRate(stats.earnings, now),
    served: { segments: stats.segmentsServed, bytes: stats.bytesServed, paymentRequired: stats.paymentRequired },
    updates: { accepted: stats.updatesAccepted, rejected: Object.values(rejectedByCode).reduce((a, b) => a + b, 0), rejectedByCode },
    earningsPerMinute: earningsPerMinute(stats.earnings, now),
  }
}
