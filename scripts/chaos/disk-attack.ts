// The host's data folder runs out of space mid-stream (`npm run chaos` keeps it on a small tmpfs): a payment that
// cannot be committed is refused with storage_unavailable and its segment is not served; once the space is back the
// host takes payments again, and the close on the ledger pays what was acknowledged.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'
import { openRawViewer } from '../../test/support/raw-viewer.ts'
import type { Attack, AttackOutcome } from './attacks.ts'
import { closePays } from './books.ts'
import { fillUp } from './full-disk.ts'

/** How long the space takes to come back into use: the first payments after it may still meet the full disk. */
const RECOVERY_MS = 5_000
const PACE_MS = 50

/**
 * A host that has run a while commits into its WAL file's old space without growing it, so a full disk reaches its
 * payments only later. Truncated first, as a fresh start leaves it, the WAL needs space at the next commit.
 */
function truncateWal(dataDir: string): void {
  const db = new Database(join(dataDir, 'host.sqlite'), { timeout: 5_000 })
  try {
    db.pragma('wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
  }
}

/** `dataDir` is the host's data folder on a tmpfs, or null when none could be mounted. */
export function fullDisk(dataDir: string | null, price: number, segments: readonly string[]): Attack & { lostSatoshis: () => number } {
  let lost = 0
  return {
    name: 'data folder full',
    lostSatoshis: () => lost,
    async run(ctx): Promise<AttackOutcome> {
      if (dataDir === null) return { cases: 0, answers: {}, violations: [], skipped: 'needs root to mount a tmpfs' }
      const answers: Record<string, number> = {}
      const tally = (key: string) => (answers[key] = (answers[key] ?? 0) + 1)
      const violations: string[] = []
      const viewer = await openRawViewer(ctx.url, segments.length * price)
      const fetchStatus = async (segment: string) => {
        const res = await fetch(ctx.url + segment, { headers: { [TOKEN_HEADER]: viewer.token } })
        await res.arrayBuffer()
        return res.status
      }
      let next = 0
      let accepted = 0
      /** Pays for the next segment and fetches it; true when it was paid. */
      const buy = async (moment: string): Promise<boolean> => {
        const segment = segments[next % segments.length]
        const reply = await viewer.pay(segment, price)
        const status = await fetchStatus(segment)
        tally(`${moment}: ${reply.ok ? 'paid' : reply.code}, GET ${status}`)
        if (!reply.ok && status === 200) violations.push(`${segment} was served though its payment was refused (${moment})`)
        if (!reply.ok) return false
        accepted = reply.paid
        viewer.delivered(segment)
        next++
        return true
      }
      let cases = 0
      try {
        if (!(await buy('before'))) throw new Error('the host refused a payment before the disk filled')
        truncateWal(dataDir)
        const filler = fillUp(dataDir)
        try {
          for (const until = Date.now() + ctx.durationMs / 2; Date.now() < until && cases < ctx.maxCases; cases++) {
            await buy('full')
            await new Promise((resolve) => setTimeout(resolve, PACE_MS))
          }
        } finally {
          rmSync(filler)
        }
        if (!Object.keys(answers).some((answer) => answer.startsWith('full: storage_unavailable'))) violations.push('the disk was full and no payment was refused')
        let resumed = false
        for (const until = Date.now() + RECOVERY_MS; !resumed && Date.now() < until; ) resumed = await buy('space back')
        if (!resumed) violations.push(`no payment was taken within ${RECOVERY_MS} ms of the space coming back`)
        const close = await viewer.send('close', { channelId: viewer.channelId })
        const settled = close.ok && close.closeTxid ? await closePays(ctx.url, close.closeTxid) : 0
        if (settled !== accepted) violations.push(`acknowledged ${accepted}, the close on the ledger pays ${settled}`)
        lost += Math.max(0, accepted - settled)
      } finally {
        viewer.disconnect()
      }
      return { cases, answers, violations }
    },
  }
}
