// The player and the dashboard as the accessibility and looks tests open them: in a colour scheme and a width, the
// player fast-forwarded (4x) with a cap of the test's choosing, the dashboard signed in; and a keyboard that reports
// where the focus went.
import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import type { TestHost } from './host.ts'

export type Scheme = 'light' | 'dark'

/** One rendition only where a test counts segments (2 s, 20 sat at 10 sat/s): ABR switching would pay for others. */
export const SINGLE_RENDITION = '/media/sample/360p/index.m3u8'

export interface PageOptions {
  scheme?: Scheme
  width?: number
}

export interface PlayerOptions extends PageOptions {
  /** The viewer's cap in satoshis (50/80/95 % alerts). */
  cap?: number
  stream?: string
  /** Hold the media back: the page as it is before anything plays (the wallet is still funded). */
  holdMedia?: boolean
  /** Answer /api/info only once this resolves (with this status): the page before its first problem. */
  info?: Promise<number>
  /** Every Socket.IO frame in order, as the page sent it (`out:`) or received it (`in:`). */
  socketLog?: string[]
  /** The host's answer to "fund", and every frame after it, reach the page this much later (a slow ledger). */
  slowFundAnswerMs?: number
  /** The page's first update reaches the host with one digit of its transaction changed: the host refuses it. */
  spoilFirstUpdate?: boolean
}

const HEIGHT = { desktop: 900, phone: 844 }

async function newPage(browser: Browser, options: PageOptions): Promise<Page> {
  const width = options.width ?? 1280
  const context = await browser.newContext({ viewport: { width, height: width < 600 ? HEIGHT.phone : HEIGHT.desktop }, colorScheme: options.scheme ?? 'light' })
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error('page error:', error.message))
  return page
}

/** A fresh browser profile (own wallet, own localStorage) on the player page, at 4x speed. */
export async function openPlayer(browser: Browser, host: TestHost, options: PlayerOptions = {}): Promise<Page> {
  const page = await newPage(browser, options)
  const context = page.context()
  if (options.cap !== undefined) {
    await context.addInitScript((cap) => {
      if (!localStorage.getItem('p2p.preferences')) {
        localStorage.setItem('p2p.preferences', JSON.stringify({ cap, thresholds: [{ fraction: 0.5, level: 'info' }, { fraction: 0.8, level: 'warning' }, { fraction: 0.95, level: 'critical' }], settleOnLeave: true }))
      }
    }, options.cap)
  }
  if (options.holdMedia) await context.route(/\/media\//, (route) => route.abort())
  const log = options.socketLog
  if (log || options.spoilFirstUpdate) {
    await context.routeWebSocket(/\/socket\.io\//, (socket) => {
      const server = socket.connectToServer()
      let fundId: string | null = null
      let spoil = options.spoilFirstUpdate ?? false
      // Frames keep their order: once the fund's answer is held, the ones after it wait behind it.
      let delivered = Promise.resolve()
      socket.onMessage((message) => {
        const text = String(message)
        fundId ??= /^42(\d+)\["fund"/.exec(text)?.[1] ?? null
        // The transaction's last digit is its lock time's: the signature no longer covers what arrives.
        const spoiled = spoil && /^42\d+\["update"/.test(text) ? text.replace(/("tx":"[0-9a-f]*)([0-9a-f])"/, (_all, head: string, last: string) => `${head}${last === '0' ? '1' : '0'}"`) : null
        if (spoiled) spoil = false
        log?.push(`out:${spoiled ?? text}`)
        server.send(spoiled ?? message)
      })
      server.onMessage((message) => {
        const text = String(message)
        const hold = fundId !== null && text.startsWith(`43${fundId}[`) ? (options.slowFundAnswerMs ?? 0) : 0
        delivered = delivered.then(async () => {
          if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold))
          log?.push(`in:${text}`)
          socket.send(message)
        })
      })
    })
  }
  const info = options.info
  if (info) await context.route(/\/api\/info$/, async (route) => route.fulfill({ status: await info, body: 'unavailable' }))
  await page.goto(`${host.url}/${options.stream ? `?stream=${encodeURIComponent(options.stream)}` : ''}`)
  if (info) return page
  await fastForward(page)
  if (options.holdMedia) await page.waitForFunction(() => ((window.p2p?.state().walletBalance as number | null | undefined) ?? 0) > 0, undefined, { timeout: 30_000 })
  return page
}

/** Once the page is up: its video plays at 4x, also after hls.js loads the stream's metadata. */
export async function fastForward(page: Page): Promise<void> {
  await page.waitForFunction(() => window.p2p !== undefined)
  await page.evaluate(() => {
    const video = document.querySelector('video')!
    video.defaultPlaybackRate = 4
    video.playbackRate = 4
    video.addEventListener('loadedmetadata', () => (video.playbackRate = 4))
  })
}

export async function playedAtLeast(page: Page, seconds: number, timeout = 90_000): Promise<void> {
  await page.waitForFunction((s) => (document.querySelector('video')?.currentTime ?? 0) >= s, seconds, { timeout, polling: 100 })
}

export async function openDashboard(browser: Browser, host: TestHost, options: PageOptions & { signIn?: boolean } = {}): Promise<Page> {
  const page = await newPage(browser, options)
  await page.goto(`${host.url}/host`)
  await page.getByTestId('login-token').waitFor()
  if (options.signIn === false) return page
  await page.getByTestId('login-token').fill(host.adminToken!)
  await page.getByTestId('login-submit').click()
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor()
  return page
}

/**
 * Gives the host something to show: one viewing that tipped with a note and settled on chain, and one still paying
 * (its page is returned; close its context when done).
 */
export async function hostWithViewers(browser: Browser, host: TestHost): Promise<Page> {
  const settled = await openPlayer(browser, host)
  await settled.waitForFunction(() => (window.p2p!.state().paid as number) >= 40, undefined, { timeout: 90_000 })
  await settled.getByTestId('tip-note').fill('Lovely colours, thank you!')
  await settled.getByTestId('tip-button').click()
  await settled.getByTestId('tip-status').filter({ hasText: 'Thank you' }).waitFor({ timeout: 30_000 })
  await settled.getByTestId('stop-button').click()
  await settled.getByTestId('summary-close-txid').waitFor({ timeout: 30_000 })
  await settled.context().close()
  const paying = await openPlayer(browser, host)
  await paying.waitForFunction(() => (window.p2p!.state().paid as number) > 0, undefined, { timeout: 90_000 })
  return paying
}

/** What has the keyboard focus: its data-testid, else its tag (the video's own controls all report the video). */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null
    return active?.dataset.testid ?? active?.tagName.toLowerCase() ?? 'none'
  })
}

/** Presses `key` until the focus is on `target`; returns every stop on the way (the target last). */
export async function pressUntil(page: Page, key: 'Tab' | 'Shift+Tab', target: string | ((stop: string) => boolean), limit = 30): Promise<string[]> {
  const reached = typeof target === 'string' ? (stop: string) => stop === target : target
  const stops: string[] = []
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(key)
    const stop = await focused(page)
    stops.push(stop)
    if (reached(stop)) return stops
  }
  assert.fail(`${key} never reached ${String(target)} in ${limit} presses; it went ${stops.join(' → ')}`)
}

/** The focused element's ring: WCAG 2.4.13 asks for one at least 2 CSS px thick. */
export async function focusRing(page: Page): Promise<{ style: string; width: number }> {
  return page.evaluate(() => {
    const style = getComputedStyle(document.activeElement!)
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) }
  })
}
