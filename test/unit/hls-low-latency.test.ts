// LL-HLS: parts belong to their segment, are priced by their own duration, and "all parts paid" equals "segment paid"
// in both directions. Shapes from Apple's LL-HLS examples: parts in their own files, and parts as byte ranges.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chargeFor } from '../../protocol/hls/charges.ts'
import { accessToBytes } from '../../protocol/hls/byte-access.ts'
import { segmentPrice } from '../../protocol/pricing.ts'
import { fileAt, m3u8, readMedia, releasedByPayments, skipped, indexOf } from '../support/hls-read.ts'

const PART = 0.33334
const parts = (sequence: number, count: number, suffix = (index: number) => String(index)) =>
  Array.from({ length: count }, (_, index) => `#EXT-X-PART:DURATION=${PART},URI="filePart${sequence}.${suffix(index)}.mp4"${index % 4 === 0 ? ',INDEPENDENT=YES' : ''}`)

const appleSeparateFiles = m3u8(
  '#EXTM3U', '#EXT-X-TARGETDURATION:4', '#EXT-X-VERSION:6',
  '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0,CAN-SKIP-UNTIL=12.0', '#EXT-X-PART-INF:PART-TARGET=0.33334',
  '#EXT-X-MEDIA-SEQUENCE:266', '#EXT-X-PROGRAM-DATE-TIME:2019-02-14T02:13:36.106Z', '#EXT-X-MAP:URI="init.mp4"',
  '#EXTINF:4.00008,', 'fileSequence266.mp4', '#EXTINF:4.00008,', 'fileSequence267.mp4', '#EXTINF:4.00008,', 'fileSequence268.mp4',
  '#EXTINF:4.00008,', 'fileSequence269.mp4', '#EXTINF:4.00008,', 'fileSequence270.mp4',
  ...parts(271, 12), '#EXTINF:4.00008,', 'fileSequence271.mp4',
  ...parts(272, 3, (index) => 'abc'[index]), '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="filePart272.d.mp4"',
  '#EXT-X-RENDITION-REPORT:URI="../1M/waitForMSN.php",LAST-MSN=273,LAST-PART=2',
)

test('Apple LL-HLS, parts in their own files: parts of 271, the three parts of 272 being written, the preload hint', () => {
  const { playlist, issues } = readMedia(appleSeparateFiles, '/media/ll/index.m3u8')
  assert.deepEqual(issues, [])
  assert.deepEqual(playlist.lowLatency, { partTarget: PART, partHoldBack: 1, canBlockReload: true })
  assert.equal(playlist.timeline, 'program-date-time')
  const segment = playlist.segments.at(-1)!
  assert.equal(segment.sequence, 271)
  assert.equal(segment.parts.length, 12)
  assert.deepEqual(segment.parts[1], {
    key: { path: '/media/ll/filePart271.1.mp4', query: null, range: null },
    id: '/media/ll/filePart271.1.mp4',
    parent: '/media/ll/fileSequence271.mp4',
    parentSequence: 271,
    index: 1,
    duration: PART,
    start: segment.start + PART,
    independent: false,
    gap: false,
  })
  assert.deepEqual(playlist.pendingParts.map((part) => [part.id, part.parent, part.parentSequence]), [
    ['/media/ll/filePart272.a.mp4', null, 272],
    ['/media/ll/filePart272.b.mp4', null, 272],
    ['/media/ll/filePart272.c.mp4', null, 272],
  ])
  assert.ok(Math.abs(playlist.pendingParts[0].start - (segment.start + 4.00008)) < 1e-9)
  assert.deepEqual(playlist.preloadHints, [{ type: 'PART', path: '/media/ll/filePart272.d.mp4', query: null, start: 0, length: null }])
})

test('Apple LL-HLS with byte-range parts: implicit part offsets, an open-ended preload hint', () => {
  const { playlist, issues } = readMedia(
    m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:4', '#EXT-X-VERSION:9', '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0',
      '#EXT-X-PART-INF:PART-TARGET=1.0', '#EXT-X-MEDIA-SEQUENCE:271', '#EXT-X-MAP:URI="init.mp4"',
      '#EXT-X-PART:DURATION=1.0,URI="fileSequence271.mp4",BYTERANGE="20000@0",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=1.0,URI="fileSequence271.mp4",BYTERANGE="23000"',
      '#EXT-X-PART:DURATION=1.0,URI="fileSequence271.mp4",BYTERANGE="18000"',
      '#EXT-X-PART:DURATION=1.0,URI="fileSequence271.mp4",BYTERANGE="19000"',
      '#EXTINF:4.0,', 'fileSequence271.mp4',
      '#EXT-X-PART:DURATION=1.0,URI="fileSequence272.mp4",BYTERANGE="21000@0",INDEPENDENT=YES',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="fileSequence272.mp4",BYTERANGE-START=21000'),
    '/media/ll/index.m3u8',
    (path) => (path.endsWith('271.mp4') ? 80000 : undefined),
  )
  assert.deepEqual(issues, [])
  assert.deepEqual(playlist.segments[0].parts.map((part) => part.key.range), [
    { start: 0, end: 19999 },
    { start: 20000, end: 42999 },
    { start: 43000, end: 60999 },
    { start: 61000, end: 79999 },
  ])
  assert.deepEqual(playlist.pendingParts.map((part) => part.id), ['/media/ll/fileSequence272.mp4#bytes=0-20999'])
  assert.deepEqual(playlist.preloadHints, [{ type: 'PART', path: '/media/ll/fileSequence272.mp4', query: null, start: 21000, length: null }])
})

