// The one document the dashboard page, its live namespace and GET /api/host/stats all carry.
import type { Network } from '../../protocol/messages.ts'
import type { channelRow } from '../api/routes.ts'
import { snapshotOf, type HostStats, type StatsSnapshot } from './stats.ts'

export type ChannelRow = ReturnType<typeof channelRow>

export interface DashboardSnapshot extends StatsSnapshot {
  network: Network
  /** Most recent channels first. */
  channelRows: ChannelRow[]
}

/** How many channels the table shows; the full list is at GET /api/channels. */
export const TABLE_ROWS = 100

export function dashboardSnapshot(stats: HostStats, now: number, lastActivity: readonly number[], network: Network, rows: ChannelRow[]): DashboardSnapshot {
  return { ...snapshotOf(stats, now, lastActivity), network, channelRows: rows.slice(0, TABLE_ROWS) }
}
