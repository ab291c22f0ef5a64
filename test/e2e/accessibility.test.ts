// The player and the dashboard for everyone, in a real Chromium against a real host: axe-core finds no serious or
// critical violation on either page, light or dark, in the states a viewer and a host meet; a viewer plays, stops,
// tips, raises the cap and withdraws with the keyboard alone (a visible focus ring, a logical order, dialogs that are
// named, keep the focus, close on Escape and give it back); and the cap's alerts and the errors land in live regions a
// screen reader announces.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { PrivateKey } from '@bsv/sdk'
import type { Page } from 'playwright-core'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { describeFindings, passesRule, seriousViolations } from '../support/axe.ts'
import { usePlayerHost } from '../support/player-host.ts'
import { focused, focusRing, hostWithViewers, openDashboard, openPlayer, playedAtLeast, pressUntil, SINGLE_RENDITION, type Scheme } from '../support/viewer-pages.ts'

const env = usePlayerHost({ price: 10 }, { extend: attachDashboard })

/** 10 s of the sample at 10 sat/s: its 50, 80 and 95 % alerts each fire on their own segment. */
const SMALL_CAP = 100

async function assertClean(page: Page, state: string): Promise<void> {
  const findings = await seriousViolations(page)
  assert.equal(findings.length, 0, `${state}: axe found\n${describeFindings(findings)}`)
  // Under a modal dialog the page is inert, its heading too: the dialog's own name stands in for it.
  const modal = await page.evaluate(() => document.querySelector('dialog:modal') !== null)
  assert.ok(modal || (await passesRule(page, 'page-has-heading-one')), `${state}: the page has a level-one heading`)
}

/** Opens a dialog with its button and checks the page with it open; Escape closes it again. */
async function assertCleanWithDialog(page: Page, opener: string, dialog: string, state: string): Promise<void> {
  await page.getByTestId(opener).click()
  await page.getByTestId(dialog).waitFor({ state: 'visible' })
  await assertClean(page, state)
  await page.keyboard.press('Escape')
  await page.getByTestId(dialog).waitFor({ state: 'hidden' })
}

async function assertFocusVisible(page: Page, where: string): Promise<void> {
  const ring = await focusRing(page)
  assert.ok(ring.style !== 'none' && ring.width >= 2, `${where}: the focus ring is at least 2 px (it is ${ring.style} ${ring.width} px)`)
}

