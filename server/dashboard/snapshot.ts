// The one document the dashboard page, its live namespace and GET /api/host/stats all carry.
import type { ChannelRow, DashboardSnapshot, KnownViewerRow, TipRow } from '../../protocol/dashboard.ts'
import type { Network } from '../../protocol/messages.ts'
import { snapshotOf, type HostStats } from './stats.ts'
import { streamRows, type ListedStream } from './stream-rows.ts'

/** How many channels the table shows; the full list is at GET /api/channels. */
export const TABLE_ROWS = 100

export interface SnapshotContext {
  network: Network
  rows: ChannelRow[]
  /** GET /api/channels's cursor after `rows`. */
  cursor: string | null
  tips: TipRow[]
  viewers: KnownViewerRow[]
  library: readonly ListedStream[]
  hostPrice: number
}

export function dashboardSnapshot(stats: HostStats, now: number, lastActivity: readonly number[], context: SnapshotContext): Omit<DashboardSnapshot, 'payout'> {
  return {
    ...snapshotOf(stats, now, lastActivity),
    network: context.network,
    channelRows: context.rows.slice(0, TABLE_ROWS),
    channelCursor: context.cursor,
    tips: context.tips.slice(0, TABLE_ROWS),
    viewers: context.viewers.slice(0, TABLE_ROWS),
    streams: streamRows(stats.streams, context.library, context.hostPrice),
  }
}
