// The viewer's limits and receipts in a real Chromium against a real host, with the page's clock in the test's hands
// (Playwright's clock, in a fixed time zone): a daily limit for the host holds across two viewings, stops buying and
// asks; the host's books agree that nothing was signed past it; after local midnight the day starts afresh while the
// month keeps counting. The new controls are reached with the keyboard, and the receipts' CSV and JSON downloads
// read back to the history, their explorer links answering on the devnet.
import { readFile } from 'node:fs/promises'
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { describeFindings, seriousViolations } from '../support/axe.ts'
import { parseCsv } from '../support/csv.ts'
import { usePlayerHost } from '../support/player-host.ts'
import { fastForward, focused, pressUntil, SINGLE_RENDITION } from '../support/viewer-pages.ts'

const PRICE = 10
/** 2 s segments at 10 sat/s: 20 sat each. The limit is fifteen of them, more than the first viewing buys. */
const DAILY_LIMIT = 300
const MONTHLY_LIMIT = 1_000
const ZONE = 'Europe/Berlin'
/** 23:40 on 7 December in Berlin (22:40 UTC): the first viewings happen late in the day. */
const LATE_EVENING = new Date('2026-12-07T22:40:00Z')
/** 00:05 on 8 December in Berlin. */
const AFTER_MIDNIGHT = new Date('2026-12-07T23:05:00Z')

const env = usePlayerHost({ price: PRICE })

interface Limit {
  kind: string
  period: string
  spent: number
  limit: number | null
}

interface Row {
  id: string
  paid: number
}

async function hostPaid(ids: readonly string[]): Promise<number> {
  const res = await fetch(`${env.host.url}/api/channels`, { headers: { Authorization: `Bearer ${env.host.adminToken}` } })
  const rows = ((await res.json()) as { channels: Row[] }).channels
  return rows.filter((row) => ids.includes(row.id)).reduce((sum, row) => sum + row.paid, 0)
}

async function channelCount(): Promise<number> {
  const res = await fetch(`${env.host.url}/api/channels`, { headers: { Authorization: `Bearer ${env.host.adminToken}` } })
  return ((await res.json()) as { channels: Row[] }).channels.length
}

const state = (page: Page) => page.evaluate(() => window.p2p!.state()) as Promise<Record<string, unknown> & { limits: Limit[]; channelId: string | null; phase: string; paid: number }>
const hostLimit = async (page: Page) => (await state(page)).limits.find((l) => l.kind === 'host')!
const monthLimit = async (page: Page) => (await state(page)).limits.find((l) => l.kind === 'month')!

async function openAt(time: Date): Promise<Page> {
  const context = await env.browser.newContext({ timezoneId: ZONE, acceptDownloads: true, viewport: { width: 1280, height: 900 } })
  await context.clock.install({ time })
  await context.addInitScript(
    ({ daily, monthly }) => {
      const levels = [{ fraction: 0.5, level: 'info' }, { fraction: 0.8, level: 'warning' }, { fraction: 0.95, level: 'critical' }]
      if (!localStorage.getItem('p2p.preferences')) {
        localStorage.setItem('p2p.preferences', JSON.stringify({ cap: 1_200, thresholds: levels, settleOnLeave: true, budget: { host: { sats: daily, period: 'day', thresholds: levels }, month: { sats: monthly, thresholds: levels } } }))
      }
    },
    { daily: DAILY_LIMIT, monthly: MONTHLY_LIMIT },
  )
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error('page error:', error.message))
  await page.goto(`${env.host.url}/?stream=${encodeURIComponent(SINGLE_RENDITION)}`)
  await fastForward(page)
  return page
}

/** Stops with `button` and waits for the channel's settlement on chain; returns the channel's id. */
async function stop(page: Page, button = 'stop-button'): Promise<string> {
  const { channelId } = await state(page)
  await page.getByTestId(button).click()
  await page.waitForFunction((id) => (window.p2p!.state().lastSummary as { channelId: string } | null)?.channelId === id, channelId, { timeout: 30_000 })
  const { lastSummary, errors } = (await state(page)) as unknown as { lastSummary: { closeTxid: string | null }; errors: unknown[] }
  assert.ok(lastSummary.closeTxid, `settled on chain; errors: ${JSON.stringify(errors)}`)
  return channelId!
}

