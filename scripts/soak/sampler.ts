// Samples the host process once a second while the soak runs: RSS and heap after a full GC (the host entry, started
// with --expose-gc, answers over IPC), the event loop's delay over the second gone, and from outside the process its
// open file descriptors (/proc/<pid>/fd) and the size of its SQLite WAL.
import { readdirSync, statSync } from 'node:fs'
import type { HostStats } from '../bench/host-entry.ts'
import type { HostProcess } from '../bench/host-process.ts'
import type { LoopDelay } from '../bench/loop-delay.ts'
import type { SoakSample } from './trend.ts'

function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

export interface Sampler {
  samples: SoakSample[]
  /** Stops after the sample under way, if any; throws what stopped the sampling early, if anything did. */
  stop(): Promise<void>
}

export function startSampler(host: HostProcess, walPath: string, viewers: () => number, started: number, intervalMs = 1_000): Sampler {
  const samples: SoakSample[] = []
  let stopped = false
  const take = async () => {
    // The loop's delay first: the full GC the stats ask for stalls the loop once, and that one late tick then falls
    // in the next second's histogram, where a p99 over about a thousand ticks does not see it.
    const loop = await host.ask<LoopDelay>({ type: 'loop-delay' })
    const stats = await host.ask<HostStats & { gcExposed: boolean }>({ type: 'stats' })
    if (!stats.gcExposed) throw new Error('the host process runs without --expose-gc: its heap would not be measured after a GC')
    samples.push({
      t: Math.round((performance.now() - started) / 10) / 100,
      rssBytes: stats.rss,
      heapBytes: stats.heapUsed,
      fds: readdirSync(`/proc/${host.pid}/fd`).length,
      walBytes: fileSize(walPath),
      loopP99Ms: loop.p99_ms,
      viewers: viewers(),
    })
  }
  let failure: unknown = null
  const running = (async () => {
    for (let next = performance.now(); !stopped; ) {
      await take()
      next += intervalMs
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())))
    }
  })().catch((error: unknown) => {
    failure = error
  })
  return {
    samples,
    async stop() {
      stopped = true
      await running
      if (failure) throw failure
    },
  }
}
