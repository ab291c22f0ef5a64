// The paywall over plain HTTP with a real channel, on ffmpeg's single-file byte-range forms (fMP4 with an init
// segment, MPEG-TS): every byte an answer carries lies in paid entries, whatever the Range asks for; the init segment
// is free; a whole-file request is served only once every range is paid; odd Range headers are refused.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { join } from 'node:path'
import type { MediaPlaylist } from '../../protocol/hls/playlist-model.ts'
import { readHlsPlaylist } from '../../protocol/hls/read-playlist.ts'
import { segmentPrice } from '../../protocol/pricing.ts'
import { hlsForm, type HlsForm } from '../support/hls-forms.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { openRawViewer, type RawViewer } from '../support/raw-viewer.ts'

const PRICE = 10

function mediaOf(form: HlsForm): MediaPlaylist {
  const path = `/media/${form.name}/180p/index.m3u8`
  const file = (served: string) => join(form.mediaDir, served.slice('/media/'.length))
  const reading = readHlsPlaylist(readFileSync(file(path), 'utf8'), path, { fileSizes: (served) => statSync(file(served)).size })
  assert.ok(reading.ok && reading.playlist.kind === 'media')
  return reading.playlist
}

async function get(host: TestHost, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(host.url + path, { headers })
  const body = Buffer.from(await res.arrayBuffer())
  const json = () => JSON.parse(body.toString('utf8')) as { error: string; segment?: string; price?: number; message: string }
  return { status: res.status, headers: res.headers, body, json }
}

describe('a single fMP4 file cut into byte ranges', () => {
  let host: TestHost
  let form: HlsForm
  let media: MediaPlaylist
  let file: Buffer
  let viewer: RawViewer
  const token = () => ({ 'X-Channel-Token': viewer.token })
  const range = (start: number, end: number | '') => ({ Range: `bytes=${start}-${end}` })

  before(async () => {
    form = await hlsForm('fmp4-byterange')
    host = await startTestHost({ mediaDir: form.mediaDir, price: PRICE })
    assert.equal((await get(host, form.masterPath)).status, 200)
    assert.equal((await get(host, `/media/${form.name}/180p/index.m3u8`)).status, 200)
    media = mediaOf(form)
    file = readFileSync(join(form.folder, '180p', 'index.mp4'))
    viewer = await openRawViewer(host.url, 20_000)
  })
  after(async () => {
    viewer?.disconnect()
    await host?.dispose()
  })

  test('the init segment is free to anyone, as its exact range or inside it', async () => {
    const init = media.initSegments[0].range!
    const exact = await get(host, media.initSegments[0].path, range(init.start, init.end))
    assert.equal(exact.status, 206)
    assert.ok(exact.body.equals(file.subarray(init.start, init.end + 1)))
    assert.equal(exact.headers.get('content-range'), `bytes ${init.start}-${init.end}/${file.length}`)
    assert.equal((await get(host, media.initSegments[0].path, range(10, 20))).status, 206)
    const spilling = await get(host, media.initSegments[0].path, range(0, init.end + 1))
    assert.equal(spilling.status, 402, 'one byte past the init segment is the first segment\'s')
    assert.equal(spilling.json().segment, media.segments[0].id)
  })

  test('pay for segment 0: its range and ranges inside it are served; bytes=0- and the next range are not', async () => {
    const [first, second] = media.segments
    const unpaid = await get(host, first.key.path, { ...token(), ...range(first.key.range!.start, first.key.range!.end) })
    assert.equal(unpaid.status, 402)
    assert.deepEqual([unpaid.json().segment, unpaid.json().price], [first.id, segmentPrice(first.duration, PRICE)])

    const paid = await viewer.pay(first.id, segmentPrice(first.duration, PRICE))
    assert.equal(paid.ok, true, JSON.stringify(paid))
    viewer.delivered(first.id)
    const served = await get(host, first.key.path, { ...token(), ...range(first.key.range!.start, first.key.range!.end) })
    assert.equal(served.status, 206)
    assert.ok(served.body.equals(file.subarray(first.key.range!.start, first.key.range!.end + 1)), 'exactly the segment\'s bytes')
    const inside = await get(host, first.key.path, { ...token(), ...range(first.key.range!.start + 100, first.key.range!.start + 199) })
    assert.equal(inside.status, 206, 'a player splitting a paid segment')
    assert.equal(inside.body.length, 100)

    for (const headers of [range(0, ''), range(first.key.range!.start, ''), range(second.key.range!.start, second.key.range!.end), {}]) {
      const refused = await get(host, first.key.path, { ...token(), ...headers })
      assert.equal(refused.status, 402, JSON.stringify(headers))
      assert.equal(refused.json().segment, second.id, 'the first unpaid segment is named')
      assert.ok(refused.body.length < 2_000, 'no media bytes in the answer')
    }
  })

  test('a whole-file request is served once every range is paid, with exactly the file', async () => {
    for (const segment of media.segments.slice(1)) {
      assert.equal((await viewer.pay(segment.id, segmentPrice(segment.duration, PRICE))).ok, true)
      viewer.delivered(segment.id)
    }
    const whole = await get(host, media.segments[0].key.path, token())
    assert.equal(whole.status, 200)
    assert.ok(whole.body.equals(file))
    const tail = await get(host, media.segments[0].key.path, { ...token(), Range: 'bytes=-100' })
    assert.equal(tail.status, 206)
    assert.ok(tail.body.equals(file.subarray(file.length - 100)))
  })

  test('Range headers: several ranges or a malformed one get a 400, one past the end a 416 with the size', async () => {
    const path = media.segments[0].key.path
    for (const [header, code] of [['bytes=0-10,20-30', 'multiple_ranges'], ['bytes=abc', 'malformed_range'], ['bytes=20-10', 'malformed_range'], ['items=0-10', 'unsupported_unit']]) {
      const refused = await get(host, path, { ...token(), Range: header })
      assert.deepEqual([refused.status, refused.json().error], [400, code], header)
    }
    const past = await get(host, path, { ...token(), Range: `bytes=${file.length}-` })
    assert.equal(past.status, 416)
    assert.equal(past.headers.get('content-range'), `bytes */${file.length}`)
  })

  test('payments name segments by key: an init segment is never priced, an unknown key is refused, a paid one is a replay', async () => {
    const other = await openRawViewer(host.url, 5_000)
    try {
      const init = `${media.initSegments[0].path}#bytes=${media.initSegments[0].range!.start}-${media.initSegments[0].range!.end}`
      const free = await other.pay(init, 1)
      assert.equal(!free.ok && free.code, 'not_priced')
      const unknown = await other.pay(`${media.segments[0].key.path}#bytes=1-2`, 1)
      assert.equal(!unknown.ok && unknown.code, 'unknown_segment')
      const malformed = await other.send('update', { channelId: other.channelId, tx: '00', segment: `${media.segments[0].key.path}#bytes=9-1` })
      assert.equal(!malformed.ok && malformed.code, 'malformed')
      assert.equal((await other.pay(media.segments[2].id, segmentPrice(media.segments[2].duration, PRICE))).ok, true)
      other.delivered(media.segments[2].id)
      const again = await other.pay(media.segments[2].id, segmentPrice(media.segments[2].duration, PRICE))
      assert.equal(!again.ok && again.code, 'replay')
    } finally {
      other.disconnect()
    }
  })
})

