import { test } from 'node:test'
import assert from 'node:assert/strict'
import { planLadder, SAMPLE_LADDER } from '../../server/media/ladder.ts'

function summary(width: number, height: number): string[] {
  return planLadder({ width, height }).map((rung) => `${rung.name}=${rung.width}x${rung.height}`)
}

test('the sample ladder is 360p and 720p at 16:9 with Main-profile codec strings', () => {
  assert.deepEqual(SAMPLE_LADDER.map((rung) => [rung.name, rung.width, rung.height, rung.videoCodec]), [
    ['360p', 640, 360, 'avc1.4d401e'],
    ['720p', 1280, 720, 'avc1.4d401f'],
  ])
  assert.ok(SAMPLE_LADDER[0].videoKbps < SAMPLE_LADDER[1].videoKbps)
})

test('a 480p source gets 360p and its own 480p, never 720p', () => {
  assert.deepEqual(summary(854, 480), ['360p=640x360', '480p=854x480'])
  assert.deepEqual(summary(853, 480), ['360p=640x360', '480p=852x480'])
  assert.deepEqual(summary(640, 480), ['360p=480x360', '480p=640x480'])
})

test('a source below 360p gets a single rung at its own size', () => {
  assert.deepEqual(summary(320, 240), ['240p=320x240'])
  assert.deepEqual(summary(321, 241), ['240p=320x240'])
})

test('large sources stop at 1080p; sizes between steps keep their own top rung', () => {
  assert.deepEqual(summary(3840, 2160), ['360p=640x360', '720p=1280x720', '1080p=1920x1080'])
  assert.deepEqual(summary(1600, 900), ['360p=640x360', '720p=1280x720', '900p=1600x900'])
  assert.deepEqual(summary(1280, 720), ['360p=640x360', '720p=1280x720'])
})

test('portrait video is laddered by its short side and stays portrait', () => {
  assert.deepEqual(summary(1080, 1920), ['360p=360x640', '720p=720x1280', '1080p=1080x1920'])
})

test('every rung has even dimensions, keeps the aspect ratio and never exceeds the source', () => {
  for (const [width, height] of [[853, 480], [1919, 1079], [500, 377], [720, 1280], [1000, 1000], [2560, 1080]]) {
    for (const rung of planLadder({ width, height })) {
      assert.equal(rung.width % 2, 0, `${rung.name} of ${width}x${height}`)
      assert.equal(rung.height % 2, 0, `${rung.name} of ${width}x${height}`)
      assert.ok(rung.width <= width && rung.height <= height, `${rung.name} ${rung.width}x${rung.height} upscales ${width}x${height}`)
      assert.ok(Math.abs(rung.width / rung.height - width / height) < 0.02, `${rung.name} of ${width}x${height} changes the aspect ratio`)
      assert.ok(rung.maxrateKbps > rung.videoKbps && rung.bufsizeKbps > rung.videoKbps)
    }
  }
})

test('a nonsensical source size is refused', () => {
  assert.throws(() => planLadder({ width: 0, height: 480 }), /Cannot plan/)
})
