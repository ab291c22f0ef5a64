// CPU time of other processes on this machine (a host instance, PostgreSQL and its backends), read from /proc: the
// bench charges each measured phase with exactly what each server spent, whatever else the machine ran meanwhile.
import { readdirSync, readFileSync } from 'node:fs'

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100

function stat(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces: the fields after it start past its closing parenthesis.
    return text.slice(text.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null
  }
}

/** User + system CPU of one process, in microseconds (0 once it is gone). */
export function cpuMicros(pid: number): number {
  const fields = stat(pid)
  if (!fields) return 0
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS_PER_SECOND
}

/** A process and its direct children (PostgreSQL: the postmaster and its backends), in microseconds. */
export function treeCpuMicros(pid: number): number {
  let total = cpuMicros(pid)
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const fields = stat(Number(entry))
    if (fields && Number(fields[1]) === pid) total += cpuMicros(Number(entry))
  }
  return total
}
