// Time to first frame in Chromium: from the start of navigation to the first video frame the page presents
// (requestVideoFrameCallback), the same way for the free page and the paying player.
import type { Browser } from 'playwright-core'

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
}

/** One load in a fresh browser context; resolves with milliseconds from navigation start to the first frame. */
export async function timeToFirstFrame(browser: Browser, load: FirstFrameLoad): Promise<number> {
  const context = await browser.newContext()
  try {
    if (load.storage) {
      await context.addInitScript((entries) => {
        for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value)
      }, load.storage)
    }
    await context.addInitScript(stampFirstFrame)
    const page = await context.newPage()
    await page.goto(load.url, { waitUntil: 'commit' })
    const handle = await page.waitForFunction(() => (window as unknown as { __firstFrameMs?: number }).__firstFrameMs, undefined, { timeout: load.timeoutMs ?? 30_000, polling: 20 })
    return Math.round(((await handle.jsonValue()) as number) * 10) / 10
  } finally {
    await context.close()
  }
}
