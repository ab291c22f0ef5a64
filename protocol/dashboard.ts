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
  /** Set while the close has failed at the ledger and is being retried: "settlement pending". */
  settlementPending?: { failures: number; lastError: string; nextAttemptAt: number }
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

/** One stream of the host's library, or one that sold before it left it. */
export interface StreamRow {
  /** Its playlist's path on the host, decoded (/media/shows/s01/master.m3u8); null: sales stored before streams were recorded. */
  stream: string | null
  name: string
  /** Satoshis per second it is sold at now; null when it is not in the library (any more) or not for sale. */
  pricePerSecond: number | null
  /** Seconds of media sold, over every channel since the store began. */
  secondsSold: number
  earned: number
}

export interface DashboardSnapshot extends StatsSnapshot {
  network: Network
  payout: PayoutView
  /** Most recent channels first, unfunded opens left out. */
  channelRows: ChannelRow[]
  /** Where GET /api/channels goes on after channelRows (null: they are all there is). */
  channelCursor: string | null
  /** The library's streams in its order, then those that sold and are no longer listed. */
  streams: StreamRow[]
  /** The latest tips, newest first, each with the viewer's note (untrusted text: render it as text only). */
  tips: TipRow[]
  /** Returning viewers: those who let the host know their identity key, most recently seen first. */
  viewers: KnownViewerRow[]
}

/** A viewer known by the identity key they chose to share: their funded channels and what those paid. */
export interface KnownViewerRow {
  identityKey: string
  channels: number
  paid: number
  lastSeenAt: number
}

/** One tip a viewer sent. */
export interface TipRow {
  channelId: string
  amount: number
  note: string | null
  at: number
}

/** The states the admin may filter channels by; the dashboard's default leaves out unfunded opens. */
export const LISTED_STATES: readonly ChannelState[] = ['open', 'closing', 'closed']

/** One page of GET /api/channels?state=…&cursor=…&limit=…: newest first; nextCursor null on the last page. */
export interface ChannelPage {
  channels: ChannelRow[]
  nextCursor: string | null
}
