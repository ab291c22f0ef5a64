import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Parser } from 'm3u8-parser'
import { buildMasterPlaylist, finalizeVodPlaylist, measureBandwidth, parseMediaPlaylist } from '../../server/media/playlist.ts'

// Exactly what ffmpeg 4.1 writes with -hls_list_size 0: no PLAYLIST-TYPE.
const FFMPEG_41 = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.000000,\nseg_00000.ts\n#EXTINF:1.500000,\nseg_00001.ts\n#EXT-X-ENDLIST\n'

test('a finished ffmpeg playlist becomes an explicit VOD playlist that m3u8-parser reads as such', () => {
  const finished = finalizeVodPlaylist(FFMPEG_41)
  assert.equal(finished.split('\n')[2], '#EXT-X-PLAYLIST-TYPE:VOD')
  const summary = parseMediaPlaylist(finished)
  assert.equal(summary.playlistType, 'VOD')
  assert.equal(summary.endList, true)
  assert.deepEqual(summary.segments, [{ uri: 'seg_00000.ts', duration: 2 }, { uri: 'seg_00001.ts', duration: 1.5 }])
  assert.equal(finalizeVodPlaylist(finished), finished, 'idempotent')
})

test('a playlist cut off without an end list gets one; a wrong type is replaced', () => {
  const cut = '#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\na.ts\n'
  const finished = finalizeVodPlaylist(cut)
  assert.equal(finished, '#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\na.ts\n#EXT-X-ENDLIST\n')
  assert.throws(() => finalizeVodPlaylist('hello'), /Not an HLS playlist/)
})

test('bandwidth is the peak segment bitrate; the average weighs by duration', () => {
  const measured = measureBandwidth([{ duration: 2, bytes: 250_000 }, { duration: 2, bytes: 150_000 }, { duration: 0.5, bytes: 100_000 }])
  assert.equal(measured.peak, 1_600_000)
  assert.equal(measured.average, Math.ceil((500_000 * 8) / 4.5))
  assert.deepEqual(measureBandwidth([]), { peak: 0, average: 0 })
})

test('the master playlist lists variants lowest first with BANDWIDTH, RESOLUTION and CODECS', () => {
  const text = buildMasterPlaylist([
    { uri: '720p/index.m3u8', bandwidth: 3_000_000, averageBandwidth: 2_800_000, width: 1280, height: 720, codecs: 'avc1.4d401f,mp4a.40.2', frameRate: 30 },
    { uri: '360p/index.m3u8', bandwidth: 900_000, width: 640, height: 360, codecs: 'avc1.4d401e,mp4a.40.2' },
  ])
  const parser = new Parser()
  parser.push(text)
  parser.end()
  const playlists = parser.manifest.playlists ?? []
  assert.deepEqual(playlists.map((p) => p.uri), ['360p/index.m3u8', '720p/index.m3u8'])
  assert.deepEqual(playlists[1].attributes, {
    BANDWIDTH: 3_000_000,
    'AVERAGE-BANDWIDTH': '2800000',
    RESOLUTION: { width: 1280, height: 720 },
    CODECS: 'avc1.4d401f,mp4a.40.2',
    'FRAME-RATE': 30,
  })
  assert.throws(() => buildMasterPlaylist([]), /at least one variant/)
})
