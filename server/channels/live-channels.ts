// The registry of open channels the host holds in memory: each one's record and the segments it has paid for, found
// by id (payments) or by access token (segment requests). Only open channels live here; the store keeps the rest.
import type { PaidEntries } from '../../protocol/hls/entry-charge.ts'
import type { ChannelRecord } from '../store/channel-store.ts'

export interface LiveChannel {
  record: ChannelRecord
  /** Segment key (protocol/hls/segment-key.ts) -> the price it was paid for. */
  entitlements: Map<string, number>
}

/** What a channel has paid for, as the charge rules read it. */
export function paidEntriesOf(live: LiveChannel): PaidEntries {
  return { has: (id) => live.entitlements.has(id), ids: () => live.entitlements.keys() }
}

export class LiveChannels {
  private readonly byId = new Map<string, LiveChannel>()
  private readonly idByToken = new Map<string, string>()

  add(record: ChannelRecord, paidSegments: Iterable<{ subject: string; amount: number }>): LiveChannel {
    const entitlements = new Map<string, number>()
    for (const payment of paidSegments) entitlements.set(payment.subject, payment.amount)
    // A copy: a record read from SQLite is a row object in V8's dictionary mode (~1.6 KB of properties for its 27
    // columns), the copy has fast properties (~0.2 KB), and the registry holds one for every open channel.
    const live: LiveChannel = { record: { ...record }, entitlements }
    this.byId.set(record.id, live)
    this.idByToken.set(record.token, record.id)
    return live
  }

  remove(id: string): void {
    const live = this.byId.get(id)
    if (!live) return
    this.byId.delete(id)
    this.idByToken.delete(live.record.token)
  }

  byChannelId(id: string): LiveChannel | undefined {
    return this.byId.get(id)
  }

  byToken(token: string): LiveChannel | undefined {
    const id = this.idByToken.get(token)
    return id === undefined ? undefined : this.byId.get(id)
  }

  records(): ChannelRecord[] {
    return [...this.byId.values()].map((live) => live.record)
  }
}
