import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseFfmpegInputInfo, parseFfprobeJson } from '../../server/media/media-probe.ts'

// stderr of `ffmpeg -hide_banner -i FILE` (ffmpeg 4.1), captured from files made with that ffmpeg.
const PLAIN = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'plain.mp4':
  Metadata:
    major_brand     : isom
  Duration: 00:00:02.02, start: 0.000000, bitrate: 130 kb/s
    Stream #0:0(und): Video: h264 (High 4:4:4 Predictive) (avc1 / 0x31637661), yuv444p, 320x240 [SAR 1:1 DAR 4:3], 45 kb/s, 25 fps, 25 tbr, 12800 tbn, 50 tbc (default)
    Metadata:
      handler_name    : VideoHandler
    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 73 kb/s (default)
    Metadata:
      handler_name    : SoundHandler
At least one output file must be specified
`

const ROTATED = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'rotated.mp4':
  Duration: 00:00:02.02, start: 0.000000, bitrate: 130 kb/s
    Stream #0:0(und): Video: h264 (High 4:4:4 Predictive) (avc1 / 0x31637661), yuv444p, 320x240 [SAR 1:1 DAR 4:3], 45 kb/s, 25 fps, 25 tbr, 12800 tbn, 50 tbc (default)
    Metadata:
      rotate          : 270
      handler_name    : VideoHandler
    Side data:
      displaymatrix: rotation of 90.00 degrees
    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 73 kb/s (default)
`

const ANAMORPHIC = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'anamorphic.mp4':
  Duration: 00:00:01.00, start: 0.000000, bitrate: 68 kb/s
    Stream #0:0(und): Video: h264 (High 4:4:4 Predictive) (avc1 / 0x31637661), yuv444p, 352x288 [SAR 12:11 DAR 4:3], 59 kb/s, 30 fps, 30 tbr, 15360 tbn, 60 tbc (default)
`

const MP3_WITH_COVER = `Input #0, mp3, from 'cover.mp3':
  Duration: 00:00:01.04, start: 0.025056, bitrate: 82 kb/s
    Stream #0:0: Audio: mp3, 44100 Hz, mono, fltp, 64 kb/s
    Stream #0:1: Video: mjpeg (Baseline), yuvj444p(pc, bt470bg/unknown/unknown), 64x64 [SAR 1:1 DAR 1:1], 90k tbr, 90k tbn, 90k tbc
    Metadata:
      comment         : Other
`

const NOT_MEDIA = `notvideo.mp4: Invalid data found when processing input\n`

test('a plain mp4: display size, frame rate, duration and audio', () => {
  assert.deepEqual(parseFfmpegInputInfo(PLAIN), { durationSeconds: 2.02, video: { width: 320, height: 240, fps: 25 }, hasAudio: true })
})

test('a quarter-turn rotation swaps width and height (ffmpeg autorotates before our scaling)', () => {
  assert.deepEqual(parseFfmpegInputInfo(ROTATED)?.video, { width: 240, height: 320, fps: 25 })
})

test('non-square pixels are widened to the displayed size', () => {
  assert.deepEqual(parseFfmpegInputInfo(ANAMORPHIC), { durationSeconds: 1, video: { width: 384, height: 288, fps: 30 }, hasAudio: false })
})

test('cover art in an audio file is not video', () => {
  assert.deepEqual(parseFfmpegInputInfo(MP3_WITH_COVER), { durationSeconds: 1.04, video: null, hasAudio: true })
})

test('a file ffmpeg cannot read yields null', () => {
  assert.equal(parseFfmpegInputInfo(NOT_MEDIA), null)
})

test('ffprobe JSON gives the same description', () => {
  const json = JSON.stringify({
    streams: [
      { codec_type: 'video', width: 1920, height: 1080, avg_frame_rate: '30000/1001', sample_aspect_ratio: '1:1', side_data_list: [{ rotation: -90 }] },
      { codec_type: 'audio' },
      { codec_type: 'video', width: 600, height: 600, disposition: { attached_pic: 1 } },
    ],
    format: { duration: '12.500000' },
  })
  const info = parseFfprobeJson(json)
  assert.equal(info?.durationSeconds, 12.5)
  assert.equal(info?.hasAudio, true)
  assert.equal(info?.video?.width, 1080)
  assert.equal(info?.video?.height, 1920)
  assert.ok(Math.abs((info?.video?.fps ?? 0) - 29.97) < 0.01)
  assert.deepEqual(parseFfprobeJson(JSON.stringify({ streams: [{ codec_type: 'audio' }], format: {} })), { durationSeconds: null, video: null, hasAudio: true })
  assert.equal(parseFfprobeJson('{}'), null)
  assert.equal(parseFfprobeJson('not json'), null)
})
