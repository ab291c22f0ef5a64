// What an entry costs one viewer, and so what the gate releases: per-stream prices, the free preview, companions
// within the programme's paid media time, rendition switches that never sell the same seconds twice, and LL-HLS parts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { entryCharge, inPreview, releasedTo, type ChargeRules, type PaidEntries } from '../../protocol/hls/entry-charge.ts'
import { MediaIndex } from '../../protocol/hls/media-index.ts'
import { covers, mergeSpans, withinReach } from '../../protocol/hls/media-spans.ts'
import type { PriceList } from '../../protocol/pricing.ts'
import { m3u8, readMaster, readMedia, showMaster } from '../support/hls-read.ts'

const PRICES: PriceList = { pricePerSecond: 10, renditionMultipliers: {}, streamPrices: [] }

function paid(...ids: string[]): PaidEntries {
  const set = new Set(ids)
  return { has: (id) => set.has(id), ids: () => set }
}

function vod(path: string, durations: number[], extension = 'ts') {
  const lines = ['#EXTM3U', '#EXT-X-TARGETDURATION:3', '#EXT-X-PLAYLIST-TYPE:VOD']
  durations.forEach((duration, index) => lines.push(`#EXTINF:${duration},`, `seg_${index}.${extension}`))
  return readMedia(m3u8(...lines, '#EXT-X-ENDLIST'), path).playlist
}

/** One show: 360p and 720p of 2 s segments, with an audio group of 2.048 s AAC segments. */
function show(prices: Partial<PriceList> = {}, previewSeconds = 0): ChargeRules {
  const index = new MediaIndex()
  index.learn(readMaster(showMaster(), '/media/show/master.m3u8').playlist)
  index.learn(vod('/media/show/360p/index.m3u8', [2, 2, 2, 2, 2]))
  index.learn(vod('/media/show/720p/index.m3u8', [2, 2, 2, 2, 2]))
  index.learn(vod('/media/show/audio/index.m3u8', [2.048, 2.048, 2.048, 2.048, 1.808], 'aac'))
  return { index, prices: { ...PRICES, ...prices }, previewSeconds }
}

const low = (n: number) => `/media/show/360p/seg_${n}.ts`
const high = (n: number) => `/media/show/720p/seg_${n}.ts`
const audio = (n: number) => `/media/show/audio/seg_${n}.aac`

test('a segment costs its duration at its stream\'s price and its rendition\'s multiplier', () => {
  assert.deepEqual(entryCharge(low(0), show(), null), { kind: 'due', amount: 20, seconds: 2 })
  assert.deepEqual(entryCharge(high(0), show({ renditionMultipliers: { '720p': 1.5 } }), null), { kind: 'due', amount: 30, seconds: 2 })
  const perStream = show({ streamPrices: [{ folder: '/media/show', pricePerSecond: 7 }] })
  assert.deepEqual(entryCharge(low(1), perStream, null), { kind: 'due', amount: 14, seconds: 2 })
  assert.deepEqual(entryCharge(low(1), show({ streamPrices: [{ folder: '/media/show', pricePerSecond: null }] }), null), { kind: 'not_for_sale' })
  assert.deepEqual(entryCharge(low(1), show({ pricePerSecond: 0 }), null), { kind: 'free', reason: 'unpriced' })
  assert.deepEqual(entryCharge('/media/show/360p/nope.ts', show(), null), { kind: 'unknown' })
  assert.deepEqual(entryCharge(low(0), show(), paid(low(0))), { kind: 'paid', reason: 'paid' })
})

test('the free preview: entries that end within the first N seconds, for everyone, without a channel', () => {
  const rules = show({}, 4)
  assert.deepEqual(entryCharge(low(0), rules, null), { kind: 'free', reason: 'preview' })
  assert.deepEqual(entryCharge(high(1), rules, null), { kind: 'free', reason: 'preview' })
  assert.equal(entryCharge(low(2), rules, null).kind, 'due', 'the segment from 4 s to 6 s is not in a 4 s preview')
  assert.deepEqual(entryCharge(audio(0), rules, null), { kind: 'free', reason: 'preview' })
  assert.equal(entryCharge(audio(1), rules, null).kind, 'waiting', 'the audio from 2.048 s to 4.096 s ends after 4 s')
  assert.equal(inPreview({ start: 0, duration: 2 }, 'program-date-time', 60), false, 'a live stream caught mid-way has no preview')
  assert.equal(releasedTo(rules, null)(low(1)), 'allowed')
  assert.equal(releasedTo(rules, null)(low(2)), 'due')
})

