// The media library on a real folder tree: nested streams, media playlists without a master, renditions not listed
// as streams, titles and prices from stream.json, hidden and temporary folders, links (never followed), and
// playlists that are not streams.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import request from 'supertest'
import { LibraryCache } from '../../server/media/library-cache.ts'
import { scanLibrary } from '../../server/media/media-library.ts'
import { startTestHost, tempDir } from '../support/host.ts'
import { connect } from '../support/raw-viewer.ts'

const MEDIA = '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nseg_00000.ts\n#EXT-X-ENDLIST\n'
const master = (...variants: string[]) => ['#EXTM3U', ...variants.flatMap((variant) => ['#EXT-X-STREAM-INF:BANDWIDTH=500000', variant]), ''].join('\n')

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true })
  writeFileSync(join(root, path), text)
}

function library(): string {
  const root = tempDir('library')
  write(root, 'sample/master.m3u8', master('360p/index.m3u8'))
  write(root, 'sample/360p/index.m3u8', MEDIA)
  write(root, 'shows/stream.json', '{ "pricePerSecond": 15 }')
  write(root, 'shows/s01/stream.json', '{ "pricePerSecond": 20 }')
  write(root, 'shows/s01/e01/master.m3u8', master('360p/index.m3u8', '720p/index.m3u8'))
  write(root, 'shows/s01/e01/360p/index.m3u8', MEDIA)
  write(root, 'shows/s01/e01/720p/index.m3u8', MEDIA)
  write(root, 'shows/s01/e02/stream.json', '{ "title": "The Second One" }')
  write(root, 'shows/s01/e02/master.m3u8', master('index.m3u8'))
  write(root, 'shows/s01/e02/index.m3u8', MEDIA)
  write(root, 'shows/s01/e10/master.m3u8', master('a/index.m3u8'))
  write(root, 'shows/s01/e10/a/index.m3u8', MEDIA)
  write(root, 'shows/s02/e01/index.m3u8', MEDIA)
  write(root, 'podcast/episode.m3u8', MEDIA)
  write(root, 'podcast/trailer.m3u8', MEDIA)
  write(root, 'top.m3u8', MEDIA)
  write(root, 'broken/stream.json', '{ "price": 5 }')
  write(root, 'broken/film/master.m3u8', master('index.m3u8'))
  write(root, 'not-hls/index.m3u8', '<html>404</html>')
  write(root, '.sample.tmp-123/master.m3u8', master('360p/index.m3u8'))
  write(root, '.hidden/master.m3u8', master('360p/index.m3u8'))
  const outside = tempDir('outside')
  write(outside, 'secret/master.m3u8', master('index.m3u8'))
  symlinkSync(join(outside, 'secret'), join(root, 'escape'))
  symlinkSync(join(root, 'shows', 's02'), join(root, 'alias'))
  symlinkSync(root, join(root, 'shows', 'loop'))
  return root
}

test('nested streams with readable names, prices from the nearest stream.json, renditions not listed as streams', () => {
  const root = library()
  const { streams, problems, prices } = scanLibrary(root)
  assert.deepEqual(
    streams.map((stream) => [stream.name, stream.url, stream.kind, stream.pricePerSecond]),
    [
      ['sample', '/media/sample/master.m3u8', 'master', null],
      ['podcast / episode', '/media/podcast/episode.m3u8', 'media', null],
      ['podcast / trailer', '/media/podcast/trailer.m3u8', 'media', null],
      ['shows / s01 / e01', '/media/shows/s01/e01/master.m3u8', 'master', 20],
      ['shows / s01 / e10', '/media/shows/s01/e10/master.m3u8', 'master', 20],
      ['shows / s02 / e01', '/media/shows/s02/e01/index.m3u8', 'media', 15],
      ['The Second One', '/media/shows/s01/e02/master.m3u8', 'master', 20],
      ['top', '/media/top.m3u8', 'media', null],
    ],
  )
  assert.deepEqual(prices.sort((a, b) => a.folder.localeCompare(b.folder)), [
    { folder: '/media/broken', pricePerSecond: null },
    { folder: '/media/shows', pricePerSecond: 15 },
    { folder: '/media/shows/s01', pricePerSecond: 20 },
  ])
  const said = problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n')
  assert.match(said, /^escape: A link that leaves the media folder/m)
  assert.doesNotMatch(said, /alias|loop/, 'links inside the media folder are skipped quietly: their targets are listed')
  assert.match(said, /^broken\/stream\.json: Not used, and nothing below it is sold until it is fixed: .*Unrecognized key/im)
  assert.match(said, /^not-hls\/index\.m3u8: Not a stream: Not an HLS playlist/m)
  assert.doesNotMatch(said, /tmp-123|hidden/)
  rmSync(root, { recursive: true, force: true })
})

test('a missing media folder is an empty library', () => {
  assert.deepEqual(scanLibrary(join(tempDir('library'), 'nope')), { streams: [], problems: [], prices: [] })
})

test('/api/info lists the library with its names and prices; nothing below a broken stream.json is served', async () => {
  const root = library()
  const host = await startTestHost({ mediaDir: root, price: 10, previewSeconds: 4 })
  try {
    const info = await request(host.url).get('/api/info').expect(200)
    assert.deepEqual(info.body.streams.slice(0, 2), [
      { name: 'sample', url: '/media/sample/master.m3u8', kind: 'master', pricePerSecond: 10 },
      { name: 'podcast / episode', url: '/media/podcast/episode.m3u8', kind: 'media', pricePerSecond: 10 },
    ])
    assert.equal(info.body.streams.find((stream: { name: string }) => stream.name === 'shows / s01 / e01').pricePerSecond, 20)
    assert.equal(info.body.streams.length, 8)
    assert.equal(info.body.previewSeconds, 4)
    assert.deepEqual(info.body.streamPrices.find((price: { folder: string }) => price.folder === '/media/shows'), { folder: '/media/shows', pricePerSecond: 15 })
    // The socket's terms come with it, so a page can build its channel's opening before its socket connects.
    const { socket, terms } = await connect(host.url)
    socket.disconnect()
    assert.deepEqual(info.body.terms, JSON.parse(JSON.stringify(terms)))
    const broken = await request(host.url).get('/media/broken/film/master.m3u8').expect(403)
    assert.equal(broken.body.error, 'not_for_sale')
  } finally {
    await host.dispose()
    rmSync(root, { recursive: true, force: true })
  }
})

test('the library is scanned at most once per interval: a new stream shows up after it, not on every request', () => {
  const root = tempDir('library-cache')
  let now = 0
  const cache = new LibraryCache(root, 5_000, () => now)
  try {
    write(root, 'a/index.m3u8', MEDIA)
    assert.deepEqual(cache.current().streams.map((stream) => stream.name), ['a'])
    write(root, 'b/index.m3u8', MEDIA)
    now = 4_999
    assert.equal(cache.current().streams.length, 1, 'within the interval: the scan is reused')
    now = 5_000
    assert.deepEqual(cache.current().streams.map((stream) => stream.name), ['a', 'b'])
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})
