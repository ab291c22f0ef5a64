// Call order and group commit for a store whose engine answers over the network. Writes run one after the other in
// the order they were called; a read waits for the writes called before it, then runs beside later ones. Items of one
// kind (payments) that arrive while the previous write is committing are committed together by the next
// one: one statement and one fsync for the lot, each caller answered only once its item is durable.

export class OrderedLane {
  private tail: Promise<unknown> = Promise.resolve()

  write<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work)
    this.tail = result.catch(() => undefined)
    return result
  }

  read<T>(work: () => Promise<T>): Promise<T> {
    return this.tail.then(work)
  }

  /** Resolves once every write called so far has finished. */
  drained(): Promise<void> {
    return this.tail.then(() => undefined)
  }
}

/** What one item's commit came to: null when it is durable, or the error that refused it. */
export type ItemOutcome = Error | null

interface Queued<I> {
  item: I
  resolve: () => void
  reject: (error: Error) => void
}

export class GroupCommit<I> {
  private queued: Array<Queued<I>> = []

  /**
   * `commit` writes a batch in one statement and says how each item fared. When it throws instead (the connection
   * dropped, a deadlock with another instance), each item is tried again on its own, so one bad item never takes the
   * others down with it.
   */
  constructor(
    private readonly lane: OrderedLane,
    private readonly commit: (batch: readonly I[]) => Promise<ItemOutcome[]>,
  ) {}

  add(item: I): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ item, resolve, reject })
      if (this.queued.length === 1) void this.lane.write(() => this.flush())
    })
  }

  private async flush(): Promise<void> {
    const batch = this.queued
    this.queued = []
    let outcomes: ItemOutcome[]
    try {
      outcomes = await this.commit(batch.map((queued) => queued.item))
    } catch {
      for (const queued of batch) await this.alone(queued)
      return
    }
    batch.forEach((queued, index) => settle(queued, outcomes[index] ?? null))
  }

  private async alone(queued: Queued<I>): Promise<void> {
    try {
      const [outcome] = await this.commit([queued.item])
      settle(queued, outcome ?? null)
    } catch (error) {
      queued.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }
}

function settle<I>(queued: Queued<I>, outcome: ItemOutcome): void {
  if (outcome === null) queued.resolve()
  else queued.reject(outcome)
}