test('the audio group costs nothing and is released up to the video paid, plus one of its segments', () => {
  const rules = show()
  assert.deepEqual(entryCharge(audio(0), rules, paid()), { kind: 'waiting' }, 'nothing paid yet: no audio')
  const twoSeconds = paid(low(0))
  assert.deepEqual(entryCharge(audio(0), rules, twoSeconds), { kind: 'paid', reason: 'companion' })
  assert.deepEqual(entryCharge(audio(1), rules, twoSeconds), { kind: 'paid', reason: 'companion' }, 'one segment ahead')
  assert.deepEqual(entryCharge(audio(2), rules, twoSeconds), { kind: 'waiting' })
  // A seek: 0-2 s and 6-8 s paid. The audio of 2.048-4.096 is reachable (one ahead), 4.096-6.144 overlaps the second.
  const seeked = paid(low(0), high(3))
  assert.equal(entryCharge(audio(2), rules, seeked).kind, 'paid')
  assert.equal(entryCharge(audio(4), rules, seeked).kind, 'paid')
  assert.equal(releasedTo(rules, twoSeconds)(audio(2)), 'withheld')
  assert.equal(releasedTo(rules, null)(audio(0)), 'withheld', 'without a channel nothing is released')
})

test('a rendition switch never sells the same media time twice, unless the new rendition costs more per second', () => {
  const rules = show()
  const watched = paid(low(0), low(1), low(2))
  assert.deepEqual(entryCharge(high(1), rules, watched), { kind: 'paid', reason: 'covered' })
  assert.equal(releasedTo(rules, watched)(high(2)), 'allowed')
  assert.deepEqual(entryCharge(high(3), rules, watched), { kind: 'due', amount: 20, seconds: 2 }, 'media time not paid yet')
  const dearer = show({ renditionMultipliers: { '720p': 2 } })
  assert.deepEqual(entryCharge(high(1), dearer, watched), { kind: 'due', amount: 40, seconds: 2 }, 'better quality for the same seconds is sold')
  assert.deepEqual(entryCharge(low(1), dearer, paid(high(1))), { kind: 'paid', reason: 'covered' }, 'cheaper quality for seconds paid dearer is not')
})

test('LL-HLS: parts priced alone, a segment costs what its paid parts leave, and the preview counts parts too', () => {
  const index = new MediaIndex()
  const text = m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-PART-INF:PART-TARGET=0.5',
    ...['0', '1', '2', '3'].map((n) => `#EXT-X-PART:DURATION=0.5,URI="p0.${n}.m4s"`), '#EXTINF:2,', 's0.m4s',
    '#EXT-X-PART:DURATION=0.5,URI="p1.0.m4s"')
  index.learn(readMedia(text, '/media/ll/v/index.m3u8').playlist)
  const rules: ChargeRules = { index, prices: PRICES, previewSeconds: 0 }
  assert.deepEqual(entryCharge('/media/ll/v/p0.0.m4s', rules, null), { kind: 'due', amount: 5, seconds: 0.5 })
  assert.deepEqual(entryCharge('/media/ll/v/s0.m4s', rules, paid('/media/ll/v/p0.0.m4s', '/media/ll/v/p0.1.m4s')), { kind: 'due', amount: 10, seconds: 1 })
  assert.deepEqual(entryCharge('/media/ll/v/p0.3.m4s', rules, paid('/media/ll/v/s0.m4s')), { kind: 'paid', reason: 'paid' })
  assert.deepEqual(entryCharge('/media/ll/v/p1.0.m4s', rules, null), { kind: 'due', amount: 5, seconds: 0.5 }, 'a part of the segment being written')
  assert.deepEqual(entryCharge('/media/ll/v/p1.0.m4s', { ...rules, previewSeconds: 2.5 }, null), { kind: 'free', reason: 'preview' })
})

test('media spans: merged, covering within a millisecond, and within reach one segment ahead', () => {
  const merged = mergeSpans([{ start: 4, end: 6 }, { start: 0, end: 2 }, { start: 2.0004, end: 4 }, { start: 10, end: 12 }])
  assert.deepEqual(merged, [{ start: 0, end: 6 }, { start: 10, end: 12 }])
  assert.equal(covers(merged, { start: 1, end: 6.0005 }), true)
  assert.equal(covers(merged, { start: 5, end: 10.5 }), false)
  assert.equal(withinReach(merged, { start: 6, end: 8 }, 2), true)
  assert.equal(withinReach(merged, { start: 8, end: 10 }, 2), false)
  assert.equal(withinReach(merged, { start: 9.5, end: 10.5 }, 0), true)
})
