import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  addEarning,
  earningRate,
  earningsPerMinute,
  reduceStats,
  reduceStatsAll,
  HOUR_MS,
  SLOT_MS,
  seedStats,
  snapshotOf,
  WATCHING_WINDOW_MS,
  type HostEvent,
  type HostStats,
} from '../../server/dashboard/stats.ts'
import { streamRows } from '../../server/dashboard/stream-rows.ts'

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0)
const run = (events: HostEvent[], start: HostStats = seedStats([], true)) => events.reduce(reduceStats, start)

test('seeding from stored channels counts open money as accepted and closed money as settled', () => {
  const stats = seedStats(
    [
      { id: 'a', state: 'open', paid: 120, tips: 20, closeTxid: null, lastActivityAt: T0 },
      { id: 'b', state: 'closing', paid: 50, tips: 0, closeTxid: 'f'.repeat(64), lastActivityAt: T0 },
      { id: 'c', state: 'closed', paid: 300, tips: 5, closeTxid: 'e'.repeat(64), lastActivityAt: T0 },
      { id: 'd', state: 'closed', paid: 0, tips: 0, closeTxid: null, lastActivityAt: T0 },
      { id: 'e', state: 'opening', paid: 0, tips: 0, closeTxid: null, lastActivityAt: T0 },
    ],
    false,
  )
  const snapshot = snapshotOf(stats, T0, [])
  assert.deepEqual(snapshot.channels, { open: 2, settled: 2 })
  assert.deepEqual(snapshot.earned, { total: 470, accepted: 170, settled: 300, tips: 25 })
  assert.equal(snapshot.accepting, false)
})

test('a channel lifecycle moves its money from accepted (off chain) to settled (on chain)', () => {
  const stats = run([
    { type: 'opened', channelId: 'x', at: T0 },
    { type: 'accepted', channelId: 'x', kind: 'segment', amount: 20, seconds: 2, stream: '/media/show/master.m3u8', at: T0 + 1_000 },
    { type: 'accepted', channelId: 'x', kind: 'segment', amount: 20, seconds: 2, stream: '/media/show/master.m3u8', at: T0 + 3_000 },
    { type: 'accepted', channelId: 'x', kind: 'tip', amount: 7, seconds: 0, stream: null, at: T0 + 4_000 },
  ])
  const before = snapshotOf(stats, T0 + 5_000, [T0 + 4_000])
  assert.deepEqual(before.earned, { total: 47, accepted: 47, settled: 0, tips: 7 })
  assert.deepEqual(before.channels, { open: 1, settled: 0 })
  assert.equal(before.updates.accepted, 3)

  const after = snapshotOf(reduceStats(stats, { type: 'settled', channelId: 'x', paid: 47, onChain: true, reason: 'viewer', at: T0 + 6_000 }), T0 + 6_000, [])
  assert.deepEqual(after.earned, { total: 47, accepted: 0, settled: 47, tips: 7 })
  assert.deepEqual(after.channels, { open: 0, settled: 1 })
  assert.equal(after.watchingNow, 0)
})

test('a channel settled without a close tx (nothing paid) adds nothing on chain', () => {
  const stats = run([
    { type: 'opened', channelId: 'y', at: T0 },
    { type: 'settled', channelId: 'y', paid: 0, onChain: false, reason: 'idle', at: T0 + 1 },
  ])
  assert.deepEqual(snapshotOf(stats, T0 + 1, []).earned, { total: 0, accepted: 0, settled: 0, tips: 0 })
})

test('watching now counts open channels that opened or paid within the window', () => {
  const stats = run([
    { type: 'opened', channelId: 'p', at: T0 },
    { type: 'opened', channelId: 'q', at: T0 },
  ])
  const lastActivity = [T0, T0 + 25_000]
  assert.equal(snapshotOf(stats, T0 + 1_000, lastActivity).watchingNow, 2)
  assert.equal(snapshotOf(stats, T0 + WATCHING_WINDOW_MS + 1, lastActivity).watchingNow, 1)
  assert.equal(snapshotOf(stats, T0 + 25_000 + WATCHING_WINDOW_MS + 1, lastActivity).watchingNow, 0)
})

