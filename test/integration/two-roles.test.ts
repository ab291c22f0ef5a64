// Attack: one file, two roles. A segment of ffmpeg's fMP4 stream is also, in another playlist the host serves, an init
// segment, a key file, the free preview or a 0.5 s part; or an I-frame playlist lists its bytes. Read in either order
// (the other role first, then the segment, then the other playlist again as a live playlist is), the file is never
// served unpaid nor sold at its cheaper role's price, and a viewer who paid gets it, also after a master says the
// I-frame playlist is trick play. The viewer prices every entry with the player's own rules (PlayedMedia).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PlayedMedia } from '../../client/payer/played-media.ts'
import { hlsForm, type HlsForm } from '../support/hls-forms.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { openRawViewer, type RawViewer } from '../support/raw-viewer.ts'

const PRICE = 10
const FOLDER = '/media/fmp4-files/180p'
const VARIANT = `${FOLDER}/index.m3u8`
/** 6-8 s of the variant: 20 sat at 10 sat/s. */
const SEGMENT = `${FOLDER}/seg_00003.m4s`
const HEAD = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2']

/** The other playlist, one per role, each giving seg_00003 that role; `anonymous`: what a request without a channel gets. */
const OTHER_ROLES = [
  { role: 'an init segment (EXT-X-MAP)', name: 'as-init.m3u8', anonymous: 402, lines: [...HEAD, '#EXT-X-MAP:URI="seg_00003.m4s"', '#EXTINF:2,', 'seg_00004.m4s'] },
  { role: 'a key file (EXT-X-KEY)', name: 'as-key.m3u8', anonymous: 403, lines: [...HEAD, '#EXT-X-MAP:URI="init.mp4"', '#EXT-X-KEY:METHOD=AES-128,URI="seg_00003.m4s"', '#EXTINF:2,', 'seg_00004.m4s'] },
  { role: 'the free preview', name: 'as-preview.m3u8', anonymous: 402, lines: [...HEAD, '#EXT-X-MAP:URI="init.mp4"', '#EXTINF:2,', 'seg_00003.m4s'] },
  { role: 'a 0.5 s LL-HLS part', name: 'as-part.m3u8', anonymous: 402, lines: [...HEAD, '#EXT-X-PART-INF:PART-TARGET=0.5', '#EXT-X-MAP:URI="init.mp4"', '#EXTINF:2,', 'seg_00000.m4s', '#EXT-X-PART:DURATION=0.5,URI="seg_00003.m4s"'] },
]

async function get(host: TestHost, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(host.url + path, { headers })
  const bytes = Buffer.from(await res.arrayBuffer())
  return { status: res.status, bytes, json: () => JSON.parse(bytes.toString('utf8')) as { error: string; segment?: string; price?: number } }
}

/** Reads a playlist through the host (which learns it) and into the viewer's own index, as the player does. */
async function load(host: TestHost, media: PlayedMedia, path: string): Promise<void> {
  const res = await get(host, path)
  assert.equal(res.status, 200, `${path}: ${res.bytes.toString('utf8')}`)
  media.learn(res.bytes.toString('utf8'), path)
}

