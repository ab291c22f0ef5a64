// Where the channel core finds an open channel: live in this process, or, in a cluster, in the shared store (the viewer
// reconnected here after another instance died, or the other instance accepted payments since this one last looked).
// Alone, the live registry is complete and the store is never asked.
import type { ChannelRecord, ChannelStore } from '../store/channel-store.ts'
import { isDigest, type ChannelTokens } from './channel-tokens.ts'
import type { Cluster } from './cluster.ts'
import type { LiveChannel, LiveChannels } from './live-channels.ts'

export class ChannelLoader {
  constructor(
    private readonly live: LiveChannels,
    private readonly store: ChannelStore,
    private readonly cluster: Cluster,
    private readonly tokens: ChannelTokens,
    /** Hears of each channel put live (the funding watch follows it from then on). */
    private readonly loaded: (record: ChannelRecord) => void,
  ) {}

  /** Puts a stored open channel live, with the segments it has paid for. */
  async load(record: ChannelRecord): Promise<LiveChannel> {
    const live = this.live.add(record, await this.store.segmentPayments(record.id))
    this.loaded(record)
    return live
  }

  /** The open channel with this id: live here, or loaded from the store when the cluster shares it. */
  async byId(id: string): Promise<LiveChannel | undefined> {
    return this.live.byChannelId(id) ?? (this.cluster.shared ? this.reload(id) : undefined)
  }

  /** The open channel a segment request's token names (the store holds the token's digest). */
  async byToken(token: string, segment: string): Promise<LiveChannel | undefined> {
    const found = await this.byStoredToken(this.tokens.digest(token), segment)
    if (found) return found
    // A channel opened by an older version keeps its token in plain text until it closes.
    const older = await this.byStoredToken(token, segment)
    return older && !isDigest(older.record.token) ? older : undefined
  }

  /**
   * The open channel whose stored token is `stored`. In a cluster, a channel unknown here or not entitled to `segment`
   * here is read again from the store first: it may have paid for it on another instance.
   */
  private async byStoredToken(stored: string, segment: string): Promise<LiveChannel | undefined> {
    const live = this.live.byToken(stored)
    if (!this.cluster.shared || live?.entitlements.has(segment)) return live
    const found = await this.store.channelByToken(stored)
    if (!found) {
      if (live) this.live.remove(live.record.id)
      return undefined
    }
    return this.load(found)
  }

  /** The store's view of a channel replaces this process's: live again when it is open, dropped otherwise. */
  async reload(id: string): Promise<LiveChannel | undefined> {
    const stored = await this.store.channel(id)
    if (stored?.state === 'open') return this.load(stored)
    this.live.remove(id)
    return undefined
  }
}
