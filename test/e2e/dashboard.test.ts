// The host dashboard in Chromium, next to real viewers in the real player: payments arrive live, Stop settles the
// viewer's channel on chain and the viewer sees its summary, Start lets a new viewer in.
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { buildClient } from '../../scripts/build-client.ts'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { generateSampleStream } from '../../server/media/sample.ts'
import { launchBrowser } from '../support/browser.ts'
import { startTestHost, tempDir, type TestHost } from '../support/host.ts'

const TIMEOUT = 60_000

interface PlayerState {
  channelId: string | null
  paid: number
  phase: string
  lastSummary: { closeTxid: string | null; reason: string; paid: number; tips: number } | null
}

const playerState = (page: Page) => page.evaluate(() => (window as unknown as { p2p?: { state(): unknown } }).p2p?.state() ?? null) as Promise<PlayerState | null>

async function waitForPlayer(page: Page, until: (state: PlayerState) => boolean): Promise<PlayerState> {
  const deadline = Date.now() + TIMEOUT
  for (;;) {
    const state = await playerState(page)
    if (state && until(state)) return state
    if (Date.now() > deadline) throw new Error(`the player never got there; last state: ${JSON.stringify(state)}`)
    await page.waitForTimeout(200)
  }
}

const sats = (text: string | null) => Number((text ?? '').replace(/[^0-9]/g, ''))

