// Media playlists in the shapes real packagers write (ffmpeg, Shaka Packager, Bento4, AWS MediaConvert, nginx-rtmp),
// read into segment keys, durations, init segments, keys and start times.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { m3u8, readMedia, skipped } from '../support/hls-read.ts'

test('ffmpeg MPEG-TS, one file per segment (-hls_list_size 0, finished as VOD)', () => {
  const { playlist, issues } = readMedia(
    m3u8('#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXTINF:2.000000,', 'seg_00000.ts', '#EXTINF:2.000000,', 'seg_00001.ts', '#EXTINF:0.533333,', 'seg_00002.ts', '#EXT-X-ENDLIST'),
    '/media/sample/360p/index.m3u8',
  )
  assert.deepEqual(issues, [])
  assert.equal(playlist.playback, 'vod')
  assert.equal(playlist.ended, true)
  assert.equal(playlist.timeline, 'stream')
  assert.deepEqual(playlist.segments.map((segment) => [segment.id, segment.sequence, segment.start, segment.duration]), [
    ['/media/sample/360p/seg_00000.ts', 0, 0, 2],
    ['/media/sample/360p/seg_00001.ts', 1, 2, 2],
    ['/media/sample/360p/seg_00002.ts', 2, 4, 0.533333],
  ])
  assert.equal(playlist.duration, 4.533333)
  assert.deepEqual(playlist.initSegments, [])
})

test('ffmpeg -hls_flags single_file: TS byte ranges of one file, each an explicit length@offset', () => {
  const { playlist } = readMedia(
    m3u8('#EXTM3U', '#EXT-X-VERSION:4', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXTINF:2.000000,', '#EXT-X-BYTERANGE:86480@0', 'index.ts',
      '#EXTINF:2.000000,', '#EXT-X-BYTERANGE:94564@86480', 'index.ts',
      '#EXTINF:2.000000,', '#EXT-X-BYTERANGE:90052@181044', 'index.ts', '#EXT-X-ENDLIST'),
    '/media/show/index.m3u8',
    () => 271096,
  )
  assert.deepEqual(playlist.segments.map((segment) => segment.id), [
    '/media/show/index.ts#bytes=0-86479',
    '/media/show/index.ts#bytes=86480-181043',
    '/media/show/index.ts#bytes=181044-271095',
  ])
  // No PLAYLIST-TYPE: a live playlist that has ended, still at media sequence 0, so times count from the stream start.
  assert.equal(playlist.playback, 'live')
  assert.equal(playlist.timeline, 'stream')
})

test('ffmpeg fMP4 single file: the init segment is a byte range of the same file, and free', () => {
  const { playlist } = readMedia(
    m3u8('#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-MAP:URI="index.mp4",BYTERANGE="1325@0"',
      '#EXTINF:2.000000,', '#EXT-X-BYTERANGE:76485@1325', 'index.mp4',
      '#EXTINF:2.000000,', '#EXT-X-BYTERANGE:86520@77810', 'index.mp4', '#EXT-X-ENDLIST'),
  )
  const init = { path: '/media/show/index.mp4', query: null, range: { start: 0, end: 1324 } }
  assert.deepEqual(playlist.initSegments, [init])
  assert.deepEqual(playlist.segments.map((segment) => [segment.id, segment.init]), [
    ['/media/show/index.mp4#bytes=1325-77809', init],
    ['/media/show/index.mp4#bytes=77810-164329', init],
  ])
})

test('Shaka Packager single-file fMP4: implicit offsets continue the same file, the sidx gap stays unlisted', () => {
  const { playlist, issues } = readMedia(
    m3u8('#EXTM3U', '#EXT-X-VERSION:6', '## Generated with https://github.com/google/shaka-packager version v2.6.1-634af65-release',
      '#EXT-X-TARGETDURATION:5', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MAP:URI="h264_360p.mp4",BYTERANGE="867@0"',
      '#EXTINF:5.005,', '#EXT-X-BYTERANGE:238232@935', 'h264_360p.mp4',
      '#EXTINF:5.005,', '#EXT-X-BYTERANGE:239542', 'h264_360p.mp4',
      '#EXTINF:2.002,', '#EXT-X-BYTERANGE:97001', 'h264_360p.mp4', '#EXT-X-ENDLIST'),
  )
  assert.deepEqual(issues, [])
  assert.deepEqual(playlist.segments.map((segment) => segment.key.range), [
    { start: 935, end: 239166 },
    { start: 239167, end: 478708 },
    { start: 478709, end: 575709 },
  ])
  assert.deepEqual(playlist.initSegments, [{ path: '/media/show/h264_360p.mp4', query: null, range: { start: 0, end: 866 } }])
})

