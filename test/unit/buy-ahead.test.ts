// The buy-ahead rule: buy each segment just in time to play it, nothing more while paused, nothing at all while paused
// in a hidden tab; the lead follows the measured buy time, and "smoothest" buys one segment more ahead.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  BUFFER_HOLE_SECONDS,
  bufferedAhead,
  FIRST_BUY_SECONDS,
  HIDDEN_SECONDS,
  STALLED_SECONDS,
  LEAD_CEILING_SECONDS,
  leadSeconds,
  MARGIN_SECONDS,
  nextBuySeconds,
  parseBuyAhead,
  SAFETY,
  secondsUntilBuy,
  type Playhead,
} from '../../client/payer/buy-ahead.ts'

const SEGMENT = 2
/** Playing with a segment's media buffered from the playhead on, unless told otherwise. */
const playing = (position: number, rate = 1, buffered = SEGMENT): Playhead => ({ position, rate, paused: false, hidden: false, buffered, stalled: null })
const segment = (start: number) => ({ start, duration: SEGMENT })
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`)

test('playing at 1x, a segment is bought one lead before the playhead reaches it: margin plus twice the buy time', () => {
  const lead = MARGIN_SECONDS + SAFETY * 0.1
  close(leadSeconds(0.1, playing(9), segment(10), 'exact'), lead)
  close(secondsUntilBuy(segment(10), playing(9), 0.1, 'exact'), 1 - lead)
  assert.equal(secondsUntilBuy(segment(10), playing(10 - lead), 0.1, 'exact'), 0)
  assert.equal(secondsUntilBuy(segment(10), playing(10.5), 0.1, 'exact'), 0, 'the segment under the playhead is bought at once')
  assert.equal(secondsUntilBuy(segment(0), playing(0), FIRST_BUY_SECONDS, 'exact'), 0, 'the first segment at once')
})

test('the lead follows the measured buy time: a slower round trip starts purchases earlier', () => {
  const fast = leadSeconds(0.05, playing(0), segment(2), 'exact')
  const slow = leadSeconds(0.25, playing(0), segment(2), 'exact')
  close(slow - fast, SAFETY * 0.2)
  assert.ok(secondsUntilBuy(segment(2), playing(1), 0.25, 'exact') < secondsUntilBuy(segment(2), playing(1), 0.05, 'exact'))
})

test('a slower purchase does not push the lead past its ceiling while one purchase and the margin fit in it; past that, the lead is exactly that', () => {
  close(leadSeconds(FIRST_BUY_SECONDS, playing(0), segment(2), 'exact'), LEAD_CEILING_SECONDS)
  close(leadSeconds(0.45, playing(0), segment(2), 'exact'), LEAD_CEILING_SECONDS)
  close(leadSeconds(LEAD_CEILING_SECONDS - MARGIN_SECONDS, playing(0), segment(2), 'exact'), LEAD_CEILING_SECONDS)
  close(leadSeconds(1, playing(0), segment(2), 'exact'), MARGIN_SECONDS + 1)
  close(leadSeconds(0.45, playing(0, 4), segment(2), 'exact'), 4 * LEAD_CEILING_SECONDS)
})

test('at 4x, the lead is four times the media time and the wait is counted in wall time', () => {
  close(leadSeconds(0.1, playing(0, 4), segment(10), 'exact'), 4 * (MARGIN_SECONDS + SAFETY * 0.1))
  const lead = 4 * (MARGIN_SECONDS + SAFETY * 0.1)
  close(secondsUntilBuy(segment(10), playing(5, 4), 0.1, 'exact'), (10 - 5 - lead) / 4)
})

test('paused, only the segment under the playhead is bought; paused in a hidden tab, nothing', () => {
  const paused: Playhead = { position: 10.5, rate: 1, paused: true, hidden: false, buffered: 1.5, stalled: null }
  assert.equal(secondsUntilBuy(segment(10), paused, 0.1, 'exact'), 0, 'the frame on show')
  assert.equal(secondsUntilBuy(segment(12), paused, 0.1, 'exact'), Infinity)
  assert.equal(secondsUntilBuy(segment(12), paused, 0.1, 'smoothest'), Infinity, 'smoothest buys nothing ahead while paused either')
  assert.equal(secondsUntilBuy(segment(10), { ...paused, hidden: true }, 0.1, 'exact'), Infinity)
  assert.equal(secondsUntilBuy(segment(12), { ...paused, paused: false, rate: 0 }, 0.1, 'exact'), Infinity, 'a rate of 0 plays nothing')
})

test('with no media at the playhead (a start, a live stream before hls.js moves to its edge, a seek), what hls.js asks is bought at once; not while paused in a hidden tab', () => {
  const starving: Playhead = playing(0, 1, 0)
  assert.equal(secondsUntilBuy(segment(40), starving, 0.1, 'exact'), 0, 'a live window starting at 40 s')
  assert.equal(secondsUntilBuy(segment(40), { ...starving, paused: true }, 0.1, 'exact'), 0, 'the first frame of a paused page')
  assert.equal(secondsUntilBuy(segment(40), { ...starving, paused: true, hidden: true }, 0.1, 'exact'), Infinity)
})

test('the media ahead of the playhead is read from the buffered range that holds it, or starts within a jumpable hole after it', () => {
  const ranges = (...pairs: [number, number][]) => ({ length: pairs.length, start: (i: number) => pairs[i]![0], end: (i: number) => pairs[i]![1] })
  close(bufferedAhead(ranges([0, 2.008]), 0), 2.008)
  close(bufferedAhead(ranges([0, 2.008], [4.013, 6.019]), 5.1), 6.019 - 5.1)
  assert.equal(bufferedAhead(ranges(), 0), 0, 'nothing buffered yet')
  assert.equal(bufferedAhead(ranges([0, 4.013]), 4.013), 0, 'at the end of what was bought')
  assert.equal(bufferedAhead(ranges([0, 4.013]), 30), 0, 'a seek past it')
  close(bufferedAhead(ranges([BUFFER_HOLE_SECONDS / 2, 2]), 0), 2)
  assert.equal(bufferedAhead(ranges([40, 42]), 0), 0, 'a live window far ahead')
})

test("with its first segment just buffered, the video waits for the playhead to buy the second (however late the element's readyState rises)", () => {
  assert.ok(secondsUntilBuy(segment(2), playing(0, 1, 2.008), FIRST_BUY_SECONDS, 'exact') > 1)
})

test('a playing video with less media ahead than an append takes buys what hls.js asks at once, wherever hls.js thinks it starts', () => {
  // A live part's start is hls.js's estimate until its bytes are parsed: here 2 s later than the media it holds.
  assert.equal(secondsUntilBuy(segment(14), playing(11.9, 1, 0.1), 0.1, 'exact'), 0)
  assert.ok(secondsUntilBuy(segment(14), playing(11.9, 1, 2), 0.1, 'exact') > 0, 'with media ahead, it waits')
  assert.equal(secondsUntilBuy(segment(14), { ...playing(11.9, 1, 0.1), paused: true }, 0.1, 'exact'), Infinity, 'paused, it buys nothing ahead')
})


test('a playing video that sits still with media ahead buys what hls.js asks once the still has lasted, and is asked again then', () => {
  // As Chromium left a live LL-HLS stream: 0.535 s ahead, the next part due in 0.09 s by the playhead, which never moved.
  const sitting = (stalled: number): Playhead => ({ ...playing(7.455, 1, 0.535), stalled })
  assert.equal(secondsUntilBuy(segment(8), sitting(STALLED_SECONDS), 0.07, 'exact'), 0)
  // A still just begun: asked again when it has lasted.
  close(secondsUntilBuy(segment(30), sitting(0), 0.07, 'exact'), STALLED_SECONDS)
  close(secondsUntilBuy(segment(30), sitting(0.2), 0.07, 'exact'), STALLED_SECONDS - 0.2)
  close(secondsUntilBuy(segment(8), sitting(0.45), 0.07, 'exact'), Math.min(8 - 7.455 - leadSeconds(0.07, playing(7.455), segment(8), 'exact'), STALLED_SECONDS - 0.45))
  assert.ok(secondsUntilBuy(segment(30), playing(7.455, 1, 0.535), 0.07, 'exact') > 20, 'playing on, it waits for the playhead')
})

test('hidden but playing, purchases start a throttled timer earlier; smoothest buys one segment more ahead', () => {
  close(leadSeconds(0.1, { ...playing(0), hidden: true }, segment(2), 'exact') - leadSeconds(0.1, playing(0), segment(2), 'exact'), HIDDEN_SECONDS)
  close(leadSeconds(0.1, playing(0), segment(2), 'smoothest') - leadSeconds(0.1, playing(0), segment(2), 'exact'), SEGMENT)
})

test('the buy time estimate rises fast after a slow purchase and falls slowly after a fast one', () => {
  close(nextBuySeconds(0.1, 0.5), 0.3)
  close(nextBuySeconds(0.5, 0.1), 0.42)
  assert.equal(nextBuySeconds(0.2, Number.NaN), 0.2, 'a broken measurement changes nothing')
  assert.equal(nextBuySeconds(0.2, -1), 0.2)
  let estimate = FIRST_BUY_SECONDS
  for (let i = 0; i < 30; i++) estimate = nextBuySeconds(estimate, 0.16)
  assert.ok(Math.abs(estimate - 0.16) < 0.001, 'steady round trips are learnt')
})

test('exact, at 1x with 2 s segments and purchases up to 0.6 s: whatever is bought ends at most one segment + 1 s past the playhead, and is bought at least the margin and one purchase time before it plays (two up to 0.3 s)', () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0.01, max: 0.6, noNaN: true }), (position, start, buy) => {
      // hls.js asks for the segment that starts where the buffered media ends.
      const wait = secondsUntilBuy(segment(start), playing(position, 1, Math.max(0, start - position)), buy, 'exact')
      if (wait === 0) assert.ok(start + SEGMENT - position <= SEGMENT + 1, `bought ${start}..${start + SEGMENT} at ${position}`)
      // One not due yet is bought when its wait ends: the playhead then still has the margin and the purchase times to go.
      const times = buy <= (LEAD_CEILING_SECONDS - MARGIN_SECONDS) / SAFETY ? SAFETY : 1
      if (wait > 0) assert.ok(start - (position + wait) >= MARGIN_SECONDS + times * buy - 1e-9, `bought ${start - position - wait} s before it plays`)
    }),
  )
})

test('a stored choice other than "exact" or "smoothest" reads as exact', () => {
  assert.equal(parseBuyAhead('smoothest'), 'smoothest')
  assert.equal(parseBuyAhead('exact'), 'exact')
  assert.equal(parseBuyAhead('all'), 'exact')
  assert.equal(parseBuyAhead(undefined), 'exact')
})