describe('accessibility', { timeout: 300_000 }, () => {
  for (const scheme of ['light', 'dark'] as Scheme[]) {
    test(`the player, ${scheme}: no serious or critical axe violation before and while playing, with each dialog open, and settled`, async () => {
      const idle = await openPlayer(env.browser, env.host, { scheme, holdMedia: true })
      await assertClean(idle, 'before playing')
      await assertCleanWithDialog(idle, 'withdraw-open', 'withdraw-dialog', 'withdraw open')
      await assertCleanWithDialog(idle, 'backup-open', 'backup-dialog', 'backup open')
      await assertCleanWithDialog(idle, 'restore-open', 'restore-dialog', 'restore open')
      await idle.context().close()

      const page = await openPlayer(env.browser, env.host, { scheme, cap: SMALL_CAP, stream: SINGLE_RENDITION })
      await page.getByTestId('alert-50').waitFor({ timeout: 90_000 })
      await assertClean(page, 'playing, with an alert')
      await page.getByTestId('cap-dialog').waitFor({ state: 'visible', timeout: 90_000 })
      await assertClean(page, 'the cap dialog open')
      await page.getByTestId('cap-dialog-stop').click()
      await page.getByTestId('summary-close-txid').waitFor({ timeout: 30_000 })
      await assertClean(page, 'settled, with its summary')
      await page.context().close()
    })

    test(`the dashboard, ${scheme}: no serious or critical axe violation signed out, and signed in with viewers, tips and channels`, async () => {
      const signedOut = await openDashboard(env.browser, env.host, { scheme, signIn: false })
      await assertClean(signedOut, 'signed out')
      await signedOut.getByTestId('login-token').fill('not-the-token')
      await signedOut.getByTestId('login-submit').click()
      await signedOut.getByTestId('login-error').waitFor({ state: 'visible' })
      await assertClean(signedOut, 'a wrong token refused')
      await signedOut.context().close()

      const viewer = await hostWithViewers(env.browser, env.host)
      const dashboard = await openDashboard(env.browser, env.host, { scheme })
      await dashboard.getByTestId('tip-row').first().waitFor()
      await dashboard.locator('[data-testid="channel-row"][data-state="open"]').first().waitFor({ timeout: 30_000 })
      await assertClean(dashboard, 'signed in with data')
      await Promise.all([dashboard.context().close(), viewer.context().close()])
    })
  }

  test('keyboard alone: tip, stop and settle, then play again; the focus is always visible and goes in page order', async () => {
    const page = await openPlayer(env.browser, env.host)
    await page.waitForFunction(() => window.p2p!.state().phase === 'open', undefined, { timeout: 90_000 })
    const channel = await page.evaluate(() => window.p2p!.state().channelId)

    const stops = await pressUntil(page, 'Tab', 'tip-note')
    assert.deepEqual([...new Set(stops)], ['video', 'tip-note'], 'the video and its controls come first, then the tip')
    await assertFocusVisible(page, 'the tip note')
    await page.keyboard.type('From the keyboard')
    await page.keyboard.press('Tab')
    assert.equal(await focused(page), 'tip-button')
    await assertFocusVisible(page, 'the tip button')
    await page.keyboard.press('Enter')
    await page.getByTestId('tip-status').filter({ hasText: 'Thank you' }).waitFor({ timeout: 30_000 })

    await page.keyboard.press('Tab')
    assert.equal(await focused(page), 'stop-button', 'Stop and settle follows the tip')
    await assertFocusVisible(page, 'Stop and settle')
    await page.keyboard.press('Enter')
    await page.getByTestId('summary-close-txid').waitFor({ timeout: 30_000 })
    assert.equal(await page.evaluate(() => document.querySelector('video')!.paused), true)

    // Back to the video: its first control is play; Space plays, and paying resumes in a new channel.
    await pressUntil(page, 'Shift+Tab', 'video')
    await pressUntil(page, 'Shift+Tab', (stop) => stop !== 'video')
    await pressUntil(page, 'Tab', 'video')
    await page.keyboard.press('Space')
    await page.waitForFunction((old) => window.p2p!.state().phase === 'open' && window.p2p!.state().channelId !== old, channel, { timeout: 90_000 })
    assert.equal(await page.evaluate(() => document.querySelector('video')!.paused), false)
    await page.context().close()
  })

  test('keyboard alone: at the cap its dialog is named, takes the focus, keeps it, and raises the cap', async () => {
    const page = await openPlayer(env.browser, env.host, { cap: SMALL_CAP, stream: SINGLE_RENDITION })
    await page.getByRole('dialog', { name: 'Cap reached' }).waitFor({ timeout: 90_000 })
    assert.equal(await focused(page), 'cap-dialog-input', 'the new cap is ready to type')
    await page.keyboard.press('Control+A')
    await page.keyboard.type('400')
    assert.deepEqual(await pressUntil(page, 'Tab', 'cap-dialog-raise'), ['cap-dialog-stop', 'cap-dialog-raise'])
    await assertFocusVisible(page, 'Raise cap and continue')
    await page.keyboard.press('Tab')
    assert.equal(await focused(page), 'cap-dialog-input', 'Tab from the last button comes back to the first field')
    await page.keyboard.press('Shift+Tab')
    assert.equal(await focused(page), 'cap-dialog-raise', 'Shift+Tab from the first field goes to the last button')
    const timeAtCap = await page.evaluate(() => document.querySelector('video')!.currentTime)
    await page.keyboard.press('Enter')
    await page.getByTestId('cap-dialog').waitFor({ state: 'hidden', timeout: 30_000 })
    await playedAtLeast(page, timeAtCap + 4)
    assert.equal((await page.evaluate(() => window.p2p!.state().cap)) as number, 400)
    await page.context().close()
  })

  test('keyboard alone: withdraw; Back up and Withdraw open named dialogs that Escape closes, giving the focus back', async () => {
    const page = await openPlayer(env.browser, env.host, { holdMedia: true })
    const balance = (await page.evaluate(() => window.p2p!.state().walletBalance)) as number

    await pressUntil(page, 'Tab', 'backup-open')
    await page.keyboard.press('Enter')
    await page.getByRole('dialog', { name: 'Back up this wallet' }).waitFor()
    assert.equal(await focused(page), 'backup-close', 'the focus is on Done, not on the phrase')
    await page.keyboard.press('Escape')
    await page.getByTestId('backup-dialog').waitFor({ state: 'hidden' })
    assert.equal(await focused(page), 'backup-open', 'the focus is back where it was')

    await pressUntil(page, 'Shift+Tab', 'withdraw-open')
    await page.keyboard.press('Enter')
    await page.getByRole('dialog', { name: 'Withdraw everything' }).waitFor()
    assert.equal(await focused(page), 'withdraw-address')
    await page.keyboard.press('Escape')
    await page.getByTestId('withdraw-dialog').waitFor({ state: 'hidden' })
    assert.equal(await focused(page), 'withdraw-open')

    await page.keyboard.press('Enter')
    await page.getByRole('dialog', { name: 'Withdraw everything' }).waitFor()
    await page.keyboard.type(PrivateKey.fromRandom().toAddress('mainnet'))
    await page.locator('[data-testid="withdraw-send"]:enabled').waitFor()
    assert.deepEqual(await pressUntil(page, 'Tab', 'withdraw-send'), ['withdraw-cancel', 'withdraw-send'])
    await assertFocusVisible(page, 'Send')
    await page.keyboard.press('Enter')
    await page.locator('[data-testid="withdraw-result"][data-txid]').waitFor({ timeout: 30_000 })
    assert.match((await page.getByTestId('withdraw-result').textContent()) ?? '', /^Sent [\d,]+ sat/)
    await page.keyboard.press('Escape')
    await page.getByTestId('withdraw-dialog').waitFor({ state: 'hidden' })
    assert.equal(await focused(page), 'withdraw-open')
    await page.getByTestId('wallet-balance').and(page.locator('[data-sats="0"]')).waitFor({ timeout: 30_000 })
    assert.ok(balance > 0)
    await page.context().close()
  })

  test('the cap alerts and the errors go to live regions that are in the page from the start; the meter has its values', async () => {
    const page = await openPlayer(env.browser, env.host, { cap: SMALL_CAP, stream: SINGLE_RENDITION })
    const polite = page.locator('[data-testid="alerts-polite"][aria-live="polite"]')
    const urgent = page.locator('[data-testid="alerts-urgent"][aria-live="assertive"]')
    assert.equal(await polite.count(), 1, 'a polite region for info and warning alerts')
    assert.equal(await urgent.count(), 1, 'an assertive region for critical alerts')
    const meter = page.getByRole('meter', { name: 'Share of your cap spent' })
    assert.equal(await meter.getAttribute('aria-valuemax'), '100')

    await polite.getByTestId('alert-50').waitFor({ timeout: 90_000 })
    assert.match((await polite.getByTestId('alert-50').textContent()) ?? '', /50% of your cap is spent/)
    await polite.getByTestId('alert-80').waitFor({ timeout: 90_000 })
    await urgent.getByTestId('alert-95').waitFor({ timeout: 90_000 })
    assert.match((await urgent.getByTestId('alert-95').textContent()) ?? '', /Playback pauses at the cap/)
    assert.equal(await urgent.getByTestId('alert-50').count(), 0, 'an info alert does not interrupt')
    assert.ok(Number(await meter.getAttribute('aria-valuenow')) >= 95)
    assert.match((await meter.getAttribute('aria-valuetext')) ?? '', /^\d+% of cap used · /)
    await page.context().close()

    // An error: the alert region is there, empty, before the problem; the problem then appears inside it.
    let answer = (_status: number) => {}
    const info = new Promise<number>((resolve) => (answer = resolve))
    const failing = await openPlayer(env.browser, env.host, { info })
    const region = failing.locator('[role="alert"][data-testid="error-live"]')
    await region.waitFor({ state: 'attached' })
    assert.notEqual(await region.evaluate((el) => getComputedStyle(el).display), 'none', 'the region is rendered')
    assert.equal(await region.innerText(), '', 'nothing shown yet')
    answer(503)
    await region.getByTestId('error-message').filter({ hasText: 'The host did not answer' }).waitFor()
    await failing.context().close()
  })
})
