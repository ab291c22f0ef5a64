// Every HLS form in a real Chromium through one real host: MPEG-TS and fMP4 in files and in byte ranges, packed
// audio, video with a separate audio group, ffmpeg's own live sliding window (written in real time while it plays),
// and synthetic LL-HLS published part by part. Each plays at least 8 s, and the host's books show paid = price ×
// media seconds the player received, within one segment. One browser and one host serve every form, as folders of
// one media dir, some with their own price (stream.json).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { buildClient } from '../../scripts/build-client.ts'
import { runLiveStream } from '../../server/media/live-stream.ts'
import { launchBrowser } from '../support/browser.ts'
import { hlsForm, TINY_RUNG, type FormName } from '../support/hls-forms.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { channelRow, openPlayer as openPage, playFor, playerState as state, stopAndSettle } from '../support/player-page.ts'

const PRICE = 10
/** Every form cuts 2 s segments: "within one segment" is this much media time. */
const SEGMENT_SECONDS = 2.1
const PLAYED_SECONDS = 8

interface Form {
  name: FormName | 'live'
  /** Its own price, from a stream.json in its folder. */
  price?: number
  /** VOD plays at 4x; live streams play in real time. */
  live?: 'window' | 'parts'
}

const FORMS: Form[] = [
  { name: 'ts-files' },
  { name: 'ts-byterange', price: 7 },
  { name: 'fmp4-files' },
  { name: 'fmp4-byterange' },
  { name: 'audio-only', price: 3 },
  { name: 'audio-group' },
  { name: 'live', live: 'window' },
  { name: 'll-hls', live: 'parts' },
  { name: 'll-hls-part-files', live: 'parts' },
]

let host: TestHost
let browser: Browser
let mediaDir: string
const stopLive = new AbortController()
let liveStream: Promise<unknown> = Promise.resolve()

before(async () => {
  const made = await Promise.all(FORMS.flatMap((form) => (form.name === 'live' ? [] : [hlsForm(form.name)])))
  mediaDir = made[0].mediaDir
  for (const form of FORMS) if (form.price) writeFileSync(join(mediaDir, form.name, 'stream.json'), JSON.stringify({ pricePerSecond: form.price }))
  // ffmpeg's live window, paced at real time, is written while the VOD forms play: it has a window by its turn.
  liveStream = runLiveStream({ outRoot: mediaDir, rungs: [TINY_RUNG], signal: stopLive.signal }).catch(() => undefined)
  await buildClient()
  host = await startTestHost({ mediaDir, price: PRICE })
  browser = await launchBrowser()
})

after(async () => {
  stopLive.abort()
  await liveStream
  await browser?.close()
  await host?.dispose()
})

function openPlayer(stream: string, rate: number, url = host.url, prepare?: Parameters<typeof openPage>[4]) {
  return openPage(browser, url, stream, rate, prepare)
}

/** Rewrites an LL-HLS playlist as the live event stood `startAt` seconds in, and on at real time, until it ends. */
function publishLive(publish: (at?: number) => void, startAt: number): () => void {
  const started = Date.now()
  publish(startAt)
  const timer = setInterval(() => publish(startAt + (Date.now() - started) / 1000), 100)
  return () => clearInterval(timer)
}

