// The paywall's rules beyond one segment, over plain HTTP with real channels: key files only to an open channel,
// the free preview, an audio group released along the video paid, a live window whose departed segments can still be
// bought, playlists that are refused (and change nothing), and the book read again after a restart.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MAX_PLAYLIST_BYTES } from '../../protocol/hls/playlist-issues.ts'
import { startTestHost, tempDir, type TestHost } from '../support/host.ts'
import { openRawViewer } from '../support/raw-viewer.ts'

const PRICE = 10

function write(root: string, path: string, content: string | Buffer): void {
  mkdirSync(join(root, path, '..'), { recursive: true })
  writeFileSync(join(root, path), content)
}

const playlist = (...lines: string[]) => ['#EXTM3U', '#EXT-X-TARGETDURATION:2', ...lines, ''].join('\n')
const vod = (files: string[], duration = 2) => playlist('#EXT-X-PLAYLIST-TYPE:VOD', ...files.flatMap((file) => [`#EXTINF:${duration},`, file]), '#EXT-X-ENDLIST')

function windowOf(first: number, count: number): string {
  const lines = [`#EXT-X-MEDIA-SEQUENCE:${first}`]
  for (let sequence = first; sequence < first + count; sequence++) lines.push('#EXTINF:2,', `seg_${sequence}.ts`)
  return playlist(...lines)
}

