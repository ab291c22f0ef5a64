// Runs each server of the bench in its own Node process (so the load generator never shares its event loop) and
// talks to it over IPC: a `ready` message with its URL, then request/answer pairs.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface BenchChild {
  url: string
  pid: number
  ask<T>(message: Record<string, unknown>): Promise<T>
  stop(): Promise<void>
  /** SIGKILL, as a crash or the OOM killer would: no handler runs. Resolves once it is gone. */
  kill(): Promise<void>
}

/**
 * Forks `entry` under Node with tsx; `wrapper` (a command and its arguments, e.g. valgrind's) runs Node under it.
 */
export async function startChild(entry: string, args: string[], opts: { nodeOptions?: string[]; readyTimeoutMs?: number; wrapper?: string[] } = {}): Promise<BenchChild> {
  const nodeArgs = ['--import', 'tsx', ...(opts.nodeOptions ?? [])]
  const [wrapper, ...wrapperArgs] = opts.wrapper ?? []
  const child: ChildProcess = fork(fileURLToPath(new URL(entry, import.meta.url)), args, {
    ...(wrapper ? { execPath: wrapper, execArgv: [...wrapperArgs, process.execPath, ...nodeArgs] } : { execArgv: nodeArgs }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const pending = new Map<number, (answer: unknown) => void>()
  let nextId = 1
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start within ${opts.readyTimeoutMs ?? 30_000} ms`)), opts.readyTimeoutMs ?? 30_000)
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before it was ready`)))
    child.on('message', (message: { type?: string; id?: number; url?: string }) => {
      if (message.type === 'ready') {
        clearTimeout(timer)
        resolve(message.url!)
      } else if (message.id !== undefined) {
        pending.get(message.id)?.(message)
        pending.delete(message.id)
      }
    })
  })
  return {
    url,
    pid: child.pid!,
    ask<T>(message: Record<string, unknown>) {
      const id = nextId++
      return new Promise<T>((resolve) => {
        pending.set(id, resolve as (answer: unknown) => void)
        child.send({ ...message, id })
      })
    },
    kill() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
      return new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGKILL')
      })
    },
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        child.kill('SIGTERM')
      })
    },
  }
}
