// Every broken playlist gets a specific issue: refused outright, or the bad entry skipped while the rest stands.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { MAX_PLAYLIST_BYTES } from '../../protocol/hls/playlist-issues.ts'
import { readHlsPlaylist } from '../../protocol/hls/read-playlist.ts'
import { m3u8, readMedia, refusal, skipped } from '../support/hls-read.ts'

const HEAD = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0']
const GOOD = ['#EXTINF:2.0,', 'good.ts']
const media = (...lines: string[]) => m3u8(...HEAD, ...lines, '#EXT-X-ENDLIST')

test('not a playlist: empty, HTML, binary, a missing #EXTM3U', () => {
  for (const text of ['', '<!doctype html><title>404</title>', '\u0000\u0001\u00ff', m3u8('#EXT-X-TARGETDURATION:2', ...GOOD)]) {
    assert.deepEqual(refusal(text), ['not_a_playlist'])
  }
})

test('a playlist over the size limit is refused before it is parsed', () => {
  const filler = '#' + 'x'.repeat(1000) + '\n'
  const big = media(...GOOD) + filler.repeat(Math.ceil(MAX_PLAYLIST_BYTES / filler.length))
  assert.deepEqual(refusal(big), ['too_large'])
  // Measured in UTF-8 bytes, not characters.
  const wide = media(...GOOD) + '#' + 'é'.repeat(MAX_PLAYLIST_BYTES / 2) + '\n'
  assert.ok(wide.length < MAX_PLAYLIST_BYTES)
  assert.deepEqual(refusal(wide), ['too_large'])
})

