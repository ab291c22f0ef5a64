// Real packagers' forms against a real host, the devnet and a viewer who prices every entry with the player's own
// rules (PlayedMedia): each playlist (a hand-written fixture modelled on the form, over ffmpeg's own segments) is
// served, each entry is sold at its media time, its bytes go only once paid, and a repeat replays free. Fragments told
// apart by their query come from an HTTP origin that answers by query (AWS Kinesis Video, Apple's LL-HLS reference);
// the rest from the host's own media folder.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PlayedMedia } from '../../client/payer/played-media.ts'
import { hlsForm, type HlsForm } from '../support/hls-forms.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { startQueryOrigin, type QueryOrigin } from '../support/query-origin.ts'
import { openRawViewer, type RawViewer } from '../support/raw-viewer.ts'

const PRICE = 10
const fixture = (name: string) => readFileSync(new URL(`../fixtures/playlists/${name}`, import.meta.url), 'utf8')

interface Run {
  host: TestHost
  viewer: RawViewer
  media: PlayedMedia
}

async function get(host: TestHost, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(host.url + path, { headers })
  const bytes = Buffer.from(await res.arrayBuffer())
  return { status: res.status, bytes, json: () => JSON.parse(bytes.toString('utf8')) as { error: string; segment?: string; price?: number; message: string; issues?: Array<{ code: string; line: number | null; message: string }> } }
}

/** Reads a playlist through the host, then into the viewer's own index, as the player does. */
async function load(run: Run, path: string): Promise<void> {
  const res = await get(run.host, path)
  assert.equal(res.status, 200, `${path}: ${res.bytes.toString('utf8')}`)
  assert.ok(run.media.learn(res.bytes.toString('utf8'), path).ok, path)
}

/**
 * `id` is sold at `price` (and the player prices it so): refused unpaid, underpaid refused, served byte for byte once
 * paid, then again for free, and a second payment for it refused as a replay.
 */
async function assertSold(run: Run, id: string, price: number, bytes: Buffer): Promise<void> {
  const auth = { 'X-Channel-Token': run.viewer.token }
  const unpaid = await get(run.host, id, auth)
  assert.equal(unpaid.status, 402, `${id} served unpaid`)
  assert.deepEqual([unpaid.json().segment, unpaid.json().price], [id, price])
  const charge = run.media.chargeOf(id)({ has: (paid) => run.viewer.channel.paidSegments[paid] !== undefined, ids: () => Object.keys(run.viewer.channel.paidSegments) })
  assert.equal(charge.kind === 'due' && charge.amount, price, 'the player prices it as the host does')
  if (price > 1) assert.equal((await run.viewer.pay(id, price - 1)).ok, false, 'underpaid')
  const accepted = await run.viewer.pay(id, price)
  assert.ok(accepted.ok, JSON.stringify(accepted))
  run.viewer.delivered(id)
  for (const time of ['paid', 'again']) {
    const served = await get(run.host, id, auth)
    assert.equal(served.status, 200, `${time}: ${served.bytes.toString('utf8').slice(0, 200)}`)
    assert.ok(served.bytes.equals(bytes), `${time}: exactly the entry's bytes`)
  }
  const twice = await run.viewer.pay(id, price)
  assert.equal(!twice.ok && twice.code, 'replay')
}

