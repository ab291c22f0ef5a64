// The shared catalog of everything served or played: entries by key and by file, roles from the masters, live windows
// on one timeline, and entries that just left a window still known.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MediaIndex, RETAINED_ENTRIES } from '../../protocol/hls/media-index.ts'
import { placeOnTimeline } from '../../protocol/hls/timeline.ts'
import { m3u8, readMaster, readMedia, showMaster } from '../support/hls-read.ts'

function liveWindow(first: number, count: number, path = '/media/live/v/index.m3u8') {
  const lines = ['#EXTM3U', '#EXT-X-TARGETDURATION:2', `#EXT-X-MEDIA-SEQUENCE:${first}`]
  for (let sequence = first; sequence < first + count; sequence++) lines.push('#EXTINF:2.0,', `seg_${sequence}.ts`)
  return readMedia(m3u8(...lines), path).playlist
}

test('entries are found by key and by file, in byte order; a playlist read again lists its new entries', () => {
  const index = new MediaIndex()
  index.learn(readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-MAP:URI="v.mp4",BYTERANGE="100@0"', '#EXTINF:2,', '#EXT-X-BYTERANGE:400@500', 'v.mp4', '#EXTINF:2,', '#EXT-X-BYTERANGE:400@100', 'v.mp4', '#EXT-X-ENDLIST'), '/media/s/v.m3u8').playlist)
  assert.deepEqual(index.inFile('/media/s/v.mp4').map((entry) => [entry.id, entry.kind]), [
    ['/media/s/v.mp4#bytes=0-99', 'init'],
    ['/media/s/v.mp4#bytes=100-499', 'segment'],
    ['/media/s/v.mp4#bytes=500-899', 'segment'],
  ])
  assert.deepEqual([index.get('/media/s/v.mp4#bytes=500-899')?.start, index.get('/media/s/v.mp4#bytes=100-499')?.start], [0, 2])
  assert.equal(index.get('/media/s/v.mp4#bytes=500-899')?.playlist, '/media/s/v.m3u8')
  index.learn(readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-MAP:URI="v.mp4",BYTERANGE="100@0"', '#EXTINF:4,', '#EXT-X-BYTERANGE:800@100', 'v.mp4', '#EXTINF:2,', 'a.ts', '#EXT-X-ENDLIST'), '/media/s/v.m3u8').playlist)
  assert.deepEqual(index.inFile('/media/s/v.mp4').map((entry) => entry.id), ['/media/s/v.mp4#bytes=0-99', '/media/s/v.mp4#bytes=100-899'])
  assert.deepEqual([index.get('/media/s/a.ts')?.kind, index.get('/media/s/a.ts')?.start], ['segment', 4])
})

test('a live window moves on: the segments that left it stay known, bounded, on the same timeline', () => {
  const index = new MediaIndex()
  index.learn(liveWindow(10, 4))
  index.learn(liveWindow(12, 4))
  const left = index.get('/media/live/v/seg_10.ts')
  assert.ok(left, 'a segment that just left the window is still known')
  assert.equal(index.get('/media/live/v/seg_15.ts')?.start, index.get('/media/live/v/seg_12.ts')!.start + 6)
  assert.equal(index.get('/media/live/v/seg_12.ts')?.start, left.start + 4, 'one timeline across reloads')
  for (let first = 13; first < 13 + RETAINED_ENTRIES + 10; first++) index.learn(liveWindow(first, 4))
  assert.equal(index.get('/media/live/v/seg_10.ts'), undefined, 'forgotten once enough newer segments left the window')
  assert.ok(index.get(`/media/live/v/seg_${13 + RETAINED_ENTRIES}.ts`))
})

test('a window without PROGRAM-DATE-TIME is placed by sequence number, so renditions read at different moments agree', () => {
  const video = placeOnTimeline(undefined, liveWindow(100, 3, '/media/live/v/index.m3u8'))
  const audio = placeOnTimeline(undefined, liveWindow(101, 3, '/media/live/a/index.m3u8'))
  assert.equal(video.segments[0].start, 200)
  assert.equal(audio.segments[0].start, 202)
  assert.equal(video.segments[1].start, audio.segments[0].start)
  const reloaded = placeOnTimeline(video, liveWindow(101, 3))
  assert.equal(reloaded.segments[0].start, 202, 'a later reading continues the earlier one')
})

test('roles from the master: variants are one programme, the audio group accompanies them, I-frame playlists are trick play', () => {
  const index = new MediaIndex()
  index.learn(readMaster(showMaster('#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI="iframes.m3u8"'), '/media/show/master.m3u8').playlist)
  assert.deepEqual(index.roleOf('/media/show/360p/index.m3u8'), { kind: 'programme', group: ['/media/show/360p/index.m3u8', '/media/show/720p/index.m3u8'] })
  assert.deepEqual(index.roleOf('/media/show/audio/index.m3u8'), { kind: 'companion', programme: ['/media/show/360p/index.m3u8', '/media/show/720p/index.m3u8'] })
  assert.deepEqual(index.roleOf('/media/other/index.m3u8'), { kind: 'programme', group: ['/media/other/index.m3u8'] }, 'a playlist no master lists')
  index.learn(readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-I-FRAMES-ONLY', '#EXTINF:2,', '#EXT-X-BYTERANGE:100@376', '360p/seg_0.ts'), '/media/show/iframes.m3u8').playlist)
  assert.equal(index.roleOf('/media/show/iframes.m3u8').kind, 'trick_play')
  assert.deepEqual(index.inFile('/media/show/360p/seg_0.ts').map((entry) => entry.playlist), ['/media/show/iframes.m3u8'], 'kept: the charge rules sell none of it')
})

test('an audio-only master has no companions: its variants are the programme, priced like video', () => {
  const index = new MediaIndex()
  index.learn(readMaster(m3u8('#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2"', 'audio/index.m3u8'), '/media/radio/master.m3u8').playlist)
  assert.equal(index.roleOf('/media/radio/audio/index.m3u8').kind, 'programme')
})

test('LL-HLS: the links between parts and their segment survive the playlist dropping the parts', () => {
  const index = new MediaIndex()
  const withParts = m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-PART-INF:PART-TARGET=1', '#EXT-X-PART:DURATION=1,URI="p0.0.m4s"', '#EXT-X-PART:DURATION=1,URI="p0.1.m4s"', '#EXTINF:2,', 's0.m4s', '#EXT-X-PART:DURATION=1,URI="p1.0.m4s"')
  index.learn(readMedia(withParts, '/media/ll/index.m3u8').playlist)
  assert.equal(index.get('/media/ll/p1.0.m4s')?.parent, null, 'a part of the segment being written')
  const later = m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-PART-INF:PART-TARGET=1', '#EXTINF:2,', 's0.m4s', '#EXT-X-PART:DURATION=1,URI="p1.0.m4s"', '#EXT-X-PART:DURATION=1,URI="p1.1.m4s"', '#EXTINF:2,', 's1.m4s')
  index.learn(readMedia(later, '/media/ll/index.m3u8').playlist)
  assert.deepEqual(index.get('/media/ll/s0.m4s')?.parts, ['/media/ll/p0.0.m4s', '/media/ll/p0.1.m4s'])
  assert.equal(index.get('/media/ll/p0.0.m4s')?.parent, '/media/ll/s0.m4s')
  assert.equal(index.get('/media/ll/p1.0.m4s')?.parent, '/media/ll/s1.m4s')
})

test('byte-range parts of older segments stay known after the playlist stops listing them; old cuts of a file packaged again do not', () => {
  const index = new MediaIndex()
  const head = ['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-PART-INF:PART-TARGET=1', '#EXT-X-PLAYLIST-TYPE:EVENT']
  const parts0 = ['#EXT-X-PART:DURATION=1,URI="v.mp4",BYTERANGE="100@0"', '#EXT-X-PART:DURATION=1,URI="v.mp4",BYTERANGE="100@100"']
  index.learn(readMedia(m3u8(...head, ...parts0, '#EXTINF:2,', '#EXT-X-BYTERANGE:200@0', 'v.mp4'), '/media/ll/index.m3u8').playlist)
  index.learn(readMedia(m3u8(...head, '#EXTINF:2,', '#EXT-X-BYTERANGE:200@0', 'v.mp4', '#EXTINF:2,', '#EXT-X-BYTERANGE:200@200', 'v.mp4'), '/media/ll/index.m3u8').playlist)
  assert.equal(index.get('/media/ll/v.mp4#bytes=0-99')?.parent, '/media/ll/v.mp4#bytes=0-199')
  index.learn(readMedia(m3u8(...head, '#EXTINF:2,', '#EXT-X-BYTERANGE:400@0', 'v.mp4', '#EXT-X-ENDLIST'), '/media/ll/index.m3u8').playlist)
  assert.deepEqual(index.inFile('/media/ll/v.mp4').map((entry) => entry.id), ['/media/ll/v.mp4#bytes=0-399'], 'the old cuts of a file packaged again are gone')
})
