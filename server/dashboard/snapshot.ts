// The one document the dashboard page, its live namespace and GET /api/host/stats all carry.
import type { ChannelRow, DashboardSnapshot } from '../../protocol/dashboard.ts'
import type { Network } from '../../protocol/messages.ts'
import { snapshotOf, type HostStats } from './stats.ts'

/** How many channels the table shows; the full list is at GET /api/channels. */
export const TABLE_ROWS = 100

export function dashboardSnapshot(stats: HostStats, now: number, lastActivity: readonly number[], network: Network, rows: ChannelRow[]): Omit<DashboardSnapshot, 'payout'> {
  return { ...snapshotOf(stats, now, lastActivity), network, channelRows: rows.slice(0, TABLE_ROWS) }
}
