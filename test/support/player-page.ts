// The bundled player in a Chromium page, driven as a viewer would drive it: open a stream at a playback rate, play
// a stretch of media time, read the player's own state (window.p2p) and the host's books for its channel.
import assert from 'node:assert/strict'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { TestHost } from './host.ts'

export interface ChannelRow {
  id: string
  state: string
  paid: number
  tips: number
  segments: number
  seconds: number
}

export interface PlayerState {
  phase: string
  channelId: string | null
  currentTime: number
  receivedSeconds: number
  errors: Array<{ kind: string; message: string }>
}

/** The host's row for a channel, from its admin API. */
export async function channelRow(host: TestHost, id: string): Promise<ChannelRow> {
  const res = await fetch(`${host.url}/api/channels`, { headers: { Authorization: `Bearer ${host.adminToken}` } })
  const row = ((await res.json()) as { channels: ChannelRow[] }).channels.find((candidate) => candidate.id === id)
  assert.ok(row, `the host lists channel ${id}`)
  return row
}

export async function playerState(page: Page): Promise<PlayerState> {
  return (await page.evaluate(() => window.p2p!.state())) as unknown as PlayerState
}

/**
 * A fresh page of the player on `stream`, its video played at `rate` once it has metadata. `prepare` sees the new
 * browser context before the page loads (to route its requests).
 */
export async function openPlayer(browser: Browser, url: string, stream: string, rate: number, prepare?: (context: BrowserContext) => Promise<void>): Promise<Page> {
  const context = await browser.newContext()
  await prepare?.(context)
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error('page error:', error.message))
  await page.goto(`${url}/?stream=${encodeURIComponent(stream)}`)
  await page.waitForFunction(() => window.p2p !== undefined)
  await page.evaluate((playbackRate) => {
    const video = document.querySelector('video')!
    video.defaultPlaybackRate = playbackRate
    video.playbackRate = playbackRate
    video.addEventListener('loadedmetadata', () => (video.playbackRate = playbackRate))
  }, rate)
  return page
}

/** Plays until `seconds` of media time have passed from where playback started (a live stream starts mid-way). */
export async function playFor(page: Page, seconds: number, timeout: number): Promise<void> {
  await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0, undefined, { timeout, polling: 100 })
  const start = (await playerState(page)).currentTime
  try {
    await page.waitForFunction((until) => (document.querySelector('video')?.currentTime ?? 0) >= until, start + seconds, { timeout, polling: 100 })
  } catch (error) {
    // Where it stuck: the playhead, the element's readyState and what it had buffered.
    const video = await page.evaluate(() => {
      const { currentTime, readyState, paused, buffered } = document.querySelector('video')!
      return { currentTime, readyState, paused, buffered: Array.from({ length: buffered.length }, (_, i) => [buffered.start(i), buffered.end(i)]) }
    })
    throw new Error(`the video did not play ${seconds} s from ${start}: ${JSON.stringify(video)}`, { cause: error })
  }
}

/** Stops the player, waits for the settlement, and returns the player's state and the host's row for the channel. */
export async function stopAndSettle(page: Page, host: TestHost): Promise<{ played: PlayerState; row: ChannelRow }> {
  const { channelId } = await playerState(page)
  await page.getByTestId('stop-button').click()
  await page.getByTestId('summary-close-txid').waitFor({ timeout: 30_000 })
  const played = await playerState(page)
  return { played, row: await channelRow(host, channelId!) }
}
