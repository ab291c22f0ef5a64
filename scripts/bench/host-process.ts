// The real host (host-entry.ts) in a process of its own, for the tools that must see it as the outside world does:
// `npm run chaos` kills it and starts it again on the same port and data folder, as a supervisor restarts a crashed
// host; `npm run soak` reads its memory, descriptors and event loop while viewers come and go.
import type { HostConfigInput } from '../../server/config.ts'
import { startChild, type BenchChild } from './child-process.ts'

export interface HostProcess {
  /** The same across restarts. */
  readonly url: string
  /** The process now running (a restart is a new one). */
  readonly pid: number
  ask<T>(message: Record<string, unknown>): Promise<T>
  /** SIGKILL: nothing is flushed or closed. */
  kill(): Promise<void>
  /** A new process on the same port and data folder (after kill, or to apply nothing new). */
  restart(): Promise<void>
  stop(): Promise<void>
}

export interface HostProcessOptions {
  /** Node flags, e.g. --expose-gc for heap after GC. */
  nodeOptions?: string[]
}

export async function startHostProcess(config: HostConfigInput, opts: HostProcessOptions = {}): Promise<HostProcess> {
  const start = (input: HostConfigInput) => startChild('./host-entry.ts', [JSON.stringify(input)], { nodeOptions: opts.nodeOptions })
  let child: BenchChild = await start(config)
  // A restart keeps the port the first start was given, so viewers reconnect to the address they know.
  const pinned = { ...config, port: Number(new URL(child.url).port) }
  return {
    url: child.url,
    get pid() {
      return child.pid
    },
    ask<T>(message: Record<string, unknown>) {
      return child.ask<T>(message)
    },
    kill: () => child.kill(),
    async restart() {
      await child.stop()
      child = await start(pinned)
    },
    stop: () => child.stop(),
  }
}
