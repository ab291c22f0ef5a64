import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { edgeLinks } from '../../server/edge/signed-url.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'
import { startTestNginx, type TestNginx } from '../support/nginx.ts'
import { openRawViewer, type RawViewer } from '../support/raw-viewer.ts'

const SECRET = 'edge-secret-for-tests-0123456789abcdef'
const PRICE = 10

/** The host's paywall counters from /metrics: what the host itself served. */
async function servedByHost(host: TestHost): Promise<{ segments: number; bytes: number }> {
  const text = await (await fetch(`${host.url}/metrics`, { headers: { Authorization: `Bearer ${host.adminToken}` } })).text()
  const read = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN)
  return { segments: read('p2p_segments_served_total'), bytes: read('p2p_bytes_served_total') }
}

describe('edge mode: nginx serves paid segments to signed URLs, and refuses everything else', () => {
  let stream: TinyStream
  let host: TestHost
  let nginx: TestNginx
  let viewer: RawViewer
  let signed: string

  before(async () => {
    stream = writeTinyStream([2, 2, 2, 2], 'tiny')
    host = await startTestHost({ mediaDir: stream.mediaDir, price: PRICE, edgeSecret: SECRET, instance: 'a' }, { extend: attachDashboard })
    nginx = await startTestNginx({ instances: [{ name: 'a', address: `127.0.0.1:${host.port}` }], edge: { mediaRoot: stream.mediaDir, basePath: '/edge/', secret: SECRET } })
    assert.equal((await fetch(`${nginx.url}${stream.playlist}`)).status, 200, 'the playlist passes through nginx to the host, free')
    viewer = await openRawViewer(nginx.url, 5_000)
    const reply = await viewer.pay(stream.segments[0].path, 2 * PRICE)
    assert.ok(reply.ok && 'segmentUrl' in reply && typeof reply.segmentUrl === 'string', 'the acknowledgement carries a signed URL')
    signed = reply.segmentUrl
    viewer.delivered(stream.segments[0].path)
  })
  after(async () => {
    viewer?.disconnect()
    await nginx?.stop()
    await host?.dispose()
  })

  test('the terms say edge mode; the signed URL names the segment, the channel and an expiry', () => {
    assert.equal(viewer.terms.delivery, 'edge')
    const url = new URL(signed, nginx.url)
    assert.equal(url.pathname, '/edge/tiny/360p/seg_000.ts')
    assert.equal(url.searchParams.get('c'), viewer.channelId)
    const expires = Number(url.searchParams.get('e'))
    assert.ok(expires > Date.now() / 1000 && expires <= Date.now() / 1000 + 61)
  })

  test('nginx serves the paid segment, byte for byte, and the host serves no media byte', async () => {
    const answer = await fetch(new URL(signed, nginx.url))
    assert.equal(answer.status, 200)
    assert.deepEqual(Buffer.from(await answer.arrayBuffer()), stream.segments[0].bytes)
    const ranged = await fetch(new URL(signed, nginx.url), { headers: { Range: 'bytes=10-19' } })
    assert.equal(ranged.status, 206, 'a whole-file URL may be read in ranges: every byte of it is paid')
    assert.deepEqual(await servedByHost(host), { segments: 0, bytes: 0 })
  })

  test('an unpaid segment is refused at nginx, with or without a borrowed signature', async () => {
    assert.equal((await fetch(`${nginx.url}/edge/tiny/360p/seg_001.ts`)).status, 403)
    const borrowed = new URL(signed, nginx.url)
    borrowed.pathname = '/edge/tiny/360p/seg_001.ts'
    const refused = await fetch(borrowed)
    assert.equal(refused.status, 403)
    assert.equal(((await refused.json()) as { error: string }).error, 'bad_signature')
    const otherChannel = new URL(signed, nginx.url)
    otherChannel.searchParams.set('c', 'f'.repeat(24))
    assert.equal((await fetch(otherChannel)).status, 403, 'the signature binds the channel')
    assert.equal((await fetch(new URL(signed, nginx.url), { method: 'POST' })).status, 403)
  })

  test('an expired URL is refused at nginx', async () => {
    const stale = edgeLinks({ baseUrl: '/edge/', secret: SECRET, ttlSeconds: 60 }, () => Date.now() - 120_000)
    const answer = await fetch(new URL(stale.urlFor(stream.segments[0].path, viewer.channelId) ?? '', nginx.url))
    assert.equal(answer.status, 410)
    assert.equal(((await answer.json()) as { error: string }).error, 'expired')
  })

  test('a URL signed for a byte range serves exactly that range; an altered range is refused', async () => {
    const links = edgeLinks({ baseUrl: '/edge/', secret: SECRET, ttlSeconds: 60 })
    const url = new URL(links.urlFor(`${stream.segments[1].path}#bytes=100-199`, viewer.channelId) ?? '', nginx.url)
    const inRange = await fetch(url, { headers: { Range: 'bytes=100-199' } })
    assert.equal(inRange.status, 206)
    assert.deepEqual(Buffer.from(await inRange.arrayBuffer()), stream.segments[1].bytes.subarray(100, 200))
    for (const range of ['bytes=100-299', 'bytes=0-199', 'bytes=100-', 'bytes=100-199,300-399']) {
      assert.equal((await fetch(url, { headers: { Range: range } })).status, 416, range)
    }
    assert.equal((await fetch(url)).status, 416, 'without a Range header the whole file would leave: refused')
    const widened = new URL(url)
    widened.searchParams.set('r', '0-999')
    assert.equal((await fetch(widened, { headers: { Range: 'bytes=0-999' } })).status, 403, 'the range is part of what is signed')
  })

  test('the host answers a paid refetch with a redirect to a fresh signed URL, and an unpaid one with 402', async () => {
    const redirect = await fetch(`${nginx.url}${stream.segments[0].path}`, { headers: { 'X-Channel-Token': viewer.token }, redirect: 'manual' })
    assert.equal(redirect.status, 302)
    const moved = await fetch(new URL(redirect.headers.get('location')!, nginx.url))
    assert.equal(moved.status, 200)
    assert.equal((await fetch(`${nginx.url}${stream.segments[2].path}`, { headers: { 'X-Channel-Token': viewer.token } })).status, 402)
    assert.deepEqual(await servedByHost(host), { segments: 0, bytes: 0 }, 'still no media byte through the host')
  })
})
