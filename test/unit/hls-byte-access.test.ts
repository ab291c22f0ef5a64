// Which bytes of a file a channel may receive: every byte of a request must lie in released entries.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { accessToBytes } from '../../protocol/hls/byte-access.ts'
import { continueTimeline } from '../../protocol/hls/timeline.ts'
import { fileAt, m3u8, readMedia, releasedByPayments, indexOf } from '../support/hls-read.ts'

// ffmpeg's fMP4 single file: init 0-1324, segments 1325-77809, 77810-164329, 164330-245576 of a 245577-byte file.
const singleFile = readMedia(
  m3u8('#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2', '#EXT-X-MAP:URI="index.mp4",BYTERANGE="1325@0"',
    '#EXTINF:2.0,', '#EXT-X-BYTERANGE:76485@1325', 'index.mp4', '#EXTINF:2.0,', '#EXT-X-BYTERANGE:86520', 'index.mp4', '#EXTINF:2.0,', '#EXT-X-BYTERANGE:81247', 'index.mp4', '#EXT-X-ENDLIST'),
  '/media/s/index.m3u8',
).playlist
const FILE = '/media/s/index.mp4'
const [seg0, seg1, seg2] = singleFile.segments.map((segment) => segment.id)
const catalog = indexOf([singleFile])
const paid = releasedByPayments
const entryOf = (access: ReturnType<typeof accessToBytes>) => (access.kind === 'payment_required' ? access.entry.id : access.kind)

test('the init segment is free; a segment needs its payment; a range inside a paid segment is served', () => {
  assert.deepEqual(accessToBytes(fileAt(FILE), { start: 0, end: 1324 }, catalog, paid(catalog)), { kind: 'released', free: true })
  assert.equal(entryOf(accessToBytes(fileAt(FILE), { start: 1325, end: 77809 }, catalog, paid(catalog))), seg0)
  assert.deepEqual(accessToBytes(fileAt(FILE), { start: 1325, end: 77809 }, catalog, paid(catalog, seg0)), { kind: 'released', free: false })
  assert.deepEqual(accessToBytes(fileAt(FILE), { start: 5000, end: 6000 }, catalog, paid(catalog, seg0)), { kind: 'released', free: false })
})

test('paid for segment 0, neither bytes=0- nor the next range is served: each names the first unpaid segment', () => {
  assert.equal(entryOf(accessToBytes(fileAt(FILE), { start: 0, end: 245576 }, catalog, paid(catalog, seg0))), seg1)
  assert.equal(entryOf(accessToBytes(fileAt(FILE), { start: 77810, end: 164329 }, catalog, paid(catalog, seg0))), seg1)
  assert.equal(entryOf(accessToBytes(fileAt(FILE), { start: 77000, end: 78000 }, catalog, paid(catalog, seg0))), seg1)
  assert.equal(entryOf(accessToBytes(fileAt(FILE), { start: 0, end: 245576 }, catalog, paid(catalog, seg0, seg2))), seg1)
  assert.deepEqual(accessToBytes(fileAt(FILE), { start: 0, end: 245576 }, catalog, paid(catalog, seg0, seg1, seg2)), { kind: 'released', free: false })
})

