// Real packagers' forms in a real Chromium through a real host: AWS Kinesis Video fragments told apart only by their
// query (from an HTTP origin that answers by query), and an ad looped and spliced in again (from the media folder).
// hls.js asks for each entry as its playlist lists it, the player keys and pays it as the host does, and the host's
// books show the price of the media seconds received, within one segment: a repeated ad is paid once.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { buildClient } from '../../scripts/build-client.ts'
import { launchBrowser } from '../support/browser.ts'
import { hlsForm } from '../support/hls-forms.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { openPlayer, playFor, stopAndSettle } from '../support/player-page.ts'
import { startQueryOrigin, type QueryOrigin } from '../support/query-origin.ts'

const PRICE = 10
const SEGMENT_SECONDS = 2.1
const fixture = (name: string) => readFileSync(new URL(`../fixtures/playlists/${name}`, import.meta.url), 'utf8')

describe('real packagers\' forms play in Chromium and are paid for by media time', { timeout: 300_000 }, () => {
  let origin: QueryOrigin
  let folderHost: TestHost
  let originHost: TestHost
  let browser: Browser
  let fragments: string[]

  before(async () => {
    const form = await hlsForm('fmp4-files')
    writeFileSync(join(form.folder, '180p', 'ad-loop.m3u8'), fixture('ad-loop.m3u8'))
    mkdirSync(join(form.mediaDir, 'kvs'), { recursive: true })
    writeFileSync(join(form.mediaDir, 'kvs', 'getHLSMediaPlaylist.m3u8'), fixture('kvs-media.m3u8'))
    fragments = fixture('kvs-media.m3u8').split('\n').filter((line) => line.startsWith('getMP4MediaFragment')).map((uri) => `/kvs/${uri}`)
    const routes = new Map(fragments.map((url, index) => [url, `/fmp4-files/180p/seg_0000${index}.m4s`]))
    routes.set('/kvs/getMP4InitFragment.mp4?SessionToken=CiBkZW1vLXNlc3Npb24tdG9rZW4~&TrackNumber=1&SequenceNumber=0', '/fmp4-files/180p/init.mp4')
    origin = await startQueryOrigin(form.mediaDir, routes)
    await buildClient()
    folderHost = await startTestHost({ mediaDir: form.mediaDir, price: PRICE })
    originHost = await startTestHost({ mediaDir: form.mediaDir, price: PRICE, origin: origin.url })
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await Promise.all([folderHost?.dispose(), originHost?.dispose()])
    await origin?.close()
  })

  test('Kinesis Video: every fragment is bought by its own query, fetched with exactly that query, and paid for by its media time', async (t) => {
    const page = await openPlayer(browser, originHost.url, '/media/kvs/getHLSMediaPlaylist.m3u8', 4)
    try {
      await playFor(page, 5, 30_000)
      const { played, row } = await stopAndSettle(page, originHost)
      assert.deepEqual(played.errors, [])
      assert.ok(played.receivedSeconds >= 5, `received ${played.receivedSeconds} s`)
      assert.ok(Math.abs(row.paid - PRICE * played.receivedSeconds) <= PRICE * SEGMENT_SECONDS, `paid ${row.paid} sat for ${played.receivedSeconds} s`)
      const asked = origin.requests.filter((request) => request.includes('getMP4MediaFragment'))
      t.diagnostic(`paid ${row.paid} sat in ${row.segments} payments for ${played.receivedSeconds.toFixed(3)} s received; the origin was asked ${asked.length} fragments`)
      assert.ok(asked.length >= 3, asked.join('\n'))
      for (const request of asked) assert.ok(fragments.includes(request.replace(/^GET /, '')), `the origin was asked ${request}: not a listed query`)
    } finally {
      await page.context().close()
    }
  })

  test('an ad looped and spliced in again plays at every listing and is paid for once', async (t) => {
    const page = await openPlayer(browser, folderHost.url, '/media/fmp4-files/180p/ad-loop.m3u8', 4)
    let adFetches = 0
    page.on('requestfinished', (request) => (adFetches += request.url().endsWith('/seg_00005.m4s') ? 1 : 0))
    try {
      await playFor(page, 9, 30_000)
      const { played, row } = await stopAndSettle(page, folderHost)
      assert.deepEqual(played.errors, [])
      t.diagnostic(`the ad fetched ${adFetches} times; paid ${row.paid} sat in ${row.segments} payments for ${played.receivedSeconds.toFixed(3)} s of different media received`)
      assert.ok(adFetches >= 2, `the ad was fetched ${adFetches} times`)
      // Four different segments at most (three of content and the ad, at 1.9 s), whatever the listings played.
      assert.ok(row.segments <= 4 && row.paid <= 79, `${row.segments} payments, ${row.paid} sat`)
      assert.ok(played.receivedSeconds <= 7.9 + 0.001, `received ${played.receivedSeconds} s of different media`)
      assert.ok(Math.abs(row.paid - PRICE * played.receivedSeconds) <= PRICE * SEGMENT_SECONDS, `paid ${row.paid} sat for ${played.receivedSeconds} s`)
    } finally {
      await page.context().close()
    }
  })
})
