// Odd Range headers are refused by a media request's first step, before any lookup: a flood of them costs the host
// neither its media book (the remembered playlists, read again from the origin) nor the origin (a file's size). The
// host sits in front of an HTTP origin that counts every request it gets; ffmpeg's MPEG-TS stream cut into byte
// ranges makes every lookup a real one.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { hlsForm } from '../support/hls-forms.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { startQueryOrigin, type QueryOrigin } from '../support/query-origin.ts'

const PLAYLIST = '/media/ts-byterange/180p/index.m3u8'
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
    host = await startTestHost({ mediaDir: form.mediaDir, origin: origin.url, price: 10 })
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
})
