// What the player's browser tests run against: a real host on the ffmpeg-made sample stream, the bundled player, and
// Debian's Chromium.
import { fileURLToPath } from 'node:url'
import { after, before } from 'node:test'
import type { Browser } from 'playwright-core'
import { buildClient } from '../../scripts/build-client.ts'
import type { HostConfigInput } from '../../server/config.ts'
import { ensureSampleStream } from '../../server/media/sample.ts'
import { launchBrowser } from './browser.ts'
import { startTestHost, type TestHost, type TestHostHooks } from './host.ts'

const SAMPLE_MEDIA_DIR = fileURLToPath(new URL('../../media/', import.meta.url))

export interface PlayerHost {
  host: TestHost
  browser: Browser
}

/** Starts them before the file's tests and stops them after: read `host` and `browser` inside tests. */
export function usePlayerHost(overrides: HostConfigInput = {}, hooks: TestHostHooks = {}): PlayerHost {
  const running = {} as PlayerHost
  before(async () => {
    await ensureSampleStream(SAMPLE_MEDIA_DIR)
    await buildClient()
    running.host = await startTestHost({ mediaDir: SAMPLE_MEDIA_DIR, ...overrides }, hooks)
    running.browser = await launchBrowser()
  })
  after(async () => {
    await running.browser?.close()
    await running.host?.dispose()
  })
  return running
}