describe('host dashboard in the browser', () => {
  let host: TestHost
  let browser: Browser
  let mediaDir: string
  const contexts: BrowserContext[] = []
  /** What the browser refused under the host's Content-Security-Policy: must stay empty. */
  const violations: string[] = []

  const newPage = async () => {
    const context = await browser.newContext()
    contexts.push(context)
    const page = await context.newPage()
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
    })
    return page
  }

  /** A new page on the dashboard, signed in and live. */
  const signedIn = async () => {
    const page = await newPage()
    await page.goto(`${host.url}/host`)
    await page.getByTestId('login-token').fill(host.adminToken!)
    await page.getByTestId('login-submit').click()
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor()
    return page
  }

  before(async () => {
    mediaDir = tempDir('dashboard-media')
    await Promise.all([buildClient(), generateSampleStream({ outRoot: mediaDir, seconds: 24 })])
    host = await startTestHost({ mediaDir, price: 10 }, { extend: attachDashboard })
    browser = await launchBrowser()
  })
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined)
    await browser?.close()
    await host?.dispose()
    rmSync(mediaDir, { recursive: true, force: true })
  })

  test('the sign-in refuses a wrong token and keeps the right one for the tab', async () => {
    const page = await newPage()
    await page.goto(`${host.url}/host`)
    await page.getByTestId('login-token').fill('not-the-admin-token')
    await page.getByTestId('login-submit').click()
    await page.getByTestId('login-error').waitFor({ state: 'visible' })
    assert.match((await page.getByTestId('login-error').textContent()) ?? '', /wrong/)
    assert.equal(await page.getByTestId('dashboard').isHidden(), true)

    await page.getByTestId('login-token').fill(host.adminToken!)
    await page.getByTestId('login-submit').click()
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor()
    assert.equal(await page.evaluate(() => sessionStorage.getItem('p2p.host.adminToken')), host.adminToken)
    await page.reload()
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor()
    assert.equal(await page.getByTestId('login').isHidden(), true)
  })

  test('the host sees media time sold, never "watched": the host cannot know what a viewer watched, only what it bought', async () => {
    const page = await signedIn()
    const headers = async (tbody: string) => page.locator(`table:has([data-testid="${tbody}"]) thead th`).allTextContents()
    assert.ok((await headers('channels')).includes('Sold'), `the channels table's headers: ${(await headers('channels')).join(', ')}`)
    assert.ok((await headers('streams')).includes('Sold'), `the streams table's headers: ${(await headers('streams')).join(', ')}`)
    assert.doesNotMatch((await page.locator('body').textContent()) ?? '', /watched/i)
  })

  test('payments arrive live; Stop settles the viewer, who sees its summary; Start lets a new viewer in', async () => {
    const dashboard = await signedIn()

    const viewer = await newPage()
    await viewer.goto(`${host.url}/`)
    const paying = await waitForPlayer(viewer, (s) => s.channelId !== null && s.paid >= 40)
    const row = dashboard.locator(`[data-testid="channel-row"][data-channel-id="${paying.channelId}"]`)
    await row.and(dashboard.locator('[data-state="open"]')).waitFor({ timeout: TIMEOUT })

    // The figures move without any reload: the page only listens to its socket.
    await dashboard.waitForFunction(
      (minimum) => Number(document.querySelector('[data-testid="earned-accepted"]')!.textContent!.replace(/[^0-9]/g, '')) >= minimum,
      paying.paid,
      { timeout: TIMEOUT },
    )
    // A tip's note is the viewer's own text: the dashboard shows it as sent, and none of it as markup.
    const note = '<img src=x data-injected=1 onerror="document.title=1"> thanks!'
    await viewer.getByTestId('tip-note').fill(note)
    await viewer.getByTestId('tip-button').click()
    await dashboard.getByTestId('tip-note').filter({ hasText: note }).waitFor({ timeout: TIMEOUT })
    assert.equal(await dashboard.locator('[data-testid="tips"] img').count(), 0)

    assert.equal(await dashboard.getByTestId('watching-now').textContent(), '1')
    assert.equal(await dashboard.getByTestId('channels-open').textContent(), '1')
    assert.ok(sats(await dashboard.getByTestId('segments-served').textContent()) >= 1)
    assert.ok(sats(await row.getByTestId('channel-paid').textContent()) >= 40)
    const funding = row.getByTestId('funding-link')
    assert.match((await funding.getAttribute('href')) ?? '', /^\/devnet\/tx\/[0-9a-f]{64}$/)

    await dashboard.getByTestId('toggle-accepting').click()
    await dashboard.locator('[data-testid="host-status"][data-accepting="false"]').waitFor({ timeout: TIMEOUT })
    await row.and(dashboard.locator('[data-state="closed"]')).waitFor({ timeout: TIMEOUT })
    assert.equal(await dashboard.getByTestId('toggle-accepting').textContent(), 'Start')
    const closeHref = (await row.getByTestId('close-link').getAttribute('href')) ?? ''
    const closeTxid = closeHref.replace('/devnet/tx/', '')
    assert.match(closeTxid, /^[0-9a-f]{64}$/)

    // The viewer is told why, and gets its summary with the same close transaction.
    const stopped = await waitForPlayer(viewer, (s) => s.lastSummary !== null)
    assert.equal(stopped.lastSummary!.reason, 'host_stopped')
    assert.equal(stopped.lastSummary!.closeTxid, closeTxid)
    await viewer.getByTestId('summary').waitFor({ state: 'visible' })
    assert.equal(await viewer.getByTestId('summary-close-txid').getAttribute('data-txid'), closeTxid)
    await viewer.getByTestId('error-banner').waitFor({ state: 'visible' })
    assert.match((await viewer.getByTestId('error-message').textContent()) ?? '', /stop/i)

    // The money moved on chain, and the devnet page behind the link knows the close tx.
    assert.equal(sats(await dashboard.getByTestId('earned-accepted').textContent()), 0)
    assert.equal(sats(await dashboard.getByTestId('earned-settled').textContent()), stopped.lastSummary!.paid)
    // The sample stream's row: its price, the media time it sold and what it earned.
    const sample = dashboard.locator('[data-testid="stream-row"][data-stream="/media/sample/master.m3u8"]')
    await sample.waitFor({ timeout: TIMEOUT })
    const cells = await sample.locator('td').allTextContents()
    assert.deepEqual([cells[0], cells[1]], ['sample', '10 sat/s'])
    assert.equal(sats(cells[3]), stopped.lastSummary!.paid - stopped.lastSummary!.tips)
    assert.match(cells[2], /^\d+:\d\d$/, 'the media time it sold')
    assert.notEqual(cells[2], '0:00')
    assert.equal((await fetch(`${host.url}${closeHref}`)).status, 200)

    // It went to the host's payout address, which the dashboard shows with what was settled there and a link to it.
    const payout = dashboard.getByTestId('payout-address')
    assert.equal(await payout.textContent(), host.payout.address)
    await dashboard.getByTestId('payout-settled').filter({ hasText: `${stopped.lastSummary!.paid.toLocaleString('en-US')} sat` }).waitFor({ timeout: TIMEOUT })
    const unspentHref = (await payout.getAttribute('href')) ?? ''
    assert.equal(unspentHref, `/devnet/woc/v1/bsv/devnet/address/${host.payout.address}/unspent/all`)
    const unspent = (await (await fetch(`${host.url}${unspentHref}`)).json()) as { result: Array<{ tx_hash: string; value: number }> }
    assert.deepEqual(unspent.result.map((u) => [u.tx_hash, u.value]), [[closeTxid, stopped.lastSummary!.paid]])

    await dashboard.getByTestId('toggle-accepting').click()
    await dashboard.locator('[data-testid="host-status"][data-accepting="true"]').waitFor({ timeout: TIMEOUT })
    const next = await newPage()
    await next.goto(`${host.url}/`)
    const newcomer = await waitForPlayer(next, (s) => s.channelId !== null && s.paid > 0)
    assert.notEqual(newcomer.channelId, paying.channelId)
    await dashboard.locator(`[data-testid="channel-row"][data-channel-id="${newcomer.channelId}"][data-state="open"]`).waitFor({ timeout: TIMEOUT })
    assert.equal(await dashboard.getByTestId('channels-settled').textContent(), '1')
    assert.deepEqual(violations, [], 'the player and the dashboard run under the CSP without a refusal')
  })
})
