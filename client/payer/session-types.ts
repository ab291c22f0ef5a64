// What a channel session is given and what it tells: its options, its snapshot for the UI, and its events.
import type { ChannelSnapshot, SettlementSummary, Terms } from '../../protocol/messages.ts'
import type { BudgetAlert, LimitState } from './budgets.ts'
import type { AlertThreshold, CapAlert } from './cap-alerts.ts'
import type { ChannelWallet } from './channel-wallet.ts'
import type { HostSocket } from './host-request.ts'
import type { SessionPhase } from './session-phase.ts'
import type { BudgetGuard } from './spending-book.ts'
import type { KeyValueStorage } from './storage.ts'
import type { ViewerError } from './viewer-errors.ts'

export interface ChannelSessionOptions {
  socket: HostSocket
  /** The terms the socket brought before the session listened, when it was opened earlier (as the page loads). */
  earlyTerms?: Terms | null
  wallet: ChannelWallet
  storage: KeyValueStorage
  /** Where this session's state is kept; use one key per host. */
  storageKey?: string
  thresholds?: readonly AlertThreshold[]
  /** How long to wait for the host's answer to one message. */
  ackTimeoutMs?: number
  /** How long a paid segment may stay undelivered before the session gives up paying ahead. */
  deliveryTimeoutMs?: number
  /** The host and monthly limits, asked before every signature; without one only the viewing's cap applies. */
  budget?: BudgetGuard
  /** What the receipts name: the host and the stream watched. */
  label?: { host: string; stream: string }
  /** The clock the receipts' dates come from. */
  clock?: () => number
}

/** A read-only picture of the session for the UI and for tests. */
export interface SessionSnapshot {
  phase: SessionPhase
  channelId: string | null
  token: string | null
  /** The viewer's total cap for this viewing session, across channels. */
  cap: number
  /** Spent in this viewing session, tips included, across channels. */
  spent: number
  /** Paid on the current channel (tips included). */
  paid: number
  tips: number
  segments: number
  /** Seconds of media paid for in this viewing session. */
  seconds: number
  capacity: number
  pricePerSecond: number | null
  network: Terms['network'] | null
  atCap: boolean
}

export interface PaymentEvent {
  kind: 'segment' | 'tip'
  segment: string | null
  amount: number
  spent: number
  cap: number
}

export interface SessionEvents {
  terms: [terms: Terms]
  opened: [info: { channelId: string; capacity: number; cap: number }]
  resumed: [snapshot: ChannelSnapshot]
  paid: [payment: PaymentEvent]
  alert: [alert: CapAlert]
  capReached: [info: { spent: number; cap: number; price: number }]
  /** A host or monthly limit would be passed: nothing is signed until limitsChanged() (or close). */
  limitReached: [info: { limit: LimitState; price: number }]
  budgetAlert: [alert: BudgetAlert]
  capRaised: [info: { cap: number; newChannel: boolean }]
  /** `final` is false when a channel was settled only to open a bigger one. */
  settled: [summary: SettlementSummary, info: { final: boolean }]
  hostStatus: [status: { accepting: boolean; reason?: string }]
  error: [error: ViewerError]
  change: [snapshot: SessionSnapshot]
}
