// Bounds what one client address, one connection and the whole host may hold of the host's pending work: connections
// per address, messages per address, and unfunded opens per connection, per address and in total. Each limit refuses
// with its own code. An open holds its slot from the moment it is asked for (so concurrent opens cannot slip past the
// count) until it is funded, expires, or is refused. Expiry is also judged here, by the slot's own age: in a cluster the
// instance that sweeps an expired open from the shared store may not be the one that holds its slot.
import type { RejectCode } from '../../protocol/messages.ts'
import { take, type TokenBucket } from './token-bucket.ts'

export interface ClientLimitsConfig {
  connectionsPerAddress: number
  messagesPerSecondPerAddress: number
  pendingOpensPerConnection: number
  pendingOpensPerAddress: number
  pendingOpensTotal: number
  /** A slot older than this is free again, whoever swept its open. */
  openTimeoutMs: number
}

export type LimitVerdict = { ok: true } | { ok: false; code: RejectCode; message: string }

/** A pending open's place, held from the request until the open is funded, expires or is refused. */
export interface OpenSlot {
  connection: string
  address: string
}

const increment = (counts: Map<string, number>, key: string, by: number) => {
  const next = (counts.get(key) ?? 0) + by
  if (next <= 0) counts.delete(key)
  else counts.set(key, next)
}

export class ClientLimits {
  private readonly connections = new Map<string, number>()
  private readonly buckets = new Map<string, TokenBucket>()
  private readonly pendingByConnection = new Map<string, number>()
  private readonly pendingByAddress = new Map<string, number>()
  private readonly slots = new Map<string, { slot: OpenSlot; at: number }>()
  private pendingTotal = 0

  constructor(private readonly config: ClientLimitsConfig) {}

  /** A new connection from `address`: admitted (and counted) unless the address holds its limit already. */
  connect(address: string): LimitVerdict {
    const held = this.connections.get(address) ?? 0
    if (held >= this.config.connectionsPerAddress) {
      return { ok: false, code: 'too_many_connections', message: `At most ${this.config.connectionsPerAddress} connections per client address (the host's --max-connections-per-address; a QA cluster on one machine needs it raised).` }
    }
    this.connections.set(address, held + 1)
    return { ok: true }
  }

  disconnect(address: string): void {
    increment(this.connections, address, -1)
    if (!this.connections.has(address)) this.buckets.delete(address)
  }

  /** One message from `address`: every connection of the address draws on one bucket. */
  message(address: string, now: number): LimitVerdict {
    const rate = this.config.messagesPerSecondPerAddress
    const verdict = take(this.buckets.get(address) ?? { tokens: rate * 2, updatedAt: now }, now, rate, rate * 2)
    this.buckets.set(address, verdict.bucket)
    if (verdict.allowed) return { ok: true }
    return { ok: false, code: 'address_rate_limited', message: `Slow down: at most ${rate} messages per second from one client address (the host's --address-message-rate).` }
  }

  /** 1. The connection, 2. the address and 3. the host each hold fewer pending opens than their limit: the slot is taken. */
  reserveOpen(slot: OpenSlot, now: number): LimitVerdict {
    this.releaseOlderThan(now - this.config.openTimeoutMs)
    const { pendingOpensPerConnection, pendingOpensPerAddress, pendingOpensTotal } = this.config
    if ((this.pendingByConnection.get(slot.connection) ?? 0) >= pendingOpensPerConnection) {
      return { ok: false, code: 'pending_opens_connection', message: `At most ${pendingOpensPerConnection} unfunded opens per connection: fund or wait for one first.` }
    }
    if ((this.pendingByAddress.get(slot.address) ?? 0) >= pendingOpensPerAddress) {
      return { ok: false, code: 'pending_opens_address', message: `At most ${pendingOpensPerAddress} unfunded opens per client address: fund or wait for one first (the host's --max-pending-per-address).` }
    }
    if (this.pendingTotal >= pendingOpensTotal) {
      return { ok: false, code: 'pending_opens_host', message: 'The host holds as many unfunded opens as it takes; try again in a minute.' }
    }
    this.count(slot, 1)
    return { ok: true }
  }

  /** The open was accepted: its slot now belongs to the channel until it is funded or expires. */
  assign(slot: OpenSlot, channelId: string, now: number): void {
    this.slots.set(channelId, { slot, at: now })
  }

  /** An open refused, funded or expired: its slot is free again. */
  release(slot: OpenSlot): void {
    this.count(slot, -1)
  }

  releaseChannel(channelId: string): void {
    const held = this.slots.get(channelId)
    if (!held) return
    this.slots.delete(channelId)
    this.release(held.slot)
  }

  /** Slots are assigned in time order, so the oldest come first and the scan stops at the first young one. */
  private releaseOlderThan(cutoff: number): void {
    for (const [channelId, held] of this.slots) {
      if (held.at > cutoff) return
      this.releaseChannel(channelId)
    }
  }

  private count(slot: OpenSlot, by: number): void {
    increment(this.pendingByConnection, slot.connection, by)
    increment(this.pendingByAddress, slot.address, by)
    this.pendingTotal += by
  }
}
