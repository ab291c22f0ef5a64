// The devnet server (`npm run devnet`'s) on a thread of its own, so a test can keep it busy while the test's own
// thread goes on sending requests: the way a loaded ledger's idle keep-alive timeout fires while a request is already
// on its way to it.
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { tempDir } from './host.ts'

export interface DevnetThread {
  /** e.g. http://127.0.0.1:PORT/devnet */
  url: string
  /** Blocks the devnet's thread for `ms`; resolves as soon as it is blocked. */
  stall(ms: number): Promise<void>
  /** The txids the ledger has accepted, in order, as it logged them (each tx is logged once, when first stored). */
  accepted(): Promise<string[]>
  close(): Promise<void>
}

type Answer = { url: string } | { stalling: true } | { accepted: string[] }

export async function startDevnetThread(opts: { keepAliveTimeoutSeconds: number }): Promise<DevnetThread> {
  const dataDir = tempDir('devnet-thread')
  const body = new URL('./devnet-thread-body.ts', import.meta.url).href
  // Worker threads do not inherit tsx's loader from --import: register it inside, then load the body.
  const source = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(body)}) })`
  const worker = new Worker(source, { eval: true, workerData: { dataDir, keepAliveTimeoutSeconds: opts.keepAliveTimeoutSeconds } })
  const next = async (): Promise<Answer> => ((await once(worker, 'message')) as [Answer])[0]
  const { url } = (await next()) as { url: string }
  return {
    url,
    async stall(ms) {
      worker.postMessage({ stallMs: ms })
      await next()
    },
    async accepted() {
      worker.postMessage({ accepted: true })
      return ((await next()) as { accepted: string[] }).accepted
    },
    async close() {
      await worker.terminate()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
