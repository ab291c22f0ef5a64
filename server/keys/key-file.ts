// A private key in a file of its own in the data folder: mode 0600, written once and fsynced, never logged. The host's
// channel key and its devnet payout key live this way; a folder copied with looser permissions is tightened on load.
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs'
import { PrivateKey } from '@bsv/sdk'

export interface KeyFileLog {
  warn(details: object, message: string): void
}

/** Writes `key` (WIF) to a new file only the owner can read; refuses to overwrite one. */
export function writeKeyFile(path: string, key: PrivateKey): void {
  const fd = openSync(path, 'wx', 0o600)
  try {
    writeSync(fd, `${key.toWif()}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** The key in `path`, or null when there is no such file. Throws, naming the file, when it holds no key. */
export function readKeyFile(path: string, log?: KeyFileLog): PrivateKey | null {
  if (!existsSync(path)) return null
  if ((statSync(path).mode & 0o077) !== 0) {
    chmodSync(path, 0o600)
    log?.warn({ path }, 'a key file was readable by others; its mode is now 0600')
  }
  try {
    return PrivateKey.fromWif(readFileSync(path, 'utf8').trim())
  } catch {
    throw new Error(`${path} does not hold a private key (WIF). Restore it from your backup; without it the host cannot settle its open channels.`)
  }
}

/** The key in `path`, made now from `create()` when the file does not exist yet. */
export function keyFromFile(path: string, create: () => PrivateKey, log?: KeyFileLog): { key: PrivateKey; created: boolean } {
  const existing = readKeyFile(path, log)
  if (existing) return { key: existing, created: false }
  const key = create()
  writeKeyFile(path, key)
  return { key, created: true }
}