test('paywall events count segments, bytes and 402s; rejections are counted by code', () => {
  const stats = run([
    { type: 'served', channelId: 'a', bytes: 1000, at: T0 },
    { type: 'served', channelId: 'a', bytes: 2500, at: T0 },
    { type: 'paymentRequired', at: T0 },
    { type: 'rejected', code: 'underpaid', at: T0 },
    { type: 'rejected', code: 'underpaid', at: T0 },
    { type: 'rejected', code: 'host_stopped', at: T0 },
    { type: 'verified', seconds: 0.0004, at: T0 },
    { type: 'accepting', accepting: false, at: T0 },
  ])
  const snapshot = snapshotOf(stats, T0, [])
  assert.deepEqual(snapshot.served, { segments: 2, bytes: 3500, paymentRequired: 1 })
  assert.deepEqual(snapshot.updates, { accepted: 0, rejected: 3, rejectedByCode: { underpaid: 2, host_stopped: 1 } })
  assert.equal(snapshot.accepting, false)
})

test('reducing never mutates the state it was given', () => {
  const start = run([{ type: 'opened', channelId: 'a', at: T0 }])
  const frozen = JSON.stringify(start)
  run([{ type: 'accepted', channelId: 'a', kind: 'segment', amount: 5, seconds: 2, stream: '/media/show/master.m3u8', at: T0 + 1 }, { type: 'settled', channelId: 'a', paid: 5, onChain: true, reason: 'viewer', at: T0 + 2 }], start)
  assert.equal(JSON.stringify(start), frozen)
})

test('earnings are kept in 10 s slots for one hour only', () => {
  let slots = addEarning([], T0 + 1_000, 5)
  slots = addEarning(slots, T0 + 9_999, 5)
  slots = addEarning(slots, T0 + 10_000, 3)
  assert.deepEqual(slots, [{ start: T0, sats: 10 }, { start: T0 + 10_000, sats: 3 }])
  slots = addEarning(slots, T0 + 3_600_000 + 5_000, 1)
  assert.deepEqual(slots, [{ start: T0 + 10_000, sats: 3 }, { start: T0 + 3_600_000, sats: 1 }])
})

test('the earning rate is sat per minute over the last minute, steady whatever the phase within a slot', () => {
  // 10 sat every second = 600 sat/min, read at several moments within the current 10 s slot.
  for (const phase of [0, 1_000, 4_500, 9_999]) {
    const now = T0 + 120_000 + phase
    let slots: ReturnType<typeof addEarning> = []
    for (let at = T0; at <= now; at += 1000) slots = addEarning(slots, at, 10)
    const rate = earningRate(slots, now)
    assert.ok(Math.abs(rate - 600) <= 600 * 0.1, `rate ${rate} at phase ${phase}`)
  }
  // Payments stopped a minute ago: the rate is zero, whatever was earned before.
  let slots: ReturnType<typeof addEarning> = []
  for (let s = 0; s < 120; s++) slots = addEarning(slots, T0 + s * 1000, 10)
  assert.equal(earningRate(slots, T0 + 10 * 60_000), 0)
})

test('the chart gets 60 one-minute buckets ending with the current minute', () => {
  let slots = addEarning([], T0 + 5_000, 40)
  slots = addEarning(slots, T0 + 15_000, 2)
  slots = addEarning(slots, T0 + 30 * 60_000 + 1, 9)
  const series = earningsPerMinute(slots, T0 + 30 * 60_000 + 30_000)
  assert.equal(series.minutes.length, 60)
  assert.equal(series.sats.length, 60)
  assert.equal(series.minutes[59], T0 + 30 * 60_000)
  assert.equal(series.minutes[0], T0 - 29 * 60_000)
  assert.equal(series.sats[59], 9)
  assert.equal(series.sats[29], 42)
  assert.equal(series.sats.reduce((a, b) => a + b, 0), 51)
  // An hour later the old minutes have scrolled out of the chart.
  assert.equal(earningsPerMinute(slots, T0 + 80 * 60_000).sats.reduce((a, b) => a + b, 0), 9)
})

