// Odd Range headers are refused by a media request's first step, before any lookup: a flood of them costs the host
// neither its media book (the remembered playlists, read again from the origin) nor the origin (a file's size). The
// host sits in front of an HTTP origin that counts every request it gets; ffmpeg's MPEG-TS stream cut into byte
// ranges makes every lookup a real one. Most are answered by the HTTP server's own listener, before Express
// (early-range-refusal.ts); one from an allowed browser origin goes through Express, and both must answer alike.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { hlsForm } from '../support/hls-forms.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { startQueryOrigin, type QueryOrigin } from '../support/query-origin.ts'

const PLAYLIST = '/media/ts-byterange/180p/index.m3u8'
const ALLOWED = 'https://blog.example'
const RANGED = '/media/ts-byterange/180p/index.ts'
/** Each odd header, what the host answers it, before it knows the file. */
const ODD: Array<[string, number, string]> = [
  ['bytes=5-1', 400, 'malformed_range'],
  ['bytes=0-1,2-3', 400, 'multiple_ranges'],
  [`bytes=${'0-1,'.repeat(500)}0-1`, 400, 'multiple_ranges'],
  ['items=0-1', 400, 'unsupported_unit'],
  ['bytes=abc', 400, 'malformed_range'],
  ['bytes=0-18446744073709551616', 400, 'malformed_range'],
  ['bytes=-0', 416, 'unsatisfiable'],
]

describe('odd Range headers', () => {
  let origin: QueryOrigin
  let host: TestHost

  before(async () => {
    const form = await hlsForm('ts-byterange')
    origin = await startQueryOrigin(form.mediaDir)
    host = await startTestHost({ mediaDir: form.mediaDir, origin: origin.url, price: 10, allowOrigins: [ALLOWED] })
    assert.equal((await fetch(host.url + PLAYLIST)).status, 200)
  })
  after(async () => {
    await host.dispose()
    await origin.close()
  })

  test('are refused before the media book or the origin is asked anything, whatever the path and token', async () => {
    const asked = origin.requests.length
    for (const [range, status, code] of ODD) {
      for (const path of [RANGED, '/media/ts-byterange/180p/not-listed.ts']) {
        for (const token of [undefined, 'x'.repeat(43)]) {
          const res = await fetch(host.url + path, { headers: { Range: range, ...(token ? { 'X-Channel-Token': token } : {}) } })
          const body = (await res.json()) as { error: string }
          assert.deepEqual([res.status, body.error], [status, code], `${range.slice(0, 40)} on ${path}`)
        }
      }
    }
    assert.deepEqual(origin.requests.slice(asked), [], 'the origin was asked nothing: no playlist read again, no file measured')
    // A good range on the same file still goes the whole way: the origin is asked the file's size, and it is unpaid.
    const good = await fetch(host.url + RANGED, { headers: { Range: 'bytes=0-187' } })
    assert.equal(good.status, 402)
    assert.ok(origin.requests.length > asked)
  })

  test('answered before Express or through it, the refusal is the same: status, body and security headers', async () => {
    const shown = (res: Response) => ['content-type', 'cache-control', 'content-security-policy', 'x-frame-options', 'x-content-type-options', 'content-range'].map((name) => res.headers.get(name))
    for (const [range] of ODD) {
      const early = await fetch(host.url + RANGED, { headers: { Range: range } })
      const throughExpress = await fetch(host.url + RANGED, { headers: { Range: range, Origin: ALLOWED } })
      assert.equal(throughExpress.headers.get('access-control-allow-origin'), ALLOWED, 'the allowed origin went through the origin guard')
      assert.equal(early.headers.get('access-control-allow-origin'), null)
      assert.deepEqual([early.status, shown(early), await early.json()], [throughExpress.status, shown(throughExpress), await throughExpress.json()], range.slice(0, 40))
      const head = await fetch(host.url + RANGED, { method: 'HEAD', headers: { Range: range } })
      assert.deepEqual([head.status, await head.text()], [early.status, ''])
    }
    // A foreign origin is the origin guard's to refuse, and a playlist's Range is no media request's.
    const foreign = await fetch(host.url + RANGED, { headers: { Range: 'bytes=5-1', Origin: 'https://attacker.example' } })
    assert.deepEqual([foreign.status, ((await foreign.json()) as { error: string }).error], [403, 'origin_not_allowed'])
    assert.equal((await fetch(host.url + PLAYLIST, { headers: { Range: 'bytes=5-1' } })).status, 200)
  })
})
