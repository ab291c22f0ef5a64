// The player in a real Chromium against a real host (express, Socket.IO, devnet ledger, SQLite on disk, ffmpeg-made
// sample stream): it plays through the paywall, pays what the host's books say, warns, stops at the cap, continues
// after raising it, resumes after a reload, and settles on the devnet.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { usePlayerHost } from '../support/player-host.ts'
import { fastForward, openPlayer as openViewerPlayer, playedAtLeast, SINGLE_RENDITION, type PlayerOptions } from '../support/viewer-pages.ts'

const PRICE = 10

interface ChannelRow {
  id: string
  state: string
  capacity: number
  paid: number
  tips: number
  segments: number
  seconds: number
  closeTxid: string | null
}

interface PlayerState {
  phase: string
  channelId: string | null
  cap: number
  spent: number
  paid: number
  segments: number
  currentTime: number
  paused: boolean
  capDialogOpen: boolean
  firedAlerts: number[]
  errors: Array<{ kind: string; message: string }>
  lastSummary: { closeTxid: string | null; paid: number; segments: number } | null
}

const env = usePlayerHost({ price: PRICE })

async function channels(): Promise<ChannelRow[]> {
  const res = await fetch(`${env.host.url}/api/channels`, { headers: { Authorization: `Bearer ${env.host.adminToken}` } })
  assert.equal(res.status, 200)
  return ((await res.json()) as { channels: ChannelRow[] }).channels
}

async function channel(id: string): Promise<ChannelRow> {
  const row = (await channels()).find((c) => c.id === id)
  assert.ok(row, `the host lists channel ${id}`)
  return row
}

async function state(page: Page): Promise<PlayerState> {
  return (await page.evaluate(() => window.p2p!.state())) as unknown as PlayerState
}

/** A fresh browser profile (own wallet, own localStorage) on the player page, at 4x speed. */
const openPlayer = (options: PlayerOptions = {}): Promise<Page> => openViewerPlayer(env.browser, env.host, options)

/** A fresh profile that watched 6 s of one rendition and paused: its state, and the host's row of its channel. */
async function watchedAndPaused(): Promise<{ page: Page; before: PlayerState; booked: ChannelRow }> {
  const page = await openPlayer({ stream: SINGLE_RENDITION })
  await playedAtLeast(page, 6)
  await page.evaluate(() => document.querySelector('video')!.pause())
  const before = await state(page)
  return { page, before, booked: await channel(before.channelId!) }
}

