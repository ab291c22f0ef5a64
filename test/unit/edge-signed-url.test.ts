import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { nginxSiteConfig } from '../../server/edge/nginx-config.ts'
import { edgeLinks } from '../../server/edge/signed-url.ts'

const SECRET = 'x'.repeat(40)
const CHANNEL = 'ab'.repeat(12)
const NOW = Date.UTC(2026, 0, 1)
const md5 = (text: string) => createHash('md5').update(text).digest('base64url')

test('a whole-file segment: the path under the edge location, the channel, the expiry, and the hash nginx recomputes', () => {
  const url = new URL(edgeLinks({ baseUrl: '/edge/', secret: SECRET, ttlSeconds: 60 }, () => NOW).urlFor('/media/show/360p/seg_001.ts', CHANNEL) ?? '', 'http://h')
  const expires = NOW / 1000 + 60
  assert.equal(url.pathname, '/edge/show/360p/seg_001.ts')
  assert.deepEqual([...url.searchParams.keys()], ['e', 'c', 's'])
  assert.equal(url.searchParams.get('e'), String(expires))
  assert.equal(url.searchParams.get('s'), md5(`${expires}/edge/show/360p/seg_001.ts|${CHANNEL}||${SECRET}`))
})

test('a byte-range segment signs its range, and nginx sees the decoded path of an encoded URL', () => {
  const links = edgeLinks({ baseUrl: 'https://cdn.example.com/p2p/', secret: SECRET, ttlSeconds: 5 }, () => NOW)
  const url = new URL(links.urlFor('/media/my show/all.ts#bytes=1325-77809', CHANNEL) ?? '')
  assert.equal(url.origin, 'https://cdn.example.com')
  assert.equal(url.pathname, '/p2p/my%20show/all.ts')
  assert.equal(url.searchParams.get('r'), '1325-77809')
  assert.equal(url.searchParams.get('s'), md5(`${NOW / 1000 + 5}/p2p/my show/all.ts|${CHANNEL}|1325-77809|${SECRET}`))
})

test('only media segment keys are signed', () => {
  const links = edgeLinks({ baseUrl: '/edge/', secret: SECRET, ttlSeconds: 60 })
  for (const key of ['/devnet/faucet', '/media/../data/host.sqlite', '/media/x.ts#bytes=9-1', 'media/x.ts']) {
    assert.throws(() => links.urlFor(key, CHANNEL), RangeError, key)
  }
})

test('an entry told apart by its query gets no signed URL: nginx serves by path, so the host serves it', () => {
  const links = edgeLinks({ baseUrl: '/edge/', secret: SECRET, ttlSeconds: 60 })
  assert.equal(links.urlFor('/media/kvs/getMP4MediaFragment.mp4?FragmentNumber=7', CHANNEL), null)
})

test('the nginx site refuses descriptions that would route somewhere unintended', () => {
  const site = (instances: Array<{ name: string; address: string }>) => nginxSiteConfig({ listen: '80', instances, edge: null })
  assert.throws(() => site([]), /at least one instance/)
  assert.throws(() => site([{ name: 'A b', address: '127.0.0.1:1' }]), /instance name/)
  assert.throws(() => site([{ name: 'a', address: 'http://x' }]), /HOST:PORT/)
  assert.throws(() => site([{ name: 'a', address: '127.0.0.1:1' }, { name: 'a', address: '127.0.0.1:2' }]), /twice/)
  const text = site([{ name: 'a', address: '127.0.0.1:8081' }, { name: 'b', address: '127.0.0.1:8082' }])
  assert.match(text, /upstream p2p_a \{\n  server 127\.0\.0\.1:8081 [^\n]*;\n  server 127\.0\.0\.1:8082 [^\n]* backup;/)
  assert.doesNotMatch(text, /location \/edge\//, 'proxy mode serves no media itself')
})
