import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Parser } from 'm3u8-parser'
import { readHlsPlaylist } from '../../protocol/hls/read-playlist.ts'
import { buildMasterPlaylist, finalizeVodPlaylist, measureBandwidth } from '../../server/media/playlist.ts'

// Exactly what ffmpeg 4.1 writes with -hls_list_size 0: no PLAYLIST-TYPE.
const FFMPEG_41 = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.000000,\nseg_00000.ts\n#EXTINF:1.500000,\nseg_00001.ts\n#EXT-X-ENDLIST\n'

test('a finished ffmpeg playlist becomes an explicit VOD playlist that m3u8-parser reads as such', () => {
  const finished = finalizeVodPlaylist(FFMPEG_41)
  assert.equal(finished.split('\n')[2], '#EXT-X-PLAYLIST-TYPE:VOD')
  const parser = new Parser()
  parser.push(finished)
  parser.end()
  assert.equal(parser.manifest.playlistType, 'VOD')
  assert.equal(parser.manifest.endList, true)
  assert.deepEqual(parser.manifest.segments?.map((segment) => [segment.uri, segment.duration]), [['seg_00000.ts', 2], ['seg_00001.ts', 1.5]])
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

test('a master with an audio group: EXT-X-MEDIA first, the video variant names it, an audio-only variant has no RESOLUTION', () => {
  const text = buildMasterPlaylist(
    [
      { uri: 'video/index.m3u8', bandwidth: 500_000, width: 320, height: 180, codecs: 'avc1.4d400d,mp4a.40.2', audioGroup: 'audio' },
      { uri: 'audio/index.m3u8', bandwidth: 100_000, codecs: 'mp4a.40.2' },
    ],
    [{ uri: 'audio/index.m3u8', groupId: 'audio', name: 'English', language: 'en', isDefault: true }],
  )
  const reading = readHlsPlaylist(text, '/media/show/master.m3u8')
  assert.ok(reading.ok && reading.playlist.kind === 'master', JSON.stringify(reading.issues))
  const master = reading.playlist
  assert.deepEqual(master.variants.map((variant) => [variant.path, variant.resolution, variant.audioGroup]), [
    ['/media/show/audio/index.m3u8', null, null],
    ['/media/show/video/index.m3u8', { width: 320, height: 180 }, 'audio'],
  ])
  assert.deepEqual(master.renditions.map((rendition) => [rendition.name, rendition.language, rendition.isDefault, rendition.path, rendition.usedBy]), [
    ['English', 'en', true, '/media/show/audio/index.m3u8', ['/media/show/video/index.m3u8']],
  ])
})
