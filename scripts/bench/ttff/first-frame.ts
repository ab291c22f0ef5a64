// Time to first frame in Chromium: from the start of navigation to the first video frame the page presents
// (requestVideoFrameCallback), the same way for the free page and the paying player. The paying player also leaves
// performance marks for each step of its start (client/payer/timeline.ts), which come back with the time.
import type { Browser, Page } from 'playwright-core'

/** Run in the page before its own scripts: stamps window.__firstFrameMs once the video presents its first frame. */
function stampFirstFrame(): void {
  document.addEventListener('DOMContentLoaded', () => {
    const video = document.querySelector('video')
    if (!video) return
    video.requestVideoFrameCallback((now) => {
      ;(window as unknown as { __firstFrameMs?: number }).__firstFrameMs ??= now
    })
  })
}

export interface FirstFrameLoad {
  url: string
  /** localStorage entries the page starts with (the player's funded wallet). */
  storage?: Record<string, string>
  timeoutMs?: number
  /** Loads the page a second time in the same profile, as a returning viewer (same cache, same storage). */
  again?: boolean
}

export interface LoadTiming {
  /** Milliseconds from navigation start to the first frame. */
  firstFrameMs: number
  /** The page's `p2p:` performance marks, by name, in milliseconds since navigation start. */
  marks: Array<{ name: string; startTime: number }>
  /** The paying player's channel once the frame showed (null on the free page). */
  channelId: string | null
}

async function untilFirstFrame(page: Page, timeoutMs: number): Promise<LoadTiming> {
  const handle = await page.waitForFunction(() => (window as unknown as { __firstFrameMs?: number }).__firstFrameMs, undefined, { timeout: timeoutMs, polling: 20 })
  const firstFrameMs = Math.round(((await handle.jsonValue()) as number) * 10) / 10
  const { marks, channelId } = await page.evaluate(() => ({
    marks: performance.getEntriesByType('mark').filter((mark) => mark.name.startsWith('p2p:')).map((mark) => ({ name: mark.name, startTime: mark.startTime })),
    channelId: ((window as unknown as { p2p?: { state(): { channelId?: string | null } } }).p2p?.state().channelId ?? null) as string | null,
  }))
  return { firstFrameMs, marks, channelId }
}

/** One load in a fresh browser context; resolves with milliseconds from navigation start to the first frame. */
export async function timeToFirstFrame(browser: Browser, load: FirstFrameLoad): Promise<number> {
  return (await firstFrames(browser, { ...load, again: false })).first.firstFrameMs
}

/** One load in a fresh browser context, and with `again` a second one in the same context, with their marks. */
export async function firstFrames(browser: Browser, load: FirstFrameLoad): Promise<{ first: LoadTiming; again: LoadTiming | null }> {
  const context = await browser.newContext()
  const timeoutMs = load.timeoutMs ?? 30_000
  try {
    if (load.storage) {
      // Only before the first load: a returning viewer keeps what the page stored.
      await context.addInitScript((entries) => {
        if (sessionStorage.getItem('bench.seeded')) return
        sessionStorage.setItem('bench.seeded', '1')
        for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value)
      }, load.storage)
    }
    await context.addInitScript(stampFirstFrame)
    const page = await context.newPage()
    await page.goto(load.url, { waitUntil: 'commit' })
    const first = await untilFirstFrame(page, timeoutMs)
    if (!load.again) return { first, again: null }
    // The page navigates itself, as a viewer following a link of the same host (or reloading) does.
    await Promise.all([page.waitForNavigation({ waitUntil: 'commit' }), page.evaluate((url) => location.assign(url), load.url)])
    return { first, again: await untilFirstFrame(page, timeoutMs) }
  } finally {
    await context.close()
  }
}
