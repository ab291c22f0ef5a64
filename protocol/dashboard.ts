// The host dashboard's wire contract: the snapshot that GET /api/host/stats returns and the live namespace pushes, and
// the rows of its channel table. The host builds it (server/dashboard/), the page renders it (client/dashboard/).
import type { ChannelState, CloseReason, Network } from './messages.ts'

/** The Socket.IO namespace of the live feed, admitted with the admin token. */
export const DASHBOARD_NAMESPACE = '/host'

export interface DashboardServerEvents {
  snapshot: (snapshot: DashboardSnapshot) => void
}

/** One channel as the admin sees it (GET /api/channels and the dashboard's table). */
export interface ChannelRow {
  id: string
  state: ChannelState
  /** The viewer's public key. */
  viewer: string
  capacity: number
  paid: number
  tips: number
  segments: number
  seconds: number
  fee: number
  lockTime: number
  fundingTxid: string
  closeTxid: string | null
  closeReason: CloseReason | null
  createdAt: number
  lastActivityAt: number
  closedAt: number | null
}

export interface StatsSnapshot {
  at: number
  accepting: boolean
  watchingNow: number
  channels: { open: number; settled: number }
  earned: {
    /** accepted + settled. */
    total: number
    /** Off chain: signed updates held for channels not settled yet. */
    accepted: number
    /** On chain: carried by close transactions. */
    settled: number
    /** Included in the totals above. */
    tips: number
  }
  ratePerMinute: number
  served: { segments: number; bytes: number; paymentRequired: number }
  updates: { accepted: number; rejected: number; rejectedByCode: Record<string, number> }
  earningsPerMinute: { minutes: number[]; sats: number[] }
}

/** Where the host's earnings go, and what closes have paid there. */
export interface PayoutView {
  address: string
  /** Paid to this address by close transactions the host broadcast (channels opened with another address excluded). */
  settled: number
  channels: number
  /** The host made this address's key itself (devnet without --payout-address): it is in the data folder. */
  generated: boolean
}

export interface DashboardSnapshot extends StatsSnapshot {
  network: Network
  payout: PayoutView
  /** Most recent channels first. */
  channelRows: ChannelRow[]
}
