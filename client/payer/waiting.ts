// The session's ways of waiting: for a condition that others signal (a delivery, a raised cap), for a gate to open
// (the channel becoming usable), and for earlier work to finish (payments run one at a time).

/** Thrown to a payment that was waiting when the channel closed or the caller gave up. */
export class PaymentCancelled extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PaymentCancelled'
  }
}

interface Waiter {
  resolve: () => void
  reject: (error: Error) => void
}

/** Callers waiting for one condition; an aborted caller leaves the list. */
export class WaiterList {
  private waiters: Waiter[] = []

  wait(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new PaymentCancelled('aborted'))
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        reject(new PaymentCancelled('aborted'))
      }
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort)
          reject(error)
        },
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiters.push(waiter)
    })
  }

  resolveAll(): void {
    for (const waiter of this.take()) waiter.resolve()
  }

  rejectAll(error: Error): void {
    for (const waiter of this.take()) waiter.reject(error)
  }

  private take(): Waiter[] {
    const waiters = this.waiters
    this.waiters = []
    return waiters
  }
}

/** Open or closed; while closed, passing through waits until it opens. */
export class Gate {
  private passage: Promise<void> = Promise.resolve()
  private release: (() => void) | null = null

  /** Closing a closed gate keeps it as it is: whoever waits already is let through by the next open(). */
  close(): void {
    if (this.release) return
    this.passage = new Promise((resolve) => {
      this.release = resolve
    })
  }

  open(): void {
    this.release?.()
    this.release = null
  }

  pass(): Promise<void> {
    return this.passage
  }
}

/** Runs tasks one after the other, in the order given; one failed task does not stop the next. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task)
    this.tail = result.catch(() => undefined)
    return result
  }
}