test('each stream of the library with its price, seconds sold and earnings; sales seeded from the store carry over', () => {
  const seeded = seedStats([], true, [
    { stream: '/media/show/master.m3u8', amount: 100, seconds: 10 },
    { stream: null, amount: 7, seconds: 1 },
  ])
  const stats = run(
    [
      { type: 'accepted', channelId: 'a', kind: 'segment', amount: 40, seconds: 2, stream: '/media/show/master.m3u8', at: T0 },
      { type: 'accepted', channelId: 'a', kind: 'segment', amount: 14, seconds: 2, stream: '/media/gone/master.m3u8', at: T0 },
      { type: 'accepted', channelId: 'a', kind: 'tip', amount: 9, seconds: 0, stream: null, at: T0 },
    ],
    seeded,
  )
  const library = [
    { path: '/media/show/master.m3u8', name: 'show', pricePerSecond: 20 },
    { path: '/media/radio/master.m3u8', name: 'radio', pricePerSecond: null },
  ]
  assert.deepEqual(streamRows(stats.streams, library, 10), [
    { stream: '/media/show/master.m3u8', name: 'show', pricePerSecond: 20, secondsSold: 12, earned: 140 },
    { stream: '/media/radio/master.m3u8', name: 'radio', pricePerSecond: 10, secondsSold: 0, earned: 0 },
    { stream: null, name: 'Earlier payments (stream not recorded)', pricePerSecond: null, secondsSold: 1, earned: 7 },
    { stream: '/media/gone/master.m3u8', name: '/media/gone/master.m3u8', pricePerSecond: null, secondsSold: 2, earned: 14 },
  ])
  assert.equal(snapshotOf(stats, T0, []).earned.tips, 9, 'tips are no stream\'s sales')
})

test('folding a batch of events gives what folding them one by one gives, and leaves the state it was given', () => {
  const start = 1_700_000_000_000
  const kinds = fc.constantFrom('accepted', 'accepted', 'accepted', 'rejected', 'served', 'opened', 'settled', 'verified')
  const events = fc.array(fc.tuple(kinds, fc.integer({ min: 0, max: 400_000 }), fc.integer({ min: 1, max: 500 }), fc.constantFrom('tip', 'segment'), fc.constantFrom('/media/a', '/media/b', null)), { maxLength: 60 }).map((steps) => {
    let at = start
    return steps.map(([type, gap, amount, kind, stream]): HostEvent => {
      at += gap
      switch (type) {
        case 'accepted':
          return { type, channelId: 'c', kind: kind as 'tip' | 'segment', amount, seconds: kind === 'tip' ? 0 : 2, stream, at }
        case 'rejected':
          return { type, code: 'stale', at }
        case 'served':
          return { type, channelId: 'c', bytes: amount, at }
        case 'opened':
          return { type, channelId: 'c', at }
        case 'settled':
          return { type, channelId: 'c', paid: amount, onChain: amount % 2 === 0, reason: 'viewer', at }
        default:
          return { type: 'verified', seconds: 0.001, at }
      }
    })
  })
  const seeded = fc.array(fc.integer({ min: 0, max: 359 }), { maxLength: 360 }).map((slots) => {
    let stats = seedStats([], true, [{ stream: '/media/a', amount: 5, seconds: 2 }])
    for (const slot of slots) stats = reduceStats(stats, { type: 'accepted', channelId: 'c', kind: 'segment', amount: 1, seconds: 2, stream: null, at: start - HOUR_MS + slot * SLOT_MS })
    return stats
  })
  fc.assert(
    fc.property(seeded, events, (stats, batch) => {
      const frozen = structuredClone(stats)
      assert.deepEqual(reduceStatsAll(stats, batch), batch.reduce(reduceStats, stats))
      assert.deepEqual(stats, frozen)
    }),
    { numRuns: 500 },
  )
})
