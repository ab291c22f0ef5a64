// The data folder holds the channel key, the payout key, the store (every channel's refund and signed updates, the
// admin token's digest) and the devnet's chain: only its owner may read it. It is made 0700 with its files 0600, and a
// folder made by an older version, or by hand, is tightened the same way at every start. SQLite gives the -wal and
// -shm files it makes later the mode of their database file, so they stay 0600 too.
import { chmodSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export const PRIVATE_FOLDER_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** Creates `dir` if needed; then it, every folder in it, and every file in them are the owner's alone. Links are left alone. */
export function makePrivate(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER_MODE })
    tighten(dir)
  } catch (error) {
    throw new Error(`Cannot make the data folder ${dir} readable by its owner only (0700, files 0600): ${(error as Error).message}. Run the host as the user who owns it, or give another --data.`)
  }
}

function tighten(dir: string): void {
  chmodSync(dir, PRIVATE_FOLDER_MODE)
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) tighten(path)
    else if (entry.isFile()) chmodSync(path, PRIVATE_FILE_MODE)
  }
}