test('bytes no entry lists are never served, even when everything listed is paid', () => {
  const all = paid(catalog, seg0, seg1, seg2)
  assert.deepEqual(accessToBytes(fileAt(FILE), { start: 245000, end: 300000 }, catalog, all), { kind: 'not_listed', firstByte: 245577 })
  assert.deepEqual(accessToBytes(fileAt('/media/s/other.mp4'), { start: 0, end: 10 }, catalog, all), { kind: 'not_listed', firstByte: 0 })
  // Shaka's single file keeps its sidx between the init segment and the first segment, listed by neither.
  const shaka = indexOf([readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:5', '#EXT-X-MAP:URI="v.mp4",BYTERANGE="867@0"', '#EXTINF:5,', '#EXT-X-BYTERANGE:1000@935', 'v.mp4'), '/media/s/v.m3u8').playlist])
  assert.deepEqual(accessToBytes(fileAt('/media/s/v.mp4'), { start: 0, end: 1934 }, shaka, paid(shaka, '/media/s/v.mp4#bytes=935-1934')), { kind: 'not_listed', firstByte: 867 })
})

test('whole-file segments and key files', () => {
  const encrypted = indexOf([readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-KEY:METHOD=AES-128,URI="k.bin"', '#EXTINF:2,', 'a.ts', '#EXTINF:2,', 'b.ts'), '/media/s/index.m3u8').playlist])
  assert.equal(entryOf(accessToBytes(fileAt('/media/s/a.ts'), { start: 10, end: 20 }, encrypted, paid(encrypted))), '/media/s/a.ts')
  assert.deepEqual(accessToBytes(fileAt('/media/s/a.ts'), { start: 10, end: 20 }, encrypted, paid(encrypted, '/media/s/a.ts')), { kind: 'released', free: false })
  // Nothing sold: the gate releases keys to open channels only.
  assert.deepEqual(accessToBytes(fileAt('/media/s/k.bin'), { start: 0, end: 15 }, encrypted, paid(encrypted)), { kind: 'released', free: true })
})

test('byte-range parts inside a whole-file segment: a part request names the part, a wider one the segment', () => {
  const text = m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-PART-INF:PART-TARGET=1',
    '#EXT-X-PART:DURATION=1,URI="s.mp4",BYTERANGE="500@0"', '#EXT-X-PART:DURATION=1,URI="s.mp4",BYTERANGE="500"', '#EXTINF:2,', 's.mp4')
  const parts = indexOf([readMedia(text, '/media/s/index.m3u8').playlist])
  const [part0, part1] = ['/media/s/s.mp4#bytes=0-499', '/media/s/s.mp4#bytes=500-999']
  assert.equal(entryOf(accessToBytes(fileAt('/media/s/s.mp4'), { start: 0, end: 499 }, parts, paid(parts))), part0)
  assert.equal(entryOf(accessToBytes(fileAt('/media/s/s.mp4'), { start: 0, end: 999 }, parts, paid(parts))), '/media/s/s.mp4')
  assert.deepEqual(accessToBytes(fileAt('/media/s/s.mp4'), { start: 0, end: 499 }, parts, paid(parts, part0)), { kind: 'released', free: false })
  // Wider than the unpaid part: the segment is named (and chargeFor prices it at what its unpaid part costs).
  assert.equal(entryOf(accessToBytes(fileAt('/media/s/s.mp4'), { start: 0, end: 999 }, parts, paid(parts, part0))), '/media/s/s.mp4')
  assert.equal(entryOf(accessToBytes(fileAt('/media/s/s.mp4'), { start: 500, end: 999 }, parts, paid(parts, part0))), part1)
  // Both parts paid: the whole file (the segment) is released, bytes past the last part included.
  assert.deepEqual(accessToBytes(fileAt('/media/s/s.mp4'), { start: 0, end: 5000 }, parts, paid(parts, part0, part1)), { kind: 'released', free: false })
})

test('a later reading of a live LL-HLS playlist drops old parts, but the catalog keeps their links', () => {
  const head = ['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-PART-INF:PART-TARGET=1']
  const first = readMedia(m3u8(...head, '#EXT-X-PART:DURATION=1,URI="a.0.ts"', '#EXT-X-PART:DURATION=1,URI="a.1.ts"', '#EXTINF:2,', 'a.ts'), '/media/l/index.m3u8').playlist
  const later = readMedia(m3u8(...head, '#EXTINF:2,', 'a.ts', '#EXTINF:2,', 'b.ts'), '/media/l/index.m3u8').playlist
  const merged = indexOf([first, later])
  assert.deepEqual(merged.get('/media/l/a.ts')?.parts, ['/media/l/a.0.ts', '/media/l/a.1.ts'])
  assert.deepEqual(accessToBytes(fileAt('/media/l/a.ts'), { start: 0, end: 99 }, merged, paid(merged, '/media/l/a.0.ts', '/media/l/a.1.ts')), { kind: 'released', free: false })
})

test('a sliding window carried forward keeps each segment at the same media time', () => {
  const window = (sequence: number, names: string[]) =>
    readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', `#EXT-X-MEDIA-SEQUENCE:${sequence}`, ...names.flatMap((name) => ['#EXTINF:2,', name])), '/media/live/360p/index.m3u8').playlist
  const first = window(0, ['s0.ts', 's1.ts', 's2.ts'])
  assert.equal(first.timeline, 'stream')
  const moved = window(2, ['s2.ts', 's3.ts', 's4.ts'])
  assert.deepEqual([moved.timeline, moved.segments[0].start], ['window', 0])
  const carried = continueTimeline(first, moved)
  assert.deepEqual([carried.timeline, carried.segments.map((segment) => segment.start)], ['stream', [4, 6, 8]])
  // No shared segment: nothing to carry.
  assert.equal(continueTimeline(first, window(9, ['s9.ts'])).timeline, 'window')
})
