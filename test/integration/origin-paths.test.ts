// Attack: aliases of media paths in front of an HTTP origin (`--origin`). A path is decoded once; what survives
// decoding must not become, in the origin's URL, a query (%3F), a fragment (%23) or dot-segments (%252e%252e), nor
// leave the origin's base path: each is refused with `bad_path`, never reaches the origin, and is not learned as a new
// playlist. Names are encoded per path segment (a file with a space is served), and the playlists the host remembers
// are bounded, in memory and in the store.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import express from 'express'
import { MAX_PLAYLISTS } from '../../server/paywall/media-book.ts'
import { REMEMBERED_PLAYLISTS } from '../../server/store/channel-store.ts'
import { hlsForm } from '../support/hls-forms.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { openRawViewer } from '../support/raw-viewer.ts'

const PLAYLIST = '/media/ts-files/180p/index.m3u8'

describe('media paths in front of an HTTP origin', () => {
  let origin: Server
  let host: TestHost
  /** Every path the origin was asked for. */
  const asked: string[] = []

  before(async () => {
    const form = await hlsForm('ts-files')
    mkdirSync(join(form.mediaDir, 'spaced'), { recursive: true })
    copyFileSync(join(form.folder, '180p', 'seg_00000.ts'), join(form.mediaDir, 'spaced', 'seg one.ts'))
    writeFileSync(join(form.mediaDir, 'spaced', 'index.m3u8'), ['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXTINF:2,', 'seg%20one.ts', '#EXT-X-ENDLIST', ''].join('\n'))
    const app = express()
    app.use((req, _res, next) => {
      asked.push(req.originalUrl)
      next()
    })
    // A generated playlist for any name under gen/, each listing a segment of its own: an origin with no end of them.
    app.get(/^\/library\/gen\/(p\d+)\.m3u8$/, (req, res) => {
      res.type('application/vnd.apple.mpegurl').send(['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXTINF:2,', `${req.params[0]}.ts`, '#EXT-X-ENDLIST', ''].join('\n'))
    })
    app.use('/library', express.static(form.mediaDir))
    // Outside the base, the origin answers too: nothing there is the host's to sell.
    app.get(/\.m3u8$/, (_req, res) => res.type('application/vnd.apple.mpegurl').send('#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nsecret.ts\n#EXT-X-ENDLIST\n'))
    origin = createServer(app)
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
    host = await startTestHost({ mediaDir: form.mediaDir, price: 10, origin: `http://127.0.0.1:${(origin.address() as AddressInfo).port}/library/`, originTimeoutMs: 2_000 })
  })
  after(async () => {
    await host?.dispose()
    origin?.close()
  })

  const rememberedRows = () => {
    const db = new Database(join(host.dataDir, 'host.sqlite'), { readonly: true })
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM served_playlists').get() as { n: number }).n
    } finally {
      db.close()
    }
  }

  test('%3F, %23, %252e%252e, control characters and paths out of the base are refused with bad_path and never reach the origin', async () => {
    assert.equal((await fetch(host.url + PLAYLIST)).status, 200)
    const rows = rememberedRows()
    const aliases = [
      `${PLAYLIST}%3Fv=1.m3u8`,
      `${PLAYLIST}%23x.m3u8`,
      '/media/ts-files/180p/%252e%252e/180p/index.m3u8',
      '/media/ts-files/%252e%252e/%252e%252e/secrev-probe.m3u8',
      '/media/ts-files/180p/%252E%252E/%252E%252E/%252E%252E/secrev-probe.m3u8',
      '/media/ts-files/180p/index%0a.m3u8',
      '/media/ts-files/180p/seg_00000.ts%3Fx',
      '/media/ts-files/180p/%25',
    ]
    for (const alias of aliases) {
      const res = await fetch(host.url + alias)
      assert.equal(res.status, 400, alias)
      assert.equal(((await res.json()) as { error: string }).error, 'bad_path', alias)
    }
    for (let n = 0; n < 300; n++) assert.equal((await fetch(`${host.url}${PLAYLIST}%3Fv=${n}.m3u8`)).status, 400)
    assert.equal(rememberedRows(), rows, 'no alias is remembered as a playlist')
    const outside = asked.filter((path) => !path.startsWith('/library/') || /[?#]|%2e|%25/i.test(path))
    assert.deepEqual(outside, [], 'the origin was asked only for paths under its base')
  })

  test('names are encoded per path segment: a paid segment with a space in its name comes through the proxy', async () => {
    assert.equal((await fetch(`${host.url}/media/spaced/index.m3u8`)).status, 200)
    const viewer = await openRawViewer(host.url, 5_000)
    try {
      assert.equal((await viewer.pay('/media/spaced/seg one.ts', 20)).ok, true)
      const res = await fetch(`${host.url}/media/spaced/seg%20one.ts`, { headers: { 'X-Channel-Token': viewer.token } })
      assert.equal(res.status, 200)
      const expected = readFileSync(join((await hlsForm('ts-files')).folder, '180p', 'seg_00000.ts'))
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(expected))
    } finally {
      viewer.disconnect()
    }
  })

  test('the playlists remembered are bounded: the least recently used are forgotten, in memory and in the store', async () => {
    const count = Math.max(MAX_PLAYLISTS, REMEMBERED_PLAYLISTS) + 50
    for (let n = 0; n < count; n++) assert.equal((await fetch(`${host.url}/media/gen/p${n}.m3u8`)).status, 200)
    assert.ok(rememberedRows() <= REMEMBERED_PLAYLISTS, `${rememberedRows()} rows`)
    const first = await fetch(`${host.url}/media/gen/p0.ts`)
    assert.deepEqual([first.status, ((await first.json()) as { error: string }).error], [404, 'not_listed'], 'the oldest playlist is forgotten')
    assert.equal((await fetch(`${host.url}/media/gen/p${count - 1}.ts`)).status, 402, 'the newest is known')
  })
})
