// A small pool of payer worker threads (see payer-worker.ts), least-busy first.
import { Worker } from 'node:worker_threads'
import type { PayerAnswer, PayerJob } from './payer-worker.ts'

export interface PayerPool {
  run<K extends PayerJob['kind']>(job: Extract<PayerJob, { kind: K }>): Promise<Extract<PayerAnswer, { kind: K }>>
  close(): Promise<void>
}

export function startPayerPool(size: number): PayerPool {
  const file = new URL('./payer-worker.ts', import.meta.url).href
  // Worker threads do not inherit tsx's loader from --import: register it inside, then load the worker body.
  const source = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file)}) })`
  const workers = Array.from({ length: size }, () => ({ worker: new Worker(source, { eval: true }), busy: 0 }))
  const pending = new Map<number, { resolve: (answer: PayerAnswer) => void; reject: (error: Error) => void }>()
  let nextId = 1
  for (const slot of workers) {
    slot.worker.on('message', ({ id, answer, error }: { id: number; answer?: PayerAnswer; error?: string }) => {
      slot.busy--
      const waiter = pending.get(id)
      pending.delete(id)
      if (error !== undefined) waiter?.reject(new Error(error))
      else waiter?.resolve(answer!)
    })
    slot.worker.on('error', (error) => {
      for (const waiter of pending.values()) waiter.reject(error)
      pending.clear()
    })
  }
  return {
    run(job) {
      const slot = workers.reduce((best, candidate) => (candidate.busy < best.busy ? candidate : best))
      const id = nextId++
      slot.busy++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (answer: PayerAnswer) => void, reject })
        slot.worker.postMessage({ id, job })
      })
    },
    async close() {
      await Promise.all(workers.map(({ worker }) => worker.terminate()))
    },
  }
}
