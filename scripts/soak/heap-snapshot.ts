// Heap snapshots of the soak's host, for finding what grows: the host runs with --heapsnapshot-signal, and each
// snapshot is a signal and a wait until V8 has finished writing the file. Compare two in Chrome DevTools (Memory,
// Load, then the Comparison view of the later one).
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** The host's Node options that make SIGUSR2 write a snapshot into `dir`. */
export function heapSnapshotOptions(dir: string): string[] {
  return ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`]
}

/** Signals the host and resolves with the snapshot's path once its size has stopped changing. */
export async function takeHeapSnapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir))
  process.kill(pid, 'SIGUSR2')
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  for (let waited = 0; waited < 120_000; waited += 500) {
    await sleep(500)
    const file = readdirSync(dir).find((name) => !before.has(name) && name.endsWith('.heapsnapshot'))
    if (!file) continue
    const path = join(dir, file)
    let size = -1
    while (statSync(path).size !== size) {
      size = statSync(path).size
      await sleep(1_000)
    }
    return path
  }
  throw new Error(`the host wrote no heap snapshot into ${dir} within 2 minutes`)
}
