// Whether this host shares its channels with other instances of itself. Alone (SQLite, the default) it owns every
// channel and keeps all open ones live. In a cluster (PostgreSQL) any instance may hold a channel: the store is the
// truth, a channel is loaded where its viewer turns up, and one instance at a time may settle it.
export interface Cluster {
  /** True when other instances write to the same store: a live record here may be stale. */
  readonly shared: boolean
  /**
   * Runs `work` while this instance holds the channel's settlement lock across the cluster. When another instance
   * holds it: with `wait`, waits for it (and throws after a bound); without, resolves null at once.
   */
  exclusively<T>(channelId: string, work: () => Promise<T>, wait: boolean): Promise<T | null>
}

export const ALONE: Cluster = {
  shared: false,
  exclusively: (_channelId, work) => work(),
}