describe('real packagers\' forms', () => {
  let form: HlsForm
  let origin: QueryOrigin
  const hosts: TestHost[] = []
  const viewers: RawViewer[] = []
  const file = (relative: string) => readFileSync(join(form.mediaDir, relative))

  before(async () => {
    form = await hlsForm('fmp4-files')
    // Apple's parts and segments are the LL-HLS form's files, in the same media folder.
    await hlsForm('ll-hls-part-files')
    const folder = join(form.folder, '180p')
    for (const name of ['ad-loop.m3u8', 'interstitial.m3u8', 'discontinuity-repeat.m3u8', 'define-undefined.m3u8', 'map-missing-quote.m3u8']) writeFileSync(join(folder, name), fixture(name))
    writeFileSync(join(folder, 'define.m3u8'), fixture('define-media.m3u8'))
    writeFileSync(join(form.folder, 'define-master.m3u8'), fixture('define-master.m3u8'))
    writeFileSync(join(form.folder, 'm3u-master.m3u8'), fixture('m3u-master.m3u8'))
    copyFileSync(join(folder, 'index.m3u8'), join(folder, 'index.m3u'))
    copyFileSync(join(folder, 'seg_00003.m4s'), join(folder, 'segment.m4s'))

    // The query forms' playlists sit in folders of their own; every URL they list is answered by the origin's table.
    const routes = new Map<string, string>()
    mkdirSync(join(form.mediaDir, 'kvs'), { recursive: true })
    writeFileSync(join(form.mediaDir, 'kvs', 'getHLSMediaPlaylist.m3u8'), fixture('kvs-media.m3u8'))
    const kvsUris = fixture('kvs-media.m3u8').split('\n').filter((line) => line.startsWith('getMP4MediaFragment'))
    kvsUris.forEach((uri, index) => routes.set(`/kvs/${uri}`, `/fmp4-files/180p/seg_0000${index}.m4s`))
    routes.set('/kvs/getMP4InitFragment.mp4?SessionToken=CiBkZW1vLXNlc3Npb24tdG9rZW4~&TrackNumber=1&SequenceNumber=0', '/fmp4-files/180p/init.mp4')
    mkdirSync(join(form.mediaDir, 'll'), { recursive: true })
    writeFileSync(join(form.mediaDir, 'll', 'lowLatencyHLS.m3u8'), fixture('apple-ll-hls.m3u8'))
    routes.set('/ll/init.mp4', '/ll-hls-part-files/180p/init.mp4')
    for (let segment = 0; segment < 3; segment++) {
      routes.set(`/ll/fileSequence${segment}.m4s`, `/ll-hls-part-files/180p/seg_${segment}.m4s`)
      for (let part = 1; part <= 4; part++) routes.set(`/ll/lowLatencySeg.m4s?segment=filePart${segment}.${part}.m4s`, `/ll-hls-part-files/180p/part_${segment}.${part - 1}.m4s`)
    }
    origin = await startQueryOrigin(form.mediaDir, routes)
  })
  after(async () => {
    for (const viewer of viewers) viewer.disconnect()
    await Promise.all(hosts.map((host) => host.dispose()))
    await origin.close()
  })

  async function start(behindOrigin: boolean): Promise<Run> {
    const host = await startTestHost({ mediaDir: form.mediaDir, price: PRICE, ...(behindOrigin ? { origin: origin.url } : {}) })
    hosts.push(host)
    const viewer = await openRawViewer(host.url, 5_000)
    viewers.push(viewer)
    return { host, viewer, media: new PlayedMedia(() => viewer.terms) }
  }

  test('AWS Kinesis Video: each fragment of getMP4MediaFragment.mp4, told apart by its query, is sold by its duration and fetched from the origin with exactly its query', async () => {
    const run = await start(true)
    await load(run, '/media/kvs/getHLSMediaPlaylist.m3u8')
    const [first, second] = fixture('kvs-media.m3u8').split('\n').filter((line) => line.startsWith('getMP4MediaFragment')).map((uri) => `/media/kvs/${uri}`)
    // The init segment, with its own query, is free to anyone.
    const init = await get(run.host, '/media/kvs/getMP4InitFragment.mp4?SessionToken=CiBkZW1vLXNlc3Npb24tdG9rZW4~&TrackNumber=1&SequenceNumber=0')
    assert.equal(init.status, 200)
    assert.ok(init.bytes.equals(file('fmp4-files/180p/init.mp4')))
    await assertSold(run, first, 20, file('fmp4-files/180p/seg_00000.m4s'))
    // A token in the query is not read (a URL ends up in logs); the paywall takes the parameter out, so beside the
    // header it changes nothing and the origin sees the listed query alone.
    const auth = { 'X-Channel-Token': run.viewer.token }
    assert.equal((await get(run.host, `${first}&token=${run.viewer.token}`)).status, 402)
    const before = origin.requests.length
    const byHeader = await get(run.host, `${first}&token=${run.viewer.token}`, auth)
    assert.equal(byHeader.status, 200)
    assert.deepEqual(origin.requests.slice(before), [`GET ${first.slice('/media'.length)}`])
    // Paying one fragment opens no other, though they share a path; an unlisted query, or none, is not listed.
    assert.equal((await get(run.host, second, auth)).status, 402)
    for (const unlisted of ['/media/kvs/getMP4MediaFragment.mp4?FragmentNumber=1&TrackNumber=1', '/media/kvs/getMP4MediaFragment.mp4', `${first}&extra=1`]) {
      const answer = await get(run.host, unlisted, auth)
      assert.deepEqual([answer.status, answer.json().error], [404, 'not_listed'], unlisted)
    }
    const overlong = await get(run.host, `/media/kvs/getMP4MediaFragment.mp4?${'x'.repeat(1100)}`, auth)
    assert.deepEqual([overlong.status, overlong.json().error], [400, 'bad_query'])
    await assertSold(run, second, 20, file('fmp4-files/180p/seg_00001.m4s'))
  })

  test("Apple's LL-HLS reference: a part told apart by ?segment= is sold by its 0.5 s, its segment for the rest, the part being written too", async () => {
    const run = await start(true)
    await load(run, '/media/ll/lowLatencyHLS.m3u8')
    const part = (segment: number, index: number) => `/media/ll/lowLatencySeg.m4s?segment=filePart${segment}.${index}.m4s`
    await assertSold(run, part(1, 1), 5, file('ll-hls-part-files/180p/part_1.0.m4s'))
    await assertSold(run, '/media/ll/fileSequence1.m4s', 15, file('ll-hls-part-files/180p/seg_1.m4s'))
    await assertSold(run, part(2, 1), 5, file('ll-hls-part-files/180p/part_2.0.m4s'))
  })

  test('an ad looped and spliced in again is sold once, at its shortest listing, and replays free at every other place', async () => {
    const run = await start(false)
    await load(run, '/media/fmp4-files/180p/ad-loop.m3u8')
    await assertSold(run, '/media/fmp4-files/180p/seg_00005.m4s', 19, file('fmp4-files/180p/seg_00005.m4s'))
    await assertSold(run, '/media/fmp4-files/180p/seg_00001.m4s', 20, file('fmp4-files/180p/seg_00001.m4s'))
  })

  test('interstitial filler listed seven times is sold once; fMP4 segments repeated after a discontinuity are served', async () => {
    const run = await start(false)
    await load(run, '/media/fmp4-files/180p/interstitial.m3u8')
    await assertSold(run, '/media/fmp4-files/180p/segment.m4s', 20, file('fmp4-files/180p/seg_00003.m4s'))
    for (let listing = 2; listing <= 7; listing++) {
      assert.equal((await get(run.host, '/media/fmp4-files/180p/segment.m4s', { 'X-Channel-Token': run.viewer.token })).status, 200, `listing ${listing}`)
    }
    await load(run, '/media/fmp4-files/180p/discontinuity-repeat.m3u8')
    await assertSold(run, '/media/fmp4-files/180p/seg_00000.m4s', 20, file('fmp4-files/180p/seg_00000.m4s'))
  })

  test('EXT-X-DEFINE: the media playlist imports from its master and builds its names; an undefined variable is refused with its line', async () => {
    const run = await start(false)
    await load(run, '/media/fmp4-files/define-master.m3u8')
    await load(run, '/media/fmp4-files/180p/define.m3u8')
    const init = await get(run.host, '/media/fmp4-files/180p/init.mp4')
    assert.equal(init.status, 200, 'the imported init segment is listed, and free')
    await assertSold(run, '/media/fmp4-files/180p/seg_00002.m4s', 20, file('fmp4-files/180p/seg_00002.m4s'))
    const refused = await get(run.host, '/media/fmp4-files/180p/define-undefined.m3u8')
    assert.deepEqual([refused.status, refused.json().error], [502, 'bad_playlist'])
    assert.deepEqual([refused.json().issues?.[0].code, refused.json().issues?.[0].line], ['undefined_variable', 10])
    assert.match(refused.json().message, /\{\$segment\}, which no EXT-X-DEFINE above it defines/)
  })

  test('a variant playlist named .m3u is served and sells its segments', async () => {
    const run = await start(false)
    await load(run, '/media/fmp4-files/m3u-master.m3u8')
    await load(run, '/media/fmp4-files/180p/index.m3u')
    await assertSold(run, '/media/fmp4-files/180p/seg_00004.m4s', 20, file('fmp4-files/180p/seg_00004.m4s'))
  })

  test('an EXT-X-MAP missing a quote is refused with its line and what is wrong, not the parser\'s exception', async () => {
    const run = await start(false)
    const refused = await get(run.host, '/media/fmp4-files/180p/map-missing-quote.m3u8')
    assert.deepEqual([refused.status, refused.json().error, refused.json().issues?.[0].code], [502, 'bad_playlist', 'bad_attribute_list'])
    assert.match(refused.json().message, /Line 5: the attributes of #EXT-X-MAP are malformed \(an unclosed or stray double quote/)
    assert.doesNotMatch(refused.bytes.toString('utf8'), /Cannot read properties/)
  })
})
