// The host's data folder runs out of space mid-stream (`npm run chaos` keeps it on a small tmpfs): a payment that
// cannot be committed is refused with storage_unavailable and its segment is not served; once the space is back the
// host takes payments again, and the close on the ledger pays what was acknowledged.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'
import { openRawViewer } from '../../test/support/raw-viewer.ts'
import { closePays } from './books.ts'
import { channelAttack, type ChannelAttack } from './channel-attack.ts'
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
export function fullDisk(dataDir: string | null, price: number, segments: readonly string[]): ChannelAttack {
  return channelAttack('data folder full', async (ctx, { tally, violations, lose }) => {
    if (dataDir === null) return { skipped: 'needs root to mount a tmpfs' }
    const viewer = await openRawViewer(ctx.url, segments.length * price)
    let next = 0
    let accepted = 0
    /** Pays for the next segment and fetches it; the host's answer to the payment. */
    const buy = async (moment: string): Promise<string> => {
      const segment = segments[next % segments.length]
      const reply = await viewer.pay(segment, price)
      const res = await fetch(ctx.url + segment, { headers: { [TOKEN_HEADER]: viewer.token } })
      await res.arrayBuffer()
      tally(`${moment}: ${reply.ok ? 'paid' : reply.code}, GET ${res.status}`)
      if (!reply.ok && res.status === 200) violations.push(`${segment} was served though its payment was refused (${moment})`)
      if (!reply.ok) return reply.code
      accepted = reply.paid
      viewer.delivered(segment)
      next++
      return 'paid'
    }
    let cases = 0
    try {
      if ((await buy('before')) !== 'paid') throw new Error('the host refused a payment before the disk filled')
      truncateWal(dataDir)
      const filler = fillUp(dataDir)
      let refused = 0
      try {
        for (const until = Date.now() + ctx.durationMs / 2; Date.now() < until && cases < ctx.maxCases; cases++) {
          if ((await buy('full')) === 'storage_unavailable') refused++
          await new Promise((resolve) => setTimeout(resolve, PACE_MS))
        }
      } finally {
        rmSync(filler)
      }
      if (refused === 0) violations.push('the disk was full and no payment was refused')
      let resumed = false
      for (const until = Date.now() + RECOVERY_MS; !resumed && Date.now() < until; ) resumed = (await buy('space back')) === 'paid'
      if (!resumed) violations.push(`no payment was taken within ${RECOVERY_MS} ms of the space coming back`)
      const close = await viewer.send('close', { channelId: viewer.channelId })
      const settled = close.ok && close.closeTxid ? await closePays(ctx.url, close.closeTxid) : 0
      if (settled !== accepted) violations.push(`acknowledged ${accepted}, the close on the ledger pays ${settled}`)
      lose(accepted - settled)
    } finally {
      viewer.disconnect()
    }
    return cases
  })
}