describe('the player', { timeout: 240_000 }, () => {
  test('plays 10 s through the paywall, pays exactly what the host counted, and settles on the devnet', async () => {
    // The ledger is slow to take the funding: the first segment is asked for while "fund" waits for its answer.
    const frames: string[] = []
    const page = await openPlayer({ socketLog: frames, slowFundAnswerMs: 2_000 })
    await playedAtLeast(page, 10)
    const playing = await state(page)
    assert.ok(playing.channelId, 'a channel was opened')
    assert.equal(playing.phase, 'open')
    assert.deepEqual(playing.errors, [])

    // The first update went right behind "fund", before the host answered it: one round trip less to the first frame.
    const fundAsk = frames.findIndex((frame) => /^out:42\d+\["fund"/.test(frame))
    const fundId = /^out:42(\d+)/.exec(frames[fundAsk] ?? '')?.[1]
    const fundAnswer = frames.findIndex((frame) => frame.startsWith(`in:43${fundId}[`))
    const firstUpdate = frames.findIndex((frame) => /^out:42\d+\["update"/.test(frame))
    assert.ok(fundAsk >= 0 && fundAnswer > fundAsk && firstUpdate > fundAsk, frames.map((frame) => frame.slice(0, 24)).join(' '))
    assert.ok(firstUpdate < fundAnswer, 'the first update was sent before the answer to "fund"')

    // Stop and settle: the host's books then hold still, and the summary shows the close tx.
    await page.getByTestId('stop-button').click()
    await page.getByTestId('summary-close-txid').waitFor({ timeout: 30_000 })
    const closeTxid = await page.getByTestId('summary-close-txid').getAttribute('data-txid')
    assert.match(closeTxid ?? '', /^[0-9a-f]{64}$/)

    const row = await channel(playing.channelId)
    assert.equal(row.state, 'closed')
    assert.equal(row.closeTxid, closeTxid)
    assert.ok(row.seconds >= 10, `the host served at least the 10 s watched (served ${row.seconds} s)`)
    // Every sample segment is exactly 2.000 s, so each costs exactly 20 sat: paid is price x seconds to the satoshi.
    assert.equal(row.paid - row.tips, PRICE * row.seconds)
    const final = await state(page)
    assert.equal(final.lastSummary?.paid, row.paid)
    assert.equal(final.lastSummary?.segments, row.segments)

    // The close transaction is on the devnet ledger.
    const tx = await fetch(`${env.host.url}/devnet/woc/v1/bsv/devnet/tx/${closeTxid}/hex`)
    assert.equal(tx.status, 200)
    assert.match(await tx.text(), /^(?:[0-9a-f]{2})+$/)
    await page.context().close()
  })

  test('a first update the host refuses does not stall the player: the segment is bought again and plays, paid exactly', async () => {
    // The first segment's request goes beside that update and is held for it; the refusal ends the hold, and the
    // loader must tell hls.js, which asks again.
    const frames: string[] = []
    const page = await openPlayer({ stream: SINGLE_RENDITION, socketLog: frames, spoilFirstUpdate: true })
    await playedAtLeast(page, 6, 60_000)
    const firstUpdate = /^out:42(\d+)\["update"/.exec(frames.find((frame) => /^out:42\d+\["update"/.test(frame)) ?? '')?.[1]
    const answer = frames.find((frame) => frame.startsWith(`in:43${firstUpdate}[`))
    assert.match(answer ?? '', /"ok":false/, `the spoiled update was refused: ${answer}`)
    const { channelId } = await state(page)

    await page.getByTestId('stop-button').click()
    await page.getByTestId('summary-close-txid').waitFor({ timeout: 30_000 })
    const row = await channel(channelId!)
    assert.equal(row.state, 'closed')
    assert.ok(row.seconds >= 6, `the host served the 6 s played (served ${row.seconds} s)`)
    assert.equal(row.paid, PRICE * row.seconds, 'each segment paid once, the refused update not at all')
    await page.context().close()
  })

  test('warns at 80%, stops at the cap without paying past it, and plays on after the cap is raised', async () => {
    const cap = 200 // 20 s of the sample at 10 sat/s
    const page = await openPlayer({ cap, stream: SINGLE_RENDITION })
    await page.getByTestId('alert-80').waitFor({ timeout: 90_000 })
    assert.equal(await page.getByTestId('alert-80').getAttribute('data-level'), 'warning')

    await page.getByTestId('cap-dialog').waitFor({ state: 'visible', timeout: 90_000 })
    const atCap = await state(page)
    assert.ok(atCap.paused, 'playback paused at the cap')
    const first = await channel(atCap.channelId!)
    assert.equal(first.paid, cap, 'the host got exactly the cap')
    // Still nothing past the cap once hls.js has asked for the next segment and been held back.
    await page.waitForFunction(() => (document.querySelector('video')?.buffered.length ?? 0) > 0)
    assert.equal((await channel(atCap.channelId!)).paid, cap)

    // Raise beyond what this channel can carry: it is settled and a new one continues the same viewing.
    const timeAtCap = atCap.currentTime
    await page.getByTestId('cap-dialog-input').fill('1500')
    await page.getByTestId('cap-dialog-raise').click()
    await page.getByTestId('cap-dialog').waitFor({ state: 'hidden', timeout: 30_000 })
    await playedAtLeast(page, timeAtCap + 6)
    const raised = await state(page)
    assert.notEqual(raised.channelId, atCap.channelId, 'a new channel carries the raised cap')
    assert.equal(raised.cap, 1500)
    const old = await channel(atCap.channelId!)
    assert.equal(old.state, 'closed')
    assert.equal(old.paid, cap)
    assert.match(old.closeTxid ?? '', /^[0-9a-f]{64}$/)
    const next = await channel(raised.channelId!)
    assert.ok(next.paid > 0, 'the new channel is paying')
    assert.ok(old.paid + next.paid <= 1500)
    // A payment the host has acknowledged may still be on its way to the player: once playback stops buying, the
    // player's count and the host's books agree.
    await page.evaluate(() => document.querySelector('video')!.pause())
    let books = { spent: -1, host: 0 }
    for (let tries = 0; tries < 50 && books.spent !== books.host; tries++) {
      if (tries > 0) await page.waitForTimeout(200)
      books = { spent: (await state(page)).spent, host: old.paid + (await channel(raised.channelId!)).paid }
    }
    assert.equal(books.spent, books.host)
    await page.context().close()
  })

  test('a reload resumes the same channel and does not pay again for segments already paid', async () => {
    const { page, before, booked } = await watchedAndPaused()
    // Everything played is paid for (and at most the next segment and the purchase time beyond it).
    assert.ok(booked.seconds >= 6, `paid through ${booked.seconds} s`)

    await page.evaluate(() => location.reload())
    await fastForward(page)
    await page.waitForFunction(() => window.p2p?.state().phase === 'open')
    await playedAtLeast(page, 3)
    const resumed = await state(page)
    assert.equal(resumed.channelId, before.channelId, 'the same channel after the reload')
    const after = await channel(before.channelId!)
    assert.equal(after.state, 'open')
    // Watching 0..3 s again costs nothing: those segments were paid before the reload. At 4x speed the player may
    // already be buying the next segment beyond them; each such charge is for a segment the channel never paid for
    // (the host counts distinct segments and refuses to be paid twice for one).
    const newSegments = after.segments - booked.segments
    assert.ok(newSegments >= 0 && newSegments <= 2, `${newSegments} new segments right after the reload`)
    assert.equal(after.paid - booked.paid, newSegments * PRICE * 2 /* 2 s segments */, 'only segments not paid before the reload are charged')
    assert.deepEqual(resumed.errors.filter((e) => e.kind === 'update_rejected'), [])
    await page.context().close()
  })

  test('another page of the same host keeps the channel open: the returning viewer opens no channel and pays nothing twice', async () => {
    const { page, before, booked } = await watchedAndPaused()
    const channelsBefore = (await channels()).length

    // A link to another page of the host (the viewer's preferences say: settle when leaving the host, the default).
    await Promise.all([page.waitForNavigation(), page.evaluate(() => location.assign(`${location.pathname}${location.search}&episode=2`))])
    await fastForward(page)
    await page.waitForFunction(() => window.p2p?.state().phase === 'open')
    await playedAtLeast(page, 3)
    const returned = await state(page)
    assert.equal(returned.channelId, before.channelId, 'the same channel on the next page')
    assert.equal((await channels()).length, channelsBefore, 'no new channel was opened')
    const after = await channel(before.channelId!)
    assert.equal(after.state, 'open')
    const newSegments = after.segments - booked.segments
    assert.ok(newSegments >= 0 && newSegments <= 2, `${newSegments} new segments right after coming back`)
    assert.equal(after.paid - booked.paid, newSegments * PRICE * 2 /* 2 s segments */, 'only segments not paid before are charged')
    assert.equal(returned.spent, after.paid, "the viewer's count and the host's books agree")
    assert.deepEqual(returned.errors, [])
    await page.context().close()
  })

  test('Stop pressed before the first segment, while a reloaded page is still resuming its channel, settles it and shows the summary', async () => {
    const page = await openPlayer({ stream: SINGLE_RENDITION })
    await page.waitForFunction(() => ((window.p2p?.state().segments as number | undefined) ?? 0) > 0, undefined, { timeout: 60_000 })
    const channelId = (await state(page)).channelId!

    // Hold the reloaded page's "resume" on its way to the host, so Stop comes before the player has its stream.
    let sawResume!: () => void
    const resumeSeen = new Promise<void>((resolve) => (sawResume = resolve))
    let releaseResume!: () => void
    const resumeReleased = new Promise<void>((resolve) => (releaseResume = resolve))
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer()
      ws.onMessage((message) => {
        if (typeof message === 'string' && message.includes('"resume"')) {
          sawResume()
          void resumeReleased.then(() => server.send(message))
        } else server.send(message)
      })
      server.onMessage((message) => ws.send(message))
    })
    await page.evaluate(() => location.reload())
    await resumeSeen
    await page.getByTestId('stop-button').click()
    releaseResume()

    await page.getByTestId('summary-close-txid').waitFor({ timeout: 30_000 })
    const row = await channel(channelId)
    assert.equal(row.state, 'closed', 'the host settled the channel')
    assert.equal(await page.getByTestId('summary-close-txid').getAttribute('data-txid'), row.closeTxid)
    const stopped = await state(page)
    assert.equal(stopped.lastSummary?.paid, row.paid)
    assert.deepEqual(stopped.errors, [])
    await page.context().close()
  })
})
