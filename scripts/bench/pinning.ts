// Core pinning for the bench (issue 23): the host alone on one core, everything else (the bench itself, the load
// generators, origin, plain proxy, devnet) on the others, so the host's CPU and latency are its own and not the
// generators'. With taskset missing or a single core, nothing is pinned and the results say so.
import { execFileSync } from 'node:child_process'
import { cpus } from 'node:os'

export interface Pinning {
  /** taskset's core list for the host(s), e.g. "0"; null when nothing is pinned. */
  host: string | null
  /** The core list for everything else. */
  rest: string | null
  /** What the results say about it. */
  note: string
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Pins this process (and so every child it forks from now on) to the rest cores, when it can. */
export function pinBench(wanted: boolean): Pinning {
  const cores = cpus().length
  if (!wanted) return { host: null, rest: null, note: 'not pinned (--no-pin): the host shares every core with the load' }
  if (cores < 2) return { host: null, rest: null, note: `not pinned: ${cores} core` }
  if (!hasTaskset()) return { host: null, rest: null, note: 'not pinned: taskset not found (util-linux); the host shares every core with the load' }
  const pinning = { host: '0', rest: cores === 2 ? '1' : `1-${cores - 1}`, note: '' }
  if (!pin(process.pid, pinning.rest)) return { host: null, rest: null, note: 'not pinned: taskset could not set this process\'s affinity' }
  return { ...pinning, note: `host on core ${pinning.host}, bench, load generators, origin, proxy and devnet on core(s) ${pinning.rest} (taskset)` }
}

/** Sets the affinity of every thread of `pid`; false when taskset refused (the bench goes on unpinned for it). */
export function pin(pid: number, cores: string | null): boolean {
  if (cores === null) return false
  try {
    execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cores, String(pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