async function liveWindowReady(): Promise<void> {
  const playlist = join(mediaDir, 'live', TINY_RUNG.name, 'index.m3u8')
  for (let tries = 0; tries < 200; tries++) {
    const segments = (() => {
      try {
        return (readFileSync(playlist, 'utf8').match(/#EXTINF/g) ?? []).length
      } catch {
        return 0
      }
    })()
    if (segments >= 4) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error('ffmpeg wrote no live window')
}

describe('every HLS form plays in Chromium and is paid for exactly', { timeout: 600_000 }, () => {
  for (const form of FORMS) {
    test(`${form.name}: plays ${PLAYED_SECONDS} s; the host was paid its price for the media seconds received, within one segment`, async (t) => {
      const price = form.price ?? PRICE
      let stopPublishing = () => {}
      if (form.live === 'window') await liveWindowReady()
      if (form.live === 'parts') {
        const low = (await hlsForm(form.name as FormName)).lowLatency!
        stopPublishing = publishLive(low.publish, 2.5)
      }
      const page = await openPlayer(`/media/${form.name}/master.m3u8`, form.live ? 1 : 4)
      try {
        // The price of the chosen stream is on the page before any money moves, and beside each stream in the picker.
        assert.equal(await page.getByTestId('price').textContent(), `${price} sat/s`)
        const choice = await page.getByTestId('stream-select').locator('option:checked').textContent()
        assert.equal(choice?.endsWith(`· ${price} sat/s`), true, `the picker shows "${choice}"`)
        await playFor(page, PLAYED_SECONDS, form.live ? 60_000 : 30_000)
        const { played, row } = await stopAndSettle(page, host)
        assert.deepEqual(played.errors, [])
        t.diagnostic(`${form.name}: paid ${row.paid} sat for ${row.seconds.toFixed(3)} s in ${row.segments} payments at ${price} sat/s; received ${played.receivedSeconds.toFixed(3)} s`)
        assert.equal(row.state, 'closed')
        assert.ok(played.receivedSeconds >= PLAYED_SECONDS, `received ${played.receivedSeconds} s`)
        const owed = price * played.receivedSeconds
        // Each payment is rounded to a whole satoshi on its own.
        const slack = price * SEGMENT_SECONDS + row.segments / 2
        assert.ok(Math.abs(row.paid - owed) <= slack, `paid ${row.paid} sat for ${played.receivedSeconds} s received at ${price} sat/s (${owed} sat owed)`)
        assert.ok(Math.abs(row.paid - price * row.seconds) <= row.segments / 2, 'each payment bought its own media seconds at the stream\'s price')
      } finally {
        stopPublishing()
        await page.context().close()
      }
    })
  }

  test('the channel opens as the playlist is read, while the preview still loads; the first payment is for the media after it', async () => {
    const preview = await startTestHost({ mediaDir, price: PRICE, previewSeconds: 4 })
    // Every segment waits until the channel is open: it must open from the playlist alone, not from a paid segment.
    // And the host's terms (its socket's messages) wait until a media playlist was read, as on a slow link, where
    // the playlists come before the socket is up: the playlist is priced once the terms arrive.
    let release = () => {}
    const released = new Promise<void>((resolve) => (release = resolve))
    let playlistRead = () => {}
    const mediaPlaylist = new Promise<void>((resolve) => (playlistRead = resolve))
    const page = await openPlayer('/media/ts-files/master.m3u8', 1, preview.url, async (context) => {
      context.on('requestfinished', (request) => {
        if (/\.m3u8$/.test(new URL(request.url()).pathname) && !request.url().includes('master')) setTimeout(playlistRead, 200)
      })
      await context.routeWebSocket(/\/socket\.io\//, (socket) => {
        const server = socket.connectToServer()
        server.onMessage(async (message) => {
          await mediaPlaylist
          socket.send(message)
        })
      })
      await context.route(/\.ts(\?|$)/, async (route) => {
        await released
        await route.continue()
      })
    })
    try {
      await page.waitForFunction(() => window.p2p?.state().phase === 'open', undefined, { timeout: 30_000 })
      assert.equal((await state(page)).receivedSeconds, 0, 'open before any media arrived')
      release()
      await playFor(page, 3, 30_000)
      const during = await state(page)
      await page.waitForFunction(() => window.p2p?.state().channelId !== null, undefined, { timeout: 30_000 })
      await playFor(page, 2, 30_000)
      const later = await state(page)
      assert.ok(during.currentTime >= 3)
      const row = await channelRow(preview, later.channelId!)
      assert.ok(row.segments >= 1)
      assert.ok(row.seconds <= later.receivedSeconds - 4 + SEGMENT_SECONDS, `paid for ${row.seconds} s of ${later.receivedSeconds} s received: the preview's 4 s were free`)
    } finally {
      await page.context().close()
      await preview.dispose()
    }
  })
})
