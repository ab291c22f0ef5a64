// What the admin API and the dashboard see of the channels, each part from the object that keeps it: the store (pages
// of channels, tips, returning viewers, sales per stream), the live registry (the channels open here, with their
// latest figures), the settlement (closes being retried), the terms, and the Start/Stop switch, the one thing they may
// change.
import type { ChannelQuery, ChannelRecord, ChannelStore } from '../store/channel-store.ts'
import type { AcceptingSwitch } from './accepting-switch.ts'
import type { ChannelEventSource } from './channel-events.ts'
import type { HostTerms } from './host-terms.ts'
import type { LiveChannels } from './live-channels.ts'
import type { Settlement } from './settlement.ts'

export type ChannelList = (query: ChannelQuery) => Promise<ChannelRecord[]>

export interface ChannelViews {
  /** A page of channels, newest first, each open one with this process's latest figures (channelList). */
  list: ChannelList
  /** The channels open in this process now. */
  live: Pick<LiveChannels, 'records'>
  /** The store's books, read as they are: the latest tips with their viewers' notes, returning viewers, sales per stream. */
  books: Pick<ChannelStore, 'recentTips' | 'knownViewers' | 'salesByStream'>
  /** Closes the ledger has not taken yet, retried with backoff (settlement-retry.ts). */
  settlement: Pick<Settlement, 'pending'>
  terms: Pick<HostTerms, 'current'>
  /** Start/Stop. */
  switch: Pick<AcceptingSwitch, 'accepting' | 'set'>
  events: ChannelEventSource
}

/** Pages of stored channels; a channel open here shows its live record, which may be ahead of the store's by a resume. */
export function channelList(store: Pick<ChannelStore, 'channelsPage'>, live: Pick<LiveChannels, 'byChannelId'>): ChannelList {
  return async (query) => (await store.channelsPage(query)).map((record) => live.byChannelId(record.id)?.record ?? record)
}
