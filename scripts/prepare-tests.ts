// Runs before `npm test`: everything the tests need that is not an npm package — Chromium for the browser tests,
// the player bundle, and the sample stream — so the test command works by itself on a fresh machine.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { buildClient } from './build-client.ts'
import { ensureSampleStream } from '../server/media/sample.ts'
import { chromiumPath } from '../test/support/browser.ts'

function ensureChromium(): void {
  const path = chromiumPath()
  if (existsSync(path)) return
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`Chromium is needed for the browser tests and was not found at ${path}. Install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.`)
  }
  console.log('Installing Debian chromium for the browser tests (about a minute)…')
  const apt = (args: string[]) => execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  apt(['update', '-q'])
  apt(['install', '-y', '-q', '--no-install-recommends', 'chromium', 'fonts-dejavu-core'])
}

ensureChromium()
await buildClient()
await ensureSampleStream('media', { log: (line) => console.log(line) })