describe('a file with two roles', () => {
  let form: HlsForm
  let segmentBytes: Buffer
  const hosts: TestHost[] = []
  const viewers: RawViewer[] = []

  before(async () => {
    form = await hlsForm('fmp4-files')
    segmentBytes = readFileSync(join(form.mediaDir, SEGMENT.slice('/media/'.length)))
  })
  after(async () => {
    for (const viewer of viewers) viewer.disconnect()
    await Promise.all(hosts.map((host) => host.dispose()))
  })

  function write(name: string, lines: string[]): string {
    writeFileSync(join(form.folder, '180p', name), [...lines, ''].join('\n'))
    return `${FOLDER}/${name}`
  }

  /** A host, and a viewer with a channel that prices entries with the player's rules over the playlists it reads. */
  async function start(): Promise<{ host: TestHost; viewer: RawViewer; media: PlayedMedia }> {
    const host = await startTestHost({ mediaDir: form.mediaDir, price: PRICE, previewSeconds: 2 })
    hosts.push(host)
    const viewer = await openRawViewer(host.url, 5_000)
    viewers.push(viewer)
    return { host, viewer, media: new PlayedMedia(() => viewer.terms) }
  }

  /** Unpaid, the file is refused; paid at the segment's price (the player's own charge), it is served, byte for byte. */
  async function assertSoldAsSegment({ host, viewer, media }: Awaited<ReturnType<typeof start>>, { role, anonymous }: (typeof OTHER_ROLES)[number]): Promise<void> {
    assert.equal((await get(host, SEGMENT)).status, anonymous, `without a channel, as ${role}`)
    const unpaid = await get(host, SEGMENT, { 'X-Channel-Token': viewer.token })
    assert.equal(unpaid.status, 402, `served unpaid as ${role}`)
    assert.deepEqual([unpaid.json().segment, unpaid.json().price], [SEGMENT, 20], `priced as ${role}`)
    const charge = media.chargeOf(SEGMENT)({ has: () => false, ids: () => [] })
    assert.deepEqual(charge, { kind: 'due', amount: 20, seconds: 2 }, 'the player prices it as the host does')
    const cheaper = await viewer.pay(SEGMENT, 5)
    assert.equal(!cheaper.ok && cheaper.code, 'underpaid', `sold at the price of ${role}`)
    assert.equal((await viewer.pay(SEGMENT, charge.amount)).ok, true)
    const paid = await get(host, SEGMENT, { 'X-Channel-Token': viewer.token })
    assert.equal(paid.status, 200)
    assert.ok(paid.bytes.equals(segmentBytes), 'exactly the origin bytes')
  }

  for (const other of OTHER_ROLES) {
    const { role, name, lines } = other

    test(`the segment read first, then the playlist that lists it as ${role}`, async () => {
      const run = await start()
      await load(run.host, run.media, VARIANT)
      await load(run.host, run.media, write(name, lines))
      await assertSoldAsSegment(run, other)
    })

    test(`the playlist that lists it as ${role} read first, then the segment, then that playlist changed and read again`, async () => {
      const run = await start()
      const path = write(`first-${name}`, lines)
      await load(run.host, run.media, path)
      await load(run.host, run.media, VARIANT)
      write(`first-${name}`, [...lines, '# reloaded: a live playlist changes between reads'])
      await load(run.host, run.media, path)
      await assertSoldAsSegment(run, other)
    })
  }

  test('an I-frame playlist read alone neither gives away a variant\'s bytes nor, once a master says it is trick play, refuses what was paid', async () => {
    const { host, viewer } = await start()
    const iframes = write('iframes.m3u8', [...HEAD, '#EXT-X-I-FRAMES-ONLY', '#EXT-X-MAP:URI="init.mp4"', '#EXTINF:2,', '#EXT-X-BYTERANGE:300@0', 'seg_00005.m4s', '#EXTINF:2,', 'seg_00004.m4s', '#EXT-X-ENDLIST'])
    writeFileSync(join(form.folder, 'trick.m3u8'), ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=300000', '180p/index.m3u8', '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI="180p/iframes.m3u8"', ''].join('\n'))
    assert.equal((await get(host, VARIANT)).status, 200)
    assert.equal((await get(host, iframes)).status, 200)
    const preview = await get(host, `${FOLDER}/seg_00005.m4s`, { Range: 'bytes=0-299' })
    assert.equal(preview.status, 402, 'the I-frame range is a free preview alone, but the variant sells those bytes')
    assert.equal(preview.json().segment, `${FOLDER}/seg_00005.m4s`)
    const segment = `${FOLDER}/seg_00004.m4s`
    assert.equal((await viewer.pay(segment, 20)).ok, true)
    assert.equal((await get(host, segment, { 'X-Channel-Token': viewer.token })).status, 200)
    assert.equal((await get(host, '/media/fmp4-files/trick.m3u8')).status, 200)
    const after = await get(host, segment, { 'X-Channel-Token': viewer.token })
    assert.equal(after.status, 200, `refused after the master was read: ${after.bytes.toString('utf8')}`)
    assert.equal((await get(host, segment)).status, 402, 'and still sold to everyone else')
  })
})
