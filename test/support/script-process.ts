// A project script (scripts/start.ts, the devnet) as a child process of a test, with its output collected so the test
// can wait for a line it prints, and see everything it said when it fails.
import { spawn, type ChildProcess } from 'node:child_process'

const repo = new URL('../..', import.meta.url).pathname

export interface ScriptProcess {
  child: ChildProcess
  /** Resolves with the first match of `pattern` in the process's output; rejects if it exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  /** Everything it printed so far. */
  output(): string
  /** Its exit code, once it exits. */
  exit: Promise<number | null>
  stop(): Promise<number | null>
}

export function runScript(script: string, args: string[], env: Record<string, string> = {}): ScriptProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1', ...env } })
  let output = ''
  let exited: number | null | undefined
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exited = code))))
  return {
    child,
    exit,
    output: () => output,
    async waitFor(pattern, timeoutMs = 30_000) {
      for (const start = Date.now(); Date.now() - start < timeoutMs; await new Promise((r) => setTimeout(r, 50))) {
        const match = output.match(pattern)
        if (match) return match
        if (exited !== undefined) throw new Error(`${script} exited with ${exited} before printing ${pattern}:\n${output}`)
      }
      throw new Error(`${script} did not print ${pattern} within ${timeoutMs} ms:\n${output}`)
    },
    async stop() {
      if (exited === undefined) child.kill('SIGTERM')
      return exit
    },
  }
}
