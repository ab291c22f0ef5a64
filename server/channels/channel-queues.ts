// One queue per channel: its payments, and its settlement, run one at a time in arrival order. Each update is then
// checked against the state its predecessor left, however fast a client sends them, and a close is built only after
// every payment queued before it has been committed or refused.
export class ChannelQueues {
  /** The tail of each channel's queue. */
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(channelId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(channelId) ?? Promise.resolve()
    const result = previous.then(work)
    const tail = result.catch(() => undefined)
    this.tails.set(channelId, tail)
    void tail.then(() => {
      if (this.tails.get(channelId) === tail) this.tails.delete(channelId)
    })
    return result
  }
}