describe('an MPEG-TS file cut into byte ranges, behind the built-in origin and behind HTTP origins', () => {
  let form: HlsForm
  const origins: Server[] = []
  before(async () => {
    form = await hlsForm('ts-byterange')
  })
  after(() => origins.forEach((origin) => origin.close()))

  /** An HTTP origin over the forms' folder; `honoursRange` false: it answers every request with the whole file. */
  async function origin(honoursRange: boolean): Promise<string> {
    const app = express()
    app.use('/', express.static(form.mediaDir, { acceptRanges: honoursRange }))
    const server = createServer(app)
    origins.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  }

  for (const [name, originUrl] of [['the built-in origin', async () => undefined], ['an origin that honours Range', () => origin(true)], ['an origin that ignores Range', () => origin(false)]] as const) {
    test(`${name}: one paid range is served exactly, the bytes before it are not`, async () => {
      const host = await startTestHost({ mediaDir: form.mediaDir, price: PRICE, origin: await originUrl() })
      const viewer = await openRawViewer(host.url, 5_000)
      try {
        assert.equal((await get(host, `/media/${form.name}/180p/index.m3u8`)).status, 200)
        const media = mediaOf(form)
        const file = readFileSync(join(form.folder, '180p', 'index.ts'))
        const [first, second] = media.segments
        assert.equal((await viewer.pay(second.id, segmentPrice(second.duration, PRICE))).ok, true)
        const headers = { 'X-Channel-Token': viewer.token }
        const { start, end } = second.key.range!
        const served = await get(host, second.key.path, { ...headers, Range: `bytes=${start}-${end}` })
        assert.equal(served.status, 206)
        assert.ok(served.body.equals(file.subarray(start, end + 1)), `exactly bytes ${start}-${end}, got ${served.body.length} bytes`)
        const inside = await get(host, second.key.path, { ...headers, Range: `bytes=${start + 7}-${start + 1006}` })
        assert.ok(inside.body.equals(file.subarray(start + 7, start + 1007)))
        const spanning = await get(host, second.key.path, { ...headers, Range: `bytes=${first.key.range!.end}-${end}` })
        assert.equal(spanning.status, 402)
        assert.equal(spanning.json().segment, first.id)
      } finally {
        viewer.disconnect()
        await host.dispose()
      }
    })
  }
})
