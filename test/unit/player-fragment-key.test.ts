// What the player's loader pays for: each hls.js request keyed as the host keys it, from its URL and byte range.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rangeOfContext, segmentKeyOf } from '../../client/player/fragment-key.ts'

const BASE = 'http://127.0.0.1:8080/?stream=/media/show/master.m3u8'

test('a whole file is its decoded path, whatever the query string and the host', () => {
  assert.equal(segmentKeyOf('http://127.0.0.1:8080/media/show/360p/seg_00003.ts?token=abc', BASE, { start: 0, end: 0 }), '/media/show/360p/seg_00003.ts')
  assert.equal(segmentKeyOf('/media/my%20show/360p/seg%200.ts', BASE, { start: undefined, end: undefined }), '/media/my show/360p/seg 0.ts')
})

test("hls.js's byte range ends one past the last byte; the key's end is the last byte", () => {
  assert.equal(segmentKeyOf('/media/show/360p/index.mp4', BASE, { start: 1325, end: 77810 }), '/media/show/360p/index.mp4#bytes=1325-77809')
})

test('URLs the host could not have listed have no key', () => {
  assert.equal(segmentKeyOf('/media/show/.hidden/seg.ts', BASE, { start: 0, end: 0 }), null)
  assert.equal(segmentKeyOf('/media/show/%ZZ.ts', BASE, { start: 0, end: 0 }), null)
})

test("the range comes from the part or fragment itself, not from a request hls.js widened (AES-128 init segments)", () => {
  const frag = { byteRangeStartOffset: 100, byteRangeEndOffset: 1100 }
  assert.deepEqual(rangeOfContext({ rangeStart: 96, rangeEnd: 1104, frag }), { start: 100, end: 1100 })
  const part = { byteRangeStartOffset: 300, byteRangeEndOffset: 500 }
  assert.deepEqual(rangeOfContext({ rangeStart: 300, rangeEnd: 500, frag, part }), { start: 300, end: 500 })
  assert.deepEqual(rangeOfContext({ rangeStart: 0, rangeEnd: 0, frag: {} }), { start: 0, end: 0 })
})
