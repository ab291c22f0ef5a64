// Master playlists: variants with their attributes, alternate renditions linked to the variants that use them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { m3u8, readMaster, refusal, skipped } from '../support/hls-read.ts'

test('Apple-style master: audio in two languages, subtitles, captions, and an I-frame playlist', () => {
  const { playlist, issues } = readMaster(
    m3u8('#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",LANGUAGE="en",NAME="English",AUTOSELECT=YES,DEFAULT=YES,CHANNELS="2",URI="audio/en/prog_index.m3u8"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",LANGUAGE="fr",NAME="Français",AUTOSELECT=YES,DEFAULT=NO,CHANNELS="2",URI="audio/fr/prog_index.m3u8"',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,URI="subs/en/prog_index.m3u8"',
      '#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,INSTREAM-ID="CC1"',
      '#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=2168183,BANDWIDTH=2177116,CODECS="avc1.640020,mp4a.40.2",RESOLUTION=960x540,FRAME-RATE=60.000,CLOSED-CAPTIONS="cc",AUDIO="aac",SUBTITLES="subs"',
      'v5/prog_index.m3u8',
      '#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=7968416,BANDWIDTH=8001098,CODECS="avc1.64002a,mp4a.40.2",RESOLUTION=1920x1080,FRAME-RATE=60.000,CLOSED-CAPTIONS="cc",AUDIO="aac",SUBTITLES="subs"',
      'v9/prog_index.m3u8',
      '#EXT-X-I-FRAME-STREAM-INF:AVERAGE-BANDWIDTH=186522,BANDWIDTH=187007,CODECS="avc1.64002a",RESOLUTION=1920x1080,URI="v9/iframe_index.m3u8"'),
    '/media/bipbop/master.m3u8',
  )
  assert.deepEqual(issues, [])
  assert.deepEqual(playlist.variants[0], {
    path: '/media/bipbop/v5/prog_index.m3u8',
    bandwidth: 2177116,
    averageBandwidth: 2168183,
    resolution: { width: 960, height: 540 },
    codecs: ['avc1.640020', 'mp4a.40.2'],
    frameRate: 60,
    audioGroup: 'aac',
    subtitlesGroup: 'subs',
  })
  const both = ['/media/bipbop/v5/prog_index.m3u8', '/media/bipbop/v9/prog_index.m3u8']
  assert.deepEqual(playlist.renditions.map((rendition) => [rendition.type, rendition.name, rendition.language, rendition.isDefault, rendition.path, rendition.usedBy]), [
    ['AUDIO', 'English', 'en', true, '/media/bipbop/audio/en/prog_index.m3u8', both],
    ['AUDIO', 'Français', 'fr', false, '/media/bipbop/audio/fr/prog_index.m3u8', both],
    ['SUBTITLES', 'English', 'en', true, '/media/bipbop/subs/en/prog_index.m3u8', both],
    ['CLOSED-CAPTIONS', 'English', 'en', true, null, []],
  ])
  assert.deepEqual(playlist.iFramePlaylists, ['/media/bipbop/v9/iframe_index.m3u8'])
})

test('ffmpeg -var_stream_map with agroup: the audio rendition is also listed as an audio-only variant', () => {
  const { playlist } = readMaster(
    m3u8('#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_aud",NAME="audio_0",DEFAULT=YES,URI="1/index.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=70400,RESOLUTION=320x180,CODECS="avc1.64000d,mp4a.40.2",AUDIO="group_aud"', '0/index.m3u8', '',
      '#EXT-X-STREAM-INF:BANDWIDTH=70400,CODECS="mp4a.40.2",AUDIO="group_aud"', '1/index.m3u8'),
  )
  assert.deepEqual(playlist.variants.map((variant) => [variant.path, variant.resolution, variant.audioGroup]), [
    ['/media/show/0/index.m3u8', { width: 320, height: 180 }, 'group_aud'],
    ['/media/show/1/index.m3u8', null, 'group_aud'],
  ])
  assert.deepEqual(playlist.renditions[0].usedBy, ['/media/show/0/index.m3u8', '/media/show/1/index.m3u8'])
})

test('AWS MediaConvert, nginx-rtmp (PROGRAM-ID) and Bento4 (comments) masters', () => {
  const convert = readMaster(m3u8('#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXT-X-STREAM-INF:BANDWIDTH=4409292,AVERAGE-BANDWIDTH=3994834,CODECS="avc1.4d401f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=29.970', 'video_1280x720.m3u8')).playlist
  assert.deepEqual(convert.variants.map((variant) => [variant.bandwidth, variant.frameRate]), [[4409292, 29.97]])
  const rtmp = readMaster(m3u8('#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-STREAM-INF:PROGRAM-ID=1,BANDWIDTH=288000', 'stream_low/index.m3u8', '#EXT-X-STREAM-INF:PROGRAM-ID=1,BANDWIDTH=2048000', 'stream_hi/index.m3u8'), '/media/live/stream.m3u8').playlist
  assert.deepEqual(rtmp.variants.map((variant) => variant.path), ['/media/live/stream_low/index.m3u8', '/media/live/stream_hi/index.m3u8'])
  const bento = readMaster(m3u8('#EXTM3U', '# Created with Bento4 mp4-hls.py version 1.2.0r637', '', '#EXT-X-INDEPENDENT-SEGMENTS', '', '# Media Playlists',
    '#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=1159298,BANDWIDTH=1457616,CODECS="avc1.4D401F,mp4a.40.2",RESOLUTION=640x360', 'media-1/stream.m3u8')).playlist
  assert.deepEqual(bento.variants.map((variant) => variant.codecs), [['avc1.4D401F', 'mp4a.40.2']])
})

test('a variant without BANDWIDTH, one naming an undefined group, one on another host, and an incomplete EXT-X-MEDIA are skipped', () => {
  const { playlist, issues } = readMaster(
    m3u8('#EXTM3U', '#EXT-X-MEDIA:TYPE=AUDIO,NAME="no group"', '#EXT-X-STREAM-INF:RESOLUTION=640x360', 'a/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=1000,AUDIO="missing"', 'b/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=1000', 'https://cdn.example.com/c/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=2000', 'd/index.m3u8'),
  )
  assert.deepEqual(playlist.variants.map((variant) => variant.path), ['/media/show/d/index.m3u8'])
  assert.deepEqual(skipped(issues).sort(), ['bad_rendition', 'bad_variant', 'foreign_uri', 'unknown_group'])
  assert.equal(issues.find((issue) => issue.code === 'bad_rendition')?.line, 2)
})

test('a master with no usable variant, or with an unknown rendition TYPE, is refused', () => {
  assert.deepEqual(refusal(m3u8('#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=0', 'a/index.m3u8'), '/media/show/master.m3u8'), ['nothing_usable'])
  assert.deepEqual(refusal(m3u8('#EXTM3U', '#EXT-X-MEDIA:TYPE=AUDIOS,GROUP-ID="a",NAME="x",URI="a.m3u8"', '#EXT-X-STREAM-INF:BANDWIDTH=1', 'v.m3u8'), '/media/show/master.m3u8'), ['unparseable'])
})