test('Shaka Packager segmented fMP4 and its WebVTT subtitles playlist', () => {
  const video = readMedia(
    m3u8('#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-TARGETDURATION:5', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MAP:URI="video_init.mp4"',
      '#EXTINF:5.000,', 'video_1.m4s', '#EXTINF:5.000,', 'video_2.m4s', '#EXT-X-ENDLIST'),
    '/media/film/video.m3u8',
  ).playlist
  assert.deepEqual(video.initSegments, [{ path: '/media/film/video_init.mp4', query: null, range: null }])
  assert.deepEqual(video.segments.map((segment) => segment.init?.path), ['/media/film/video_init.mp4', '/media/film/video_init.mp4'])
  const text = readMedia(
    m3u8('#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-TARGETDURATION:5', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXTINF:5.000,', 'text_1.vtt', '#EXTINF:5.000,', 'text_2.vtt', '#EXT-X-ENDLIST'),
    '/media/film/text_en.m3u8',
  ).playlist
  assert.deepEqual(text.segments.map((segment) => [segment.id, segment.start]), [['/media/film/text_1.vtt', 0], ['/media/film/text_2.vtt', 5]])
})

test('Bento4 mp4hls TS in one file, and its I-frame playlist', () => {
  const { playlist } = readMedia(
    m3u8('#EXTM3U', '#EXT-X-VERSION:4', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-INDEPENDENT-SEGMENTS', '#EXT-X-TARGETDURATION:6', '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXTINF:6.006000,', '#EXT-X-BYTERANGE:1003588@0', 'media.ts', '#EXTINF:6.006000,', '#EXT-X-BYTERANGE:1001520@1003588', 'media.ts', '#EXT-X-ENDLIST'),
    '/media/film/media-1/stream.m3u8',
  )
  assert.deepEqual(playlist.segments.map((segment) => segment.id), ['/media/film/media-1/media.ts#bytes=0-1003587', '/media/film/media-1/media.ts#bytes=1003588-2005107'])
  const iframes = readMedia(
    m3u8('#EXTM3U', '#EXT-X-VERSION:4', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-I-FRAMES-ONLY', '#EXT-X-TARGETDURATION:6',
      '#EXTINF:6.006000,', '#EXT-X-BYTERANGE:18236@376', 'media.ts', '#EXTINF:6.006000,', '#EXT-X-BYTERANGE:17860@1003964', 'media.ts', '#EXT-X-ENDLIST'),
    '/media/film/media-1/iframes.m3u8',
  ).playlist
  assert.deepEqual(iframes.segments.map((segment) => segment.key.range), [{ start: 376, end: 18611 }, { start: 1003964, end: 1021823 }])
})

test('AWS MediaConvert: integer durations, media sequence from 1, AES-128 with a local key and a remote one', () => {
  const { playlist, issues } = readMedia(
    m3u8('#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:7', '#EXT-X-MEDIA-SEQUENCE:1', '#EXT-X-PLAYLIST-TYPE:VOD',
      '#EXT-X-KEY:METHOD=AES-128,URI="keys/key1.bin",IV=0x00000000000000000000000000000001',
      '#EXTINF:6,', 'video_1280x720_00001.ts', '#EXTINF:6,', 'video_1280x720_00002.ts',
      '#EXT-X-KEY:METHOD=AES-128,URI="https://kms.example.com/key2",IV=0x00000000000000000000000000000002',
      '#EXTINF:6,', 'video_1280x720_00003.ts', '#EXT-X-KEY:METHOD=NONE', '#EXTINF:4,', 'video_1280x720_00004.ts', '#EXT-X-ENDLIST'),
    '/media/film/video_1280x720.m3u8',
  )
  assert.deepEqual(playlist.keyFiles, [{ path: '/media/film/keys/key1.bin', query: null, range: null }])
  assert.deepEqual(playlist.segments.map((segment) => [segment.sequence, segment.start, segment.keyFile?.path ?? null, segment.encrypted]), [
    [1, 0, '/media/film/keys/key1.bin', true],
    [2, 6, '/media/film/keys/key1.bin', true],
    [3, 12, null, true],
    [4, 18, null, false],
  ])
  // The remote key is not ours to release; the segment it encrypts is still ours to sell.
  assert.deepEqual(skipped(issues), ['foreign_uri'])
})

test('nginx-rtmp live: a sliding window with a discontinuity, timed from the window until carried forward', () => {
  const { playlist } = readMedia(
    m3u8('#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-MEDIA-SEQUENCE:35', '#EXT-X-TARGETDURATION:5',
      '#EXTINF:5.000,', '35.ts', '#EXTINF:5.000,', '36.ts', '#EXT-X-DISCONTINUITY', '#EXTINF:3.500,', '37.ts'),
    '/media/live/stream/index.m3u8',
  )
  assert.equal(playlist.playback, 'live')
  assert.equal(playlist.ended, false)
  assert.equal(playlist.timeline, 'window')
  assert.deepEqual(playlist.segments.map((segment) => [segment.sequence, segment.start, segment.discontinuity, segment.discontinuitySequence]), [
    [35, 0, false, 0],
    [36, 5, false, 0],
    [37, 10, true, 1],
  ])
})

test('an EVENT playlist with PROGRAM-DATE-TIME (ffmpeg writes +0000) is timed by the clock, across a discontinuity', () => {
  const { playlist } = readMedia(
    m3u8('#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:EVENT',
      '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T10:00:00.000+0000', '#EXTINF:2.000000,', 'seg_00000.ts', '#EXTINF:2.000000,', 'seg_00001.ts',
      '#EXT-X-DISCONTINUITY', '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T10:05:00.000Z', '#EXTINF:2.000000,', 'seg_00002.ts'),
  )
  const t0 = Date.UTC(2026, 0, 1, 10, 0, 0)
  assert.equal(playlist.playback, 'event')
  assert.equal(playlist.timeline, 'program-date-time')
  assert.deepEqual(playlist.segments.map((segment) => [segment.programDateTime, segment.start]), [
    [t0, t0 / 1000],
    [t0 + 2000, t0 / 1000 + 2],
    [t0 + 300_000, t0 / 1000 + 300],
  ])
})

test('CRLF line endings, a byte-order mark, titles and comments are read like plain lines', () => {
  const { playlist } = readMedia('\uFEFF#EXTM3U\r\n#EXT-X-TARGETDURATION:4\r\n# a comment\r\n#EXTINF:4.0,Opening titles\r\nintro.ts\r\n#EXT-X-ENDLIST\r\n')
  assert.deepEqual(playlist.segments.map((segment) => [segment.id, segment.duration]), [['/media/show/intro.ts', 4]])
})

test('URIs: relative, rooted, with a query (part of the key, as a browser sends it) and percent-encoded all resolve to paths on this host', () => {
  const { playlist, issues } = readMedia(
    m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXTINF:2,', '../shared/a.ts', '#EXTINF:2,', '/media/other/b.ts', '#EXTINF:2,', 'c.ts?v=2&n=a b', '#EXTINF:2,', 'caf%C3%A9%20d.ts',
      '#EXTINF:2,', 'e.ts?token=abc', '#EXTINF:2,', `f.ts?${'x'.repeat(2000)}`, '#EXT-X-ENDLIST'),
    '/media/show/360p/index.m3u8',
  )
  assert.deepEqual(playlist.segments.map((segment) => segment.id), ['/media/show/shared/a.ts', '/media/other/b.ts', '/media/show/360p/c.ts?v=2&n=a%20b', '/media/show/360p/café d.ts'])
  // The paywall's own token parameter, and an overlong query, name no entry: skipped with the reason.
  assert.deepEqual(skipped(issues), ['bad_uri', 'bad_uri'])
  assert.match(issues[0].message, /"token" parameter, which is the paywall's own/)
  assert.match(issues[1].message, /at most 1024/)
})
