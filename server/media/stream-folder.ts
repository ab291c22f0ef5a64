// A stream folder appears complete or not at all: ffmpeg writes into a hidden temporary sibling
// (media/.NAME.tmp-<pid>), which is renamed into place only after everything succeeded, and removed otherwise.
// Leftovers of runs that were killed outright (SIGKILL, power loss) are removed by the next run.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { MediaError } from './errors.ts'

const TEMP_MARK = '.tmp-'

export function tempFolderFor(finalDir: string, pid: number = process.pid): string {
  return join(dirname(finalDir), `.${basename(finalDir)}${TEMP_MARK}${pid}`)
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes `.NAME.tmp-<pid>` folders whose process is gone. */
export function removeStaleTempFolders(finalDir: string): void {
  const parent = dirname(finalDir)
  const prefix = `.${basename(finalDir)}${TEMP_MARK}`
  let entries: string[]
  try {
    entries = readdirSync(parent)
  } catch {
    return
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue
    const pid = Number(entry.slice(prefix.length))
    if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid)) rmSync(join(parent, entry), { recursive: true, force: true })
  }
}

/** Creates the empty temp folder with one subfolder per rendition; a MediaError says why the output is not writable. */
export function createTempFolder(finalDir: string, subfolders: string[]): string {
  const parent = dirname(finalDir)
  const temp = tempFolderFor(finalDir)
  try {
    mkdirSync(parent, { recursive: true })
    rmSync(temp, { recursive: true, force: true })
    for (const sub of subfolders) mkdirSync(join(temp, sub), { recursive: true })
  } catch (error) {
    try {
      rmSync(temp, { recursive: true, force: true })
    } catch {
      // The parent is unusable, so there is nothing of ours in it to remove.
    }
    const code = (error as NodeJS.ErrnoException).code
    throw new MediaError(`Cannot write to the output folder ${parent} (${code ?? (error as Error).message}). Choose another one with --out DIR.`)
  }
  return temp
}

/** Moves the finished temp folder into place, replacing an existing stream only when asked to. */
export function publishFolder(temp: string, finalDir: string, replace: boolean): void {
  if (existsSync(finalDir)) {
    if (!replace) throw new MediaError(`${finalDir} already exists; use --force to replace it.`)
    const old = join(dirname(finalDir), `.${basename(finalDir)}.old-${process.pid}`)
    renameSync(finalDir, old)
    renameSync(temp, finalDir)
    rmSync(old, { recursive: true, force: true })
  } else {
    renameSync(temp, finalDir)
  }
}

export function removeFolder(path: string): void {
  rmSync(path, { recursive: true, force: true })
}