/** A media folder of hand-written playlists over small files: the bytes need not decode for the paywall. */
function library(): string {
  const root = tempDir('rules')
  const files = (folder: string, names: string[]) => names.forEach((name, index) => write(root, `${folder}/${name}`, Buffer.alloc(1000 + index, index)))
  write(root, 'locked/index.m3u8', playlist('#EXT-X-KEY:METHOD=AES-128,URI="key.bin"', '#EXTINF:2,', 'a.ts', '#EXTINF:2,', 'b.ts', '#EXT-X-ENDLIST'))
  write(root, 'locked/key.bin', Buffer.alloc(16, 7))
  files('locked', ['a.ts', 'b.ts'])
  write(root, 'show/master.m3u8', ['#EXTM3U', '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",DEFAULT=YES,URI="audio/index.m3u8"', '#EXT-X-STREAM-INF:BANDWIDTH=500000,AUDIO="aud"', 'video/index.m3u8', ''].join('\n'))
  write(root, 'show/video/index.m3u8', vod(['v0.ts', 'v1.ts', 'v2.ts', 'v3.ts']))
  write(root, 'show/audio/index.m3u8', vod(['a0.aac', 'a1.aac', 'a2.aac', 'a3.aac']))
  files('show/video', ['v0.ts', 'v1.ts', 'v2.ts', 'v3.ts'])
  files('show/audio', ['a0.aac', 'a1.aac', 'a2.aac', 'a3.aac'])
  write(root, 'abr/master.m3u8', ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=500000', '360p/index.m3u8', '#EXT-X-STREAM-INF:BANDWIDTH=1500000', '720p/index.m3u8', ''].join('\n'))
  for (const rendition of ['360p', '720p']) {
    write(root, `abr/${rendition}/index.m3u8`, vod(['s0.ts', 's1.ts', 's2.ts', 's3.ts']))
    files(`abr/${rendition}`, ['s0.ts', 's1.ts', 's2.ts', 's3.ts'])
  }
  write(root, 'live/index.m3u8', windowOf(10, 3))
  files('live', ['seg_10.ts', 'seg_11.ts', 'seg_12.ts', 'seg_13.ts'])
  write(root, 'bad/index.m3u8', vod(['s0.ts', 's1.ts']))
  files('bad', ['s0.ts', 's1.ts'])
  return root
}

async function get(host: TestHost, path: string, token?: string) {
  const res = await fetch(host.url + path, { headers: token ? { 'X-Channel-Token': token } : {} })
  const text = await res.text()
  const json = () => JSON.parse(text) as { error: string; segment?: string; price?: number; message: string }
  return { status: res.status, text, json }
}

describe('the paywall\'s rules', () => {
  let root: string
  let host: TestHost

  before(async () => {
    root = library()
    host = await startTestHost({ mediaDir: root, price: PRICE, previewSeconds: 2 })
  })
  after(() => host?.dispose())

  test('key files are never priced and go only to an open channel with a valid token', async () => {
    assert.equal((await get(host, '/media/locked/index.m3u8')).status, 200)
    const anonymous = await get(host, '/media/locked/key.bin')
    assert.deepEqual([anonymous.status, anonymous.json().error], [403, 'channel_required'])
    const forged = await get(host, '/media/locked/key.bin', 'x'.repeat(43))
    assert.deepEqual([forged.status, forged.json().error], [403, 'invalid_token'])
    const viewer = await openRawViewer(host.url, 5_000)
    try {
      assert.equal((await get(host, '/media/locked/key.bin', viewer.token)).status, 200)
      const priced = await viewer.pay('/media/locked/key.bin', 1)
      assert.equal(!priced.ok && priced.code, 'not_priced')
      assert.equal((await get(host, '/media/locked/b.ts', viewer.token)).status, 402, 'the key opens no segment')
    } finally {
      viewer.disconnect()
    }
  })

  test('the free preview: the first 2 s of every programme without a channel, nothing after', async () => {
    await get(host, '/media/show/master.m3u8')
    await get(host, '/media/show/video/index.m3u8')
    await get(host, '/media/show/audio/index.m3u8')
    assert.equal((await get(host, '/media/show/video/v0.ts')).status, 200)
    assert.equal((await get(host, '/media/show/audio/a0.aac')).status, 200)
    const after = await get(host, '/media/show/video/v1.ts')
    assert.deepEqual([after.status, after.json().segment, after.json().price], [402, '/media/show/video/v1.ts', 20])
    assert.equal((await get(host, '/media/show/audio/a1.aac')).status, 402)
  })

  test('the audio group costs nothing: it is released up to the video paid, plus one segment', async () => {
    const viewer = await openRawViewer(host.url, 5_000)
    try {
      const waiting = await get(host, '/media/show/audio/a2.aac', viewer.token)
      assert.deepEqual([waiting.status, waiting.json().price], [402, 0])
      assert.match(waiting.json().message, /free with the programme/)
      const priced = await viewer.pay('/media/show/audio/a1.aac', 20)
      assert.equal(!priced.ok && priced.code, 'not_priced', 'audio is never paid for')
      assert.equal((await viewer.pay('/media/show/video/v1.ts', 20)).ok, true)
      assert.equal((await get(host, '/media/show/audio/a1.aac', viewer.token)).status, 200)
      assert.equal((await get(host, '/media/show/audio/a2.aac', viewer.token)).status, 200, 'one segment ahead')
      assert.equal((await get(host, '/media/show/audio/a3.aac', viewer.token)).status, 402)
      const rows = (await (await fetch(`${host.url}/api/channels`, { headers: { Authorization: `Bearer ${host.adminToken}` } })).json()) as { channels: Array<{ id: string; paid: number; seconds: number }> }
      const row = rows.channels.find((channel) => channel.id === viewer.channelId)!
      assert.deepEqual([row.paid, row.seconds], [20, 2], 'the video, and only the video, was paid for')
    } finally {
      viewer.disconnect()
    }
  })

  test('a rendition switch never sells the same media time twice: seconds paid in 360p are served in 720p', async () => {
    for (const path of ['/media/abr/master.m3u8', '/media/abr/360p/index.m3u8', '/media/abr/720p/index.m3u8']) assert.equal((await get(host, path)).status, 200)
    const viewer = await openRawViewer(host.url, 5_000)
    try {
      for (const segment of ['s1', 's2']) {
        assert.equal((await viewer.pay(`/media/abr/360p/${segment}.ts`, 20)).ok, true)
        viewer.delivered(`/media/abr/360p/${segment}.ts`)
      }
      const twice = await viewer.pay('/media/abr/720p/s2.ts', 20)
      assert.equal(!twice.ok && twice.code, 'replay', 'the media time from 4 s to 6 s is paid')
      assert.equal((await get(host, '/media/abr/720p/s1.ts', viewer.token)).status, 200)
      assert.equal((await get(host, '/media/abr/720p/s2.ts', viewer.token)).status, 200)
      assert.equal((await get(host, '/media/abr/720p/s3.ts', viewer.token)).status, 402, 'media time not paid in any rendition')
      assert.equal((await viewer.pay('/media/abr/720p/s3.ts', 20)).ok, true)
    } finally {
      viewer.disconnect()
    }
  })

  test('a live window moves on: a segment that has just left it can still be paid for and served', async () => {
    assert.equal((await get(host, '/media/live/index.m3u8')).status, 200)
    write(root, 'live/index.m3u8', windowOf(11, 3))
    assert.equal((await get(host, '/media/live/index.m3u8')).status, 200)
    const viewer = await openRawViewer(host.url, 5_000)
    try {
      const paid = await viewer.pay('/media/live/seg_10.ts', 20)
      assert.equal(paid.ok, true, JSON.stringify(paid))
      assert.equal((await get(host, '/media/live/seg_10.ts', viewer.token)).status, 200)
      viewer.delivered('/media/live/seg_10.ts')
      const unlisted = await viewer.pay('/media/live/seg_14.ts', 20)
      assert.equal(!unlisted.ok && unlisted.code, 'unknown_segment', 'not listed yet')
    } finally {
      viewer.disconnect()
    }
  })

  test('a broken playlist is not served and changes nothing: what it listed before stays as it was', async () => {
    assert.equal((await get(host, '/media/bad/index.m3u8')).status, 200)
    const broken: Array<[string, string]> = [
      ['<html>not found</html>', 'bad_playlist'],
      [playlist('#EXTINF:2,', '#EXT-X-BYTERANGE:600@0', 's0.ts', '#EXTINF:2,', '#EXT-X-BYTERANGE:600@500', 's0.ts'), 'bad_playlist'],
      ['#EXTM3U\n' + '#'.repeat(MAX_PLAYLIST_BYTES), 'playlist_too_large'],
    ]
    for (const [text, error] of broken) {
      write(root, 'bad/index.m3u8', text)
      const refused = await get(host, '/media/bad/index.m3u8')
      assert.deepEqual([refused.status, refused.json().error], [502, error], text.slice(0, 40))
      const before = await get(host, '/media/bad/s1.ts')
      assert.deepEqual([before.status, before.json().segment], [402, '/media/bad/s1.ts'], 'the last good reading still prices its segments')
    }
  })

  test('entries a playlist cannot price are left out, never served: bad durations, a range past the end of its file', async () => {
    write(root, 'odd/index.m3u8', playlist('#EXTINF:0,', 'zero.ts', '#EXTINF:-2,', 'negative.ts', '#EXTINF:500,', 'absurd.ts', '#EXTINF:2,', '#EXT-X-BYTERANGE:5000@0', 'short.ts', '#EXTINF:2,', 'fine.ts'))
    for (const name of ['zero.ts', 'negative.ts', 'absurd.ts', 'short.ts', 'fine.ts']) write(root, `odd/${name}`, Buffer.alloc(1000))
    assert.equal((await get(host, '/media/odd/index.m3u8')).status, 200)
    for (const name of ['zero.ts', 'negative.ts', 'absurd.ts', 'short.ts']) {
      const refused = await get(host, `/media/odd/${name}`)
      assert.deepEqual([refused.status, refused.json().error], [404, 'not_listed'], name)
    }
    assert.equal((await get(host, '/media/odd/fine.ts')).status, 402)
  })
})

test('after a restart the playlists served before are read again, so a viewer pays on without reloading them', async () => {
  const root = library()
  const dataDir = tempDir('rules-restart')
  const first = await startTestHost({ mediaDir: root, price: PRICE, dataDir })
  assert.equal((await get(first, '/media/show/video/index.m3u8')).status, 200)
  await first.dispose()
  const second = await startTestHost({ mediaDir: root, price: PRICE, dataDir })
  const viewer = await openRawViewer(second.url, 5_000)
  try {
    const paid = await viewer.pay('/media/show/video/v2.ts', 20)
    assert.equal(paid.ok, true, JSON.stringify(paid))
    assert.equal((await get(second, '/media/show/video/v2.ts', viewer.token)).status, 200)
  } finally {
    viewer.disconnect()
    await second.dispose()
  }
})
