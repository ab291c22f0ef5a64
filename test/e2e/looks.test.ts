// One product, two pages: the player and the dashboard share their colours, type and shapes (client/shared/), follow
// the system's light or dark scheme, and fit a 390 px phone without sideways scrolling. The test leaves screenshots of
// both pages at 1280 and 390 px, light and dark, in .tmp/screenshots/ for a person to look at.
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { usePlayerHost } from '../support/player-host.ts'
import { hostWithViewers, openDashboard, openPlayer, playedAtLeast, SINGLE_RENDITION, type Scheme } from '../support/viewer-pages.ts'

const SHOTS = fileURLToPath(new URL('../../.tmp/screenshots/', import.meta.url))
const WIDTHS = [1280, 390] as const

const env = usePlayerHost({ price: 10 }, { extend: attachDashboard })

/** What makes the look: the page, the text, a card and the primary button, as the browser computed them. */
interface Look {
  background: string
  text: string
  font: string
  card: string
  cardRadius: string
  primary: string
  onPrimary: string
}

function lookOf(page: Page, primary: string): Promise<Look> {
  return page.evaluate((primaryId) => {
    const body = getComputedStyle(document.body)
    const card = getComputedStyle(document.querySelector('.card')!)
    const button = getComputedStyle(document.querySelector(`[data-testid="${primaryId}"]`)!)
    return { background: body.backgroundColor, text: body.color, font: body.fontFamily, card: card.backgroundColor, cardRadius: card.borderTopLeftRadius, primary: button.backgroundColor, onPrimary: button.color }
  }, primary)
}

/** Relative luminance of an rgb() colour, 0 (black) to 1 (white). */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** Screenshots the page at each width; at each, nothing may make the page itself scroll sideways. */
async function shoot(page: Page, name: string, scheme: Scheme): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width < 600 ? 844 : 900 })
    await page.waitForTimeout(150)
    const { overflow, culprits } = await page.evaluate(() => {
      const edge = document.documentElement.clientWidth
      const outside = [...document.body.querySelectorAll<HTMLElement>('*')].filter((e) => e.getBoundingClientRect().right > edge + 0.5)
      // The innermost elements that stick out name the cause.
      const innermost = outside.filter((e) => !outside.some((other) => other !== e && e.contains(other)))
      return { overflow: document.documentElement.scrollWidth - edge, culprits: innermost.slice(0, 5).map((e) => e.dataset.testid ?? `${e.tagName.toLowerCase()}.${e.className}`) }
    })
    assert.ok(overflow <= 0, `${name} at ${width} px scrolls sideways by ${overflow} px (sticking out: ${culprits.join(', ')})`)
    await page.screenshot({ path: `${SHOTS}${name}-${scheme}-${width}.png`, fullPage: true, animations: 'disabled' })
  }
}

describe('one look for the player and the dashboard', { timeout: 300_000 }, () => {
  before(() => mkdirSync(SHOTS, { recursive: true }))

  for (const scheme of ['light', 'dark'] as Scheme[]) {
    test(`${scheme}: both pages share colours, type and shapes, and fit 390 px (screenshots in .tmp/screenshots/)`, async () => {
      const viewer = await hostWithViewers(env.browser, env.host)

      const player = await openPlayer(env.browser, env.host, { scheme })
      await playedAtLeast(player, 2)
      await player.evaluate(() => document.querySelector('video')!.pause())
      await shoot(player, 'player', scheme)
      const playerLook = await lookOf(player, 'tip-button')
      await player.context().close()

      const atCap = await openPlayer(env.browser, env.host, { scheme, cap: 100, stream: SINGLE_RENDITION })
      await atCap.getByTestId('cap-dialog').waitFor({ state: 'visible', timeout: 90_000 })
      await shoot(atCap, 'player-cap-dialog', scheme)
      await atCap.context().close()

      const signedOut = await openDashboard(env.browser, env.host, { scheme, signIn: false })
      await shoot(signedOut, 'dashboard-sign-in', scheme)
      const dashboardLook = await lookOf(signedOut, 'login-submit')
      await signedOut.context().close()

      const dashboard = await openDashboard(env.browser, env.host, { scheme })
      await dashboard.getByTestId('tip-row').first().waitFor()
      await shoot(dashboard, 'dashboard', scheme)
      await Promise.all([dashboard.context().close(), viewer.context().close()])

      assert.deepEqual(playerLook, dashboardLook, 'the player and the dashboard look like one product')
      // The system's scheme decides, and the body text reads on its background (AAA, 7:1).
      const background = luminance(playerLook.background)
      assert.ok(scheme === 'light' ? background > 0.8 : background < 0.05, `a ${scheme} page on ${playerLook.background}`)
      const [hi, lo] = [background, luminance(playerLook.text)].sort((a, b) => b - a)
      assert.ok((hi + 0.05) / (lo + 0.05) >= 7, `body text ${playerLook.text} on ${playerLook.background}`)
    })
  }
})