test('unparseable tags, master and media mixed, no target duration, a key without URI', () => {
  assert.deepEqual(refusal(media('#EXT-X-KEY:METHOD=AES-128,URI="k.bin",IV=0x12', ...GOOD)), ['unparseable'])
  assert.deepEqual(refusal(m3u8(...HEAD, '#EXT-X-STREAM-INF:BANDWIDTH=1', 'v.m3u8', ...GOOD)), ['mixed_playlist'])
  assert.deepEqual(refusal(m3u8('#EXTM3U', ...GOOD, '#EXT-X-ENDLIST')), ['missing_target_duration'])
  assert.deepEqual(refusal(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:abc', ...GOOD)), ['missing_target_duration'])
  assert.deepEqual(refusal(media('#EXT-X-KEY:METHOD=AES-128', ...GOOD)), ['bad_key'])
})

test('durations missing, zero, negative, not a number, or absurd skip their segment (with its line)', () => {
  const { playlist, issues } = readMedia(
    media('bare.ts', '#EXTINF:0,', 'zero.ts', '#EXTINF:-2.0,', 'negative.ts', '#EXTINF:abc,', 'word.ts', '#EXTINF:,', 'empty.ts', '#EXTINF:20.1,', 'absurd.ts', '#EXTINF:20,', 'ten-targets.ts', ...GOOD),
  )
  assert.deepEqual(playlist.segments.map((segment) => segment.key.path), ['/media/show/ten-targets.ts', '/media/show/good.ts'])
  assert.deepEqual(issues.map((issue) => [issue.code, issue.line]), [
    ['missing_duration', 5],
    ['bad_duration', 7],
    ['bad_duration', 9],
    ['bad_duration', 11],
    ['missing_duration', 13],
    ['absurd_duration', 15],
  ])
  // Skipped segments keep their place: sequence numbers and start times do not shift (the target duration stands in).
  assert.deepEqual(playlist.segments.map((segment) => [segment.sequence, segment.start]), [[6, 12], [7, 32]])
  // More than an hour is absurd whatever the target.
  const long = readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:4000', '#EXTINF:3601,', 'long.ts', ...GOOD))
  assert.deepEqual(skipped(long.issues), ['absurd_duration'])
})

test('byte ranges: malformed, empty, past the end of the file, with an offset that cannot be implied', () => {
  const sizes = (path: string) => (path.endsWith('/a.ts') ? 1000 : undefined)
  const { playlist, issues } = readMedia(
    media('#EXTINF:2,', '#EXT-X-BYTERANGE:400', 'first.ts', '#EXTINF:2,', '#EXT-X-BYTERANGE:12abc@0', 'a.ts', '#EXTINF:2,', '#EXT-X-BYTERANGE:0@0', 'a.ts',
      '#EXTINF:2,', '#EXT-X-BYTERANGE:600@0', 'a.ts', '#EXTINF:2,', '#EXT-X-BYTERANGE:500', 'a.ts', '#EXTINF:2,', '#EXT-X-BYTERANGE:100', 'other.ts'),
    '/media/show/index.m3u8',
    sizes,
  )
  assert.deepEqual(playlist.segments.map((segment) => segment.id), ['/media/show/a.ts#bytes=0-599'])
  assert.deepEqual(skipped(issues), ['implicit_offset', 'bad_byterange', 'bad_byterange', 'range_past_end', 'implicit_offset'])
  // Without file sizes, a range past the end cannot be seen (the gate then finds the file shorter).
  assert.deepEqual(skipped(readMedia(media('#EXTINF:2,', '#EXT-X-BYTERANGE:600@900', 'a.ts')).issues), [])
})

test('overlapping entries refuse the playlist: ranges, a file and a range of it, an init or key that is also media', () => {
  assert.deepEqual(refusal(media('#EXTINF:2,', '#EXT-X-BYTERANGE:600@0', 'a.ts', '#EXTINF:2,', '#EXT-X-BYTERANGE:600@599', 'a.ts')), ['overlapping_ranges'])
  assert.deepEqual(refusal(media('#EXTINF:2,', 'a.ts', '#EXTINF:2,', '#EXT-X-BYTERANGE:10@0', 'a.ts')), ['overlapping_ranges'])
  assert.deepEqual(refusal(media('#EXTINF:2,', 'a.ts?n=1', '#EXTINF:2,', '#EXT-X-BYTERANGE:10@0', 'a.ts?n=1')), ['overlapping_ranges'])
  // An init segment naming the whole file its segments are cut from would give every segment away.
  assert.deepEqual(refusal(media('#EXT-X-MAP:URI="index.mp4"', '#EXTINF:2,', '#EXT-X-BYTERANGE:600@700', 'index.mp4')), ['overlapping_ranges'])
  assert.deepEqual(refusal(media('#EXT-X-MAP:URI="index.mp4",BYTERANGE="800@0"', '#EXTINF:2,', '#EXT-X-BYTERANGE:600@700', 'index.mp4')), ['overlapping_ranges'])
  assert.deepEqual(refusal(media('#EXT-X-KEY:METHOD=AES-128,URI="good.ts"', ...GOOD)), ['overlapping_ranges'])
  // Touching is not overlapping.
  readMedia(media('#EXT-X-MAP:URI="index.mp4",BYTERANGE="700@0"', '#EXTINF:2,', '#EXT-X-BYTERANGE:600@700', 'index.mp4', '#EXTINF:2,', '#EXT-X-BYTERANGE:600', 'index.mp4'))
})

test('URIs that leave the host or the media folder, or cannot be decoded, are skipped', () => {
  const { playlist, issues } = readMedia(
    media(...['https://cdn.example.com/a.ts', '//cdn.example.com/b.ts', '../../../etc/passwd', 'data:video/mp2t;base64,AAAA', 'bad%E0%A4%A.ts', '.hidden.ts', '%2e%2e/%2e%2e/x.ts', 'a%23bytes=0-9.ts', 'tab%09.ts'].flatMap((uri) => ['#EXTINF:2,', uri]), ...GOOD),
  )
  assert.deepEqual(playlist.segments.map((segment) => segment.key.path), ['/media/show/good.ts'])
  // %2e%2e is a ".." to a URL parser, so that one leaves /media like the plain one.
  assert.deepEqual(skipped(issues), ['foreign_uri', 'foreign_uri', 'foreign_uri', 'foreign_uri', 'bad_uri', 'bad_uri', 'foreign_uri', 'bad_uri', 'bad_uri'])
})

test('init segments: a broken EXT-X-MAP refuses the playlist, one on another host is only left unlisted', () => {
  assert.deepEqual(refusal(media('#EXT-X-MAP:URI="init.mp4",BYTERANGE="abc"', ...GOOD)), ['bad_map'])
  assert.deepEqual(refusal(media('#EXT-X-MAP:URI="init.mp4",BYTERANGE="900@0"', ...GOOD), '/media/show/index.m3u8', () => 100), ['bad_map'])
  for (const uri of ['https://cdn.example.com/init.mp4', '../../../init.mp4']) {
    const remote = readMedia(media(`#EXT-X-MAP:URI="${uri}"`, ...GOOD))
    assert.deepEqual([remote.playlist.initSegments, remote.playlist.segments[0].init, skipped(remote.issues)], [[], null, ['foreign_uri']])
  }
})

test('nothing usable: every segment skipped, or an ended playlist with none; a live one just starting is fine', () => {
  assert.deepEqual(refusal(media('#EXTINF:0,', 'a.ts')), ['nothing_usable'])
  assert.deepEqual(refusal(m3u8(...HEAD, '#EXT-X-ENDLIST')), ['nothing_usable'])
  assert.deepEqual(readMedia(m3u8(...HEAD)).playlist.segments, [])
})

test('a bad preload hint or program date time is dropped; the segments stand', () => {
  const hint = readMedia(m3u8(...HEAD, '#EXT-X-PART-INF:PART-TARGET=0.5', ...GOOD, '#EXT-X-PRELOAD-HINT:TYPE=SEGMENT,URI="next.ts"'))
  assert.deepEqual([hint.playlist.preloadHints, skipped(hint.issues)], [[], ['bad_preload_hint']])
  const date = readMedia(media('#EXT-X-PROGRAM-DATE-TIME:yesterday', ...GOOD))
  assert.deepEqual([date.playlist.timeline, date.playlist.segments[0].programDateTime, skipped(date.issues)], ['stream', null, ['bad_program_date_time']])
})

test('property: no text, and no mangling of a real playlist, makes the reader throw', () => {
  const real = media('#EXT-X-MAP:URI="index.mp4",BYTERANGE="700@0"', '#EXTINF:2,', '#EXT-X-BYTERANGE:600@700', 'index.mp4', '#EXT-X-PART:DURATION=0.5,URI="p.ts"', '#EXTINF:2,', '#EXT-X-BYTERANGE:600', 'index.mp4').split('\n')
  const mangled = fc.array(fc.oneof(fc.constantFrom(...real), fc.string({ maxLength: 20 }), fc.constantFrom('#EXT-X-STREAM-INF:', '#EXT-X-MEDIA:TYPE=', '#EXT-X-KEY:IV=0x', '#EXTINF:', '#EXT-X-PART:', '#EXT-X-BYTERANGE:@')), { maxLength: 30 })
  fc.assert(fc.property(mangled, (lines) => {
    const reading = readHlsPlaylist(['#EXTM3U', ...lines].join('\n'), '/media/show/index.m3u8')
    assert.ok(reading.ok || reading.issues.some((issue) => issue.severity === 'refused'))
  }), { numRuns: 300 })
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => void readHlsPlaylist(text, '/media/show/index.m3u8')))
})
