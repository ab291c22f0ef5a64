// A data folder that can run out of space on demand, for the tests and `npm run chaos`: a small tmpfs (mounting one
// needs root), then a file that takes every byte left. The disk is the outside world, and this is how it fails.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A tmpfs of `megabytes`, or null where this user may not mount one (not root). */
export function smallTmpfs(megabytes: number): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'p2p-full-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { stdio: 'ignore' })
    return dir
  } catch {
    rmSync(dir, { recursive: true, force: true })
    return null
  }
}

export function removeTmpfs(dir: string): void {
  execFileSync('umount', [dir])
  rmSync(dir, { recursive: true, force: true })
}

/** Takes every byte the file system has left; returns the file that holds them (remove it to give them back). */
export function fillUp(dir: string): string {
  const filler = join(dir, 'filler')
  const block = Buffer.alloc(64 * 1024, 1)
  let size = 0
  try {
    for (;;) {
      writeFileSync(filler, block, { flag: 'a' })
      size += block.length
    }
  } catch {
    // ENOSPC: full. Smaller pieces take what is left.
    for (const piece of [4096, 512, 1]) {
      try {
        for (;;) writeFileSync(filler, Buffer.alloc(piece, 1), { flag: 'a' })
      } catch {
        /* next size down */
      }
    }
  }
  if (size === 0) throw new Error(`${dir} was full before it was filled`)
  return filler
}