test('parts that do not add up to their segment, or that leave it, skip the segment', () => {
  const { playlist, issues } = readMedia(
    m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-PART-INF:PART-TARGET=0.5',
      '#EXT-X-PART:DURATION=0.5,URI="a.0.ts"', '#EXT-X-PART:DURATION=0.5,URI="a.1.ts"', '#EXTINF:2.0,', 'a.ts',
      '#EXT-X-PART:DURATION=0.5,URI="b.ts",BYTERANGE="100@0"', '#EXT-X-PART:DURATION=0.5,URI="b.ts",BYTERANGE="100@500"', '#EXTINF:1.0,', '#EXT-X-BYTERANGE:400@0', 'b.ts',
      '#EXT-X-PART:DURATION=abc,URI="c.0.ts"', '#EXTINF:0.5,', 'c.ts',
      '#EXT-X-PART:DURATION=0.5,URI="d.0.ts"', '#EXTINF:0.5,', 'd.ts'),
  )
  assert.deepEqual(playlist.segments.map((segment) => segment.id), ['/media/show/d.ts'])
  assert.deepEqual(skipped(issues), ['parts_mismatch', 'bad_part', 'bad_part'])
})

test('LL-HLS pricing: parts by their own duration; paid parts count toward their segment; a paid segment covers its parts', () => {
  const { playlist } = readMedia(appleSeparateFiles, '/media/ll/index.m3u8')
  const catalog = indexOf([playlist])
  const priceOf = (seconds: number) => segmentPrice(seconds, 30)
  const segment = '/media/ll/fileSequence271.mp4'
  const partIds = playlist.segments.at(-1)!.parts.map((part) => part.id)
  const charge = (id: string, paid: Set<string>) => chargeFor(catalog.get(id)!, catalog, paid, priceOf)
  const nothing = new Set<string>()
  assert.deepEqual(charge(partIds[0], nothing), { kind: 'due', amount: 10 })
  assert.deepEqual(charge(segment, nothing), { kind: 'due', amount: 120 })
  assert.deepEqual(charge('/media/ll/init.mp4', nothing), { kind: 'free' })

  // Five parts paid: the segment costs the other seven.
  const someParts = new Set(partIds.slice(0, 5))
  assert.deepEqual(charge(segment, someParts), { kind: 'due', amount: 70 })
  // All twelve: the segment is paid, and its bytes are released.
  const allParts = new Set(partIds)
  assert.deepEqual(charge(segment, allParts), { kind: 'paid' })
  assert.deepEqual(accessToBytes(fileAt(segment), { start: 0, end: 999_999 }, catalog, releasedByPayments(catalog, ...allParts)), { kind: 'released', free: false })
  // The reverse: a paid segment covers every part.
  const segmentPaid = new Set([segment])
  for (const id of partIds) assert.deepEqual(charge(id, segmentPaid), { kind: 'paid' })
  // Parts being written have no segment yet and are priced alone.
  assert.deepEqual(charge('/media/ll/filePart272.a.mp4', segmentPaid), { kind: 'due', amount: 10 })
})

test('when rounded part prices reach the segment price early, the last unpaid part still costs 1 sat, never 0', () => {
  const { playlist } = readMedia(
    m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-PART-INF:PART-TARGET=0.5',
      ...[0, 1, 2, 3].map((index) => `#EXT-X-PART:DURATION=0.5,URI="s.${index}.ts"`), '#EXTINF:2.0,', 's.ts'),
  )
  const catalog = indexOf([playlist])
  const priceOf = (seconds: number) => segmentPrice(seconds, 3)
  const charge = (id: string, paid: Set<string>) => chargeFor(catalog.get(id)!, catalog, paid, priceOf)
  assert.deepEqual(charge('/media/show/s.0.ts', new Set()), { kind: 'due', amount: 2 })
  const threeParts = new Set(['/media/show/s.0.ts', '/media/show/s.1.ts', '/media/show/s.2.ts'])
  assert.deepEqual(charge('/media/show/s.ts', threeParts), { kind: 'due', amount: 1 })
})
