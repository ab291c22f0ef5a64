// Debian's nginx and PostgreSQL for the tests that need a real server. A fresh machine has neither: the first test
// to ask installs both in one apt transaction (as root), under a lock so that concurrent test files wait for it, and
// runs `apt-get update` once per machine (a marker in the temp folder).
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const LOCK = join(tmpdir(), 'p2p-apt.lock')
const UPDATED = join(tmpdir(), 'p2p-apt-updated')
const PACKAGES = ['nginx', 'postgresql']

export const NGINX = '/usr/sbin/nginx'

/** The bin folder of the newest PostgreSQL Debian installed (initdb, pg_ctl, postgres), or null. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return null
  const versions = readdirSync(root)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a))
  return versions.length > 0 ? join(root, versions[0], 'bin') : null
}

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

/** Installs nginx and postgresql from Debian when either is missing; throws saying what to do when it cannot. */
export function ensureDebianServers(): void {
  if (existsSync(NGINX) && postgresBinDir()) return
  if (!isRoot() || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      'This test needs Debian\'s nginx and postgresql, which are not installed, and it can only install them as root with apt-get. ' +
        'Run `apt-get update && apt-get install -y nginx postgresql` as root, then run the tests again.',
    )
  }
  console.log('Installing Debian nginx and postgresql for the cluster tests (once per machine, about a minute)…')
  const install = `apt-get install -y -q --no-install-recommends ${PACKAGES.join(' ')}`
  // Inside the lock, so a second test file that waited finds the work done (apt-get install is then a no-op).
  const script = `[ -f ${UPDATED} ] || { apt-get update -q && touch ${UPDATED}; }; ${install} || { apt-get update -q && ${install}; }`
  try {
    execFileSync('flock', [LOCK, 'sh', '-c', script], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  } catch (error) {
    throw new Error(`apt-get could not install ${PACKAGES.join(' and ')}: ${error instanceof Error ? error.message : String(error)}. Is Debian's archive reachable?`)
  }
  if (!existsSync(NGINX) || !postgresBinDir()) throw new Error(`apt-get ran, but ${NGINX} or PostgreSQL's pg_ctl is still missing.`)
  writeFileSync(UPDATED, new Date().toISOString())
}
