// The viewer's current channel as it is remembered across a reload, and the totals of the whole viewing session
// (a cap raise may span several channels: what the earlier ones carried is kept in the "before" fields).
import type { CloseReason, SettlementSummary } from '../../protocol/messages.ts'
import { p2pkhScriptHex } from '../../protocol/scripts.ts'
import { settlementSummary } from '../../protocol/settlement.ts'
import type { PayerChannel } from './payer.ts'
import { readJson, writeJson, type KeyValueStorage } from './storage.ts'
import type { WalletReturn } from './wallet-keys.ts'

export interface PersistedSession {
  version: 1
  channel: PayerChannel
  /** The channel's access token, once the host has accepted the funding. */
  token: string | null
  /** The co-signed refund: the viewer's way back if the host disappears. */
  refundHex: string
  spentBefore: number
  secondsBefore: number
  segmentsBefore: number
  /** Seconds and segments paid on this channel. */
  seconds: number
  segments: number
  firedAlerts: number[]
  /** When this channel was opened (the viewer's clock), for its receipt. */
  openedAt?: number
}

/** What the channels before this one carried, in the same viewing session. */
export type CarriedTotals = Pick<PersistedSession, 'spentBefore' | 'secondsBefore' | 'segmentsBefore'>

export const NOTHING_CARRIED: CarriedTotals = { spentBefore: 0, secondsBefore: 0, segmentsBefore: 0 }

/** The viewing session's totals across its channels. */
export interface SessionTotals {
  /** Spent, tips included. */
  spent: number
  /** The viewer's cap for the whole viewing session. */
  cap: number
  seconds: number
  segments: number
}

export function totalsOf(p: PersistedSession): SessionTotals {
  return {
    spent: p.spentBefore + p.channel.paid,
    cap: p.spentBefore + p.channel.cap,
    seconds: p.secondsBefore + p.seconds,
    segments: p.segmentsBefore + p.segments,
  }
}

/** What the next channel carries over when this one settles with `paid` to open a bigger one. */
export function carriedAfter(p: PersistedSession, paid: number): CarriedTotals {
  return { spentBefore: p.spentBefore + paid, secondsBefore: p.secondsBefore + p.seconds, segmentsBefore: p.segmentsBefore + p.segments }
}

/** What we know of a channel the host settled without telling us (or that we left): our own books of it. */
export function localSummary(p: PersistedSession, reason: CloseReason): SettlementSummary {
  const { channel } = p
  const books = {
    channelId: channel.channelId ?? 'unopened',
    capacity: channel.funding.satoshis,
    fee: channel.fee,
    lockTime: channel.lockTime,
    paid: channel.paid,
    tips: channel.tips,
    seconds: p.seconds,
    segments: p.segments,
  }
  return settlementSummary(books, reason, null)
}

/** How to hand a BRC-100 wallet what comes back from this channel; undefined for a key held here. */
export function walletReturnOf(channel: PayerChannel): WalletReturn | undefined {
  return channel.wallet && channel.payerScript ? { ...channel.wallet, payerScript: channel.payerScript } : undefined
}

/** The remembered channel, kept under one storage key. */
export class SessionMemory {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key: string,
  ) {}

  load(): PersistedSession | null {
    return parsePersisted(readJson(this.storage, this.key))
  }

  save(session: PersistedSession): void {
    writeJson(this.storage, this.key, session)
  }

  forget(): void {
    this.storage.removeItem(this.key)
  }
}

function parsePersisted(value: unknown): PersistedSession | null {
  if (typeof value !== 'object' || value === null) return null
  const v = value as Partial<PersistedSession>
  if (v.version !== 1 || typeof v.channel !== 'object' || v.channel === null || typeof v.refundHex !== 'string') return null
  if (typeof v.channel.paid !== 'number' || typeof v.channel.cap !== 'number') return null
  return {
    version: 1,
    // A channel opened before payout addresses pays the host's channel key, as its updates say.
    channel: { ...v.channel, payoutScript: v.channel.payoutScript ?? p2pkhScriptHex(v.channel.payeePublicKey) },
    token: typeof v.token === 'string' ? v.token : null,
    refundHex: v.refundHex,
    spentBefore: num(v.spentBefore),
    secondsBefore: num(v.secondsBefore),
    segmentsBefore: num(v.segmentsBefore),
    seconds: num(v.seconds),
    segments: num(v.segments),
    firedAlerts: Array.isArray(v.firedAlerts) ? v.firedAlerts.filter((f): f is number => typeof f === 'number') : [],
    ...(typeof v.openedAt === 'number' ? { openedAt: v.openedAt } : {}),
  }
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}