async function playAgain(page: Page, after: string | null): Promise<void> {
  await page.evaluate(() => void document.querySelector('video')!.play())
  await page.waitForFunction((old) => window.p2p!.state().phase === 'open' && window.p2p!.state().channelId !== old, after, { timeout: 90_000 })
}

describe('budgets and receipts', { timeout: 300_000 }, () => {
  test('a daily host limit across two viewings and local midnight, with a clock the test controls; receipts download and read back', async () => {
    const page = await openAt(LATE_EVENING)

    // First viewing: two segments, then stop.
    await page.waitForFunction(() => (window.p2p!.state().paid as number) >= 40, undefined, { timeout: 90_000 })
    const first = await stop(page)
    const afterFirst = await hostLimit(page)
    assert.equal(afterFirst.spent, await hostPaid([first]), "the host limit counts what the host's books say was paid")

    // Second viewing, same evening: it buys up to the limit, warns on the way, then stops buying and asks.
    await playAgain(page, first)
    const second = (await state(page)).channelId!
    await page.getByRole('dialog', { name: 'Daily limit for this host reached' }).waitFor({ timeout: 90_000 })
    await page.locator('[data-testid="alerts-urgent"] [data-testid="alert-host-95"]').waitFor()
    assert.equal(await page.evaluate(() => document.querySelector('video')!.paused), true, 'playback paused at the limit')
    const atLimit = await hostLimit(page)
    assert.equal(atLimit.spent, DAILY_LIMIT, 'bought right up to the limit: 20 sat segments fit it exactly')
    assert.ok(await hostPaid([first]) < DAILY_LIMIT && (await hostPaid([second])) > 0, 'both viewings paid a share')
    // Nothing more is signed while the dialog waits: the host's books for both viewings stay at the limit.
    await page.waitForTimeout(1_500)
    assert.equal(await hostPaid([first, second]), DAILY_LIMIT, 'the host holds exactly the limit over both viewings, not a satoshi more')
    assert.match((await page.getByTestId('cap-dialog-text').textContent()) ?? '', /300 sat of 300 sat spent.*starts afresh/)
    const findings = await seriousViolations(page)
    assert.equal(findings.length, 0, `axe, at the limit: ${describeFindings(findings)}`)
    await stop(page, 'cap-dialog-stop')
    assert.equal(await hostPaid([first, second]), DAILY_LIMIT)

    // Playing again the same evening: the limit asks before any channel opens (one could buy nothing).
    const opened = await channelCount()
    await page.evaluate(() => void document.querySelector('video')!.play())
    await page.getByRole('dialog', { name: 'Daily limit for this host reached' }).waitFor({ timeout: 30_000 })
    assert.equal((await state(page)).channelId, null)
    await page.getByTestId('cap-dialog-stop').click()
    await page.getByTestId('cap-dialog').waitFor({ state: 'hidden' })
    assert.equal(await channelCount(), opened, 'no channel was opened at the limit')

    // Past local midnight: the day starts afresh, the month still counts yesterday.
    await page.clock.setSystemTime(AFTER_MIDNIGHT)
    assert.equal((await hostLimit(page)).spent, 0, 'a new local day')
    assert.equal((await monthLimit(page)).spent, DAILY_LIMIT, 'the month carries on')
    await playAgain(page, second)
    await page.waitForFunction(() => (window.p2p!.state().paid as number) >= 20, undefined, { timeout: 90_000 })
    const third = await stop(page)
    const today = await hostLimit(page)
    assert.equal(today.spent, await hostPaid([third]))
    assert.equal((await monthLimit(page)).spent, DAILY_LIMIT + today.spent)
    assert.equal(await page.getByTestId('budget-status').textContent(), `This host today: ${today.spent} sat of 300 sat · All hosts this month: ${DAILY_LIMIT + today.spent} sat of 1,000 sat`)

    // The receipts, downloaded from the keyboard, read back to the history.
    await page.getByTestId('prefs-cap').focus()
    const stops = await pressUntil(page, 'Tab', 'receipts-json')
    for (const control of ['prefs-host-limit', 'prefs-host-period', 'prefs-host-alerts', 'prefs-month-limit', 'prefs-month-alerts', 'prefs-notify', 'prefs-this-host', 'prefs-save', 'receipts-csv', 'receipts-json']) {
      assert.ok(stops.includes(control), `Tab reaches ${control}; it went ${stops.join(' → ')}`)
    }
    assert.ok(stops.indexOf('prefs-host-limit') < stops.indexOf('prefs-month-limit') && stops.indexOf('prefs-save') < stops.indexOf('receipts-csv'), 'in page order')
    await page.keyboard.press('Shift+Tab')
    assert.equal(await focused(page), 'receipts-csv')
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')])
    await page.keyboard.press('Tab')
    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')])
    assert.equal(jsonDownload.suggestedFilename(), 'p2p-receipts-2026-12-08.json', 'named by the local date')
    const rows = parseCsv(await readFile((await csvDownload.path())!, 'utf8'))
    const { receipts } = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as { receipts: Array<Record<string, unknown>> }
    const history = (await page.evaluate(() => window.p2p!.history())) as Array<{ summary: { channelId: string; paid: number; closeTxid: string } }>
    assert.deepEqual(receipts.map((r) => r.channelId), [third, second, first], 'newest first, one receipt per viewing')
    assert.deepEqual(receipts.map((r) => r.paid), history.map((h) => h.summary.paid))
    const header = rows[0]
    assert.deepEqual(rows.slice(1).map((row) => row[header.indexOf('channelId')]), [third, second, first])
    for (const [i, receipt] of receipts.entries()) {
      const row = rows[i + 1]
      for (const column of ['host', 'stream', 'fundingTxid', 'closeTxid', 'closeUrl', 'openedAt', 'settledAt']) assert.equal(row[header.indexOf(column)], String(receipt[column]), `${column} agrees in both files`)
      assert.equal(Number(row[header.indexOf('paid')]), receipt.paid)
      assert.equal(receipt.host, new URL(env.host.url).host)
      assert.equal(receipt.stream, SINGLE_RENDITION)
      assert.equal(receipt.closeTxid, history[i].summary.closeTxid)
      assert.equal(typeof receipt.watchedSeconds, 'number', 'the player measured what was watched')
      for (const link of [receipt.fundingUrl, receipt.closeUrl] as string[]) assert.equal((await fetch(link)).status, 200, `${link} answers`)
    }
    // Watched is what the video played (the player's metering); over the viewings it never passes what was bought, as
    // nothing plays unpaid (a viewing may play what the one before bought and had buffered).
    const total = (key: string) => receipts.reduce((sum, r) => sum + (r[key] as number), 0)
    assert.ok(total('watchedSeconds') <= total('boughtSeconds') + 0.5, `watched ${total('watchedSeconds')} s of ${total('boughtSeconds')} s bought`)
    assert.match(receipts[2].settledAt as string, /^2026-12-07T22:4\d:/, 'dated by the page clock, on the evening of the 7th')
    assert.ok((receipts[0].settledAt as string) >= AFTER_MIDNIGHT.toISOString(), 'the third viewing is dated after midnight')
    await page.context().close()
  })

  test('keyboard alone: at a limit its dialog is named, takes the focus, and raising the limit continues', async () => {
    const page = await openAt(LATE_EVENING)
    await page.getByRole('dialog', { name: 'Daily limit for this host reached' }).waitFor({ timeout: 90_000 })
    assert.equal(await focused(page), 'cap-dialog-input')
    await page.keyboard.press('Control+A')
    await page.keyboard.type('300')
    await pressUntil(page, 'Tab', 'cap-dialog-raise')
    await page.keyboard.press('Enter')
    assert.match((await page.getByTestId('cap-dialog-problem').textContent()) ?? '', /must be above what was spent/)
    await pressUntil(page, 'Tab', 'cap-dialog-input')
    await page.keyboard.press('Control+A')
    await page.keyboard.type('400')
    await pressUntil(page, 'Tab', 'cap-dialog-raise')
    await page.keyboard.press('Enter')
    await page.getByTestId('cap-dialog').waitFor({ state: 'hidden', timeout: 30_000 })
    await page.waitForFunction(() => (window.p2p!.state().paid as number) > 300, undefined, { timeout: 90_000 })
    assert.equal((await hostLimit(page)).limit, 400, 'the raised limit is the preference now')
    assert.equal(await page.getByTestId('prefs-host-limit').inputValue(), '400')
    await page.context().close()
  })
})
