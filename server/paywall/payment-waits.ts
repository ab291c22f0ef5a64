// Segment requests held for a payment on its way (the X-Payment-Wait header, protocol/paywall.ts). A held request
// waits for the next thing that can change what its channel may fetch (a payment accepted or refused, the channel
// settled or its funding lost, or, for a token whose channel is still being funded, the channel opening), then is
// checked again from the start; never longer than it asked. Bounded per channel and in all: past either bound a
// request is not held, and gets its 402 (or 403) at once, as without the header. In a cluster the payment may reach
// another instance, whose events this one never hears: a held request is then checked against the store every
// `recheckMs` too.
import type { ChannelEventSource } from '../channels/channel-events.ts'

export interface PaymentWaitLimits {
  /** Requests held at once for one channel (or one token being funded). */
  perChannel: number
  total: number
}

export const PAYMENT_WAIT_LIMITS: PaymentWaitLimits = { perChannel: 4, total: 10_000 }

/** Who waits: the held request's response, which emits 'close' when it is answered or its asker goes away. */
export interface Asker {
  readonly destroyed: boolean
  once(event: 'close', listener: () => void): unknown
  off(event: 'close', listener: () => void): unknown
}

/** How often a request held in a cluster is checked against the store (alone, events say it all). */
export const CLUSTER_RECHECK_MS = 25

/**
 * Why a wait ended: something happened to the channel (a payment accepted, it opened, settled or lost its funding), a
 * payment of it was refused (the viewer hears why on its socket: the request is answered now), the time ran out, the
 * asker left, or there was no room.
 */
export type WaitEnd = 'event' | 'refused' | 'timeout' | 'aborted' | 'full'

export class PaymentWaits {
  /** Channel id (or stored token digest, for a channel being funded) -> the wake-ups of the requests held for it. */
  private readonly held = new Map<string, Set<(why: 'event' | 'refused') => void>>()
  private count = 0

  constructor(
    events: ChannelEventSource,
    /** What the store keeps of a token (channel-tokens.ts): the key a request for a channel being funded waits under. */
    readonly tokenKey: (token: string) => string,
    /** Checks a held request again this often even without an event (a cluster); Infinity when alone. */
    readonly recheckMs = Number.POSITIVE_INFINITY,
    private readonly limits: PaymentWaitLimits = PAYMENT_WAIT_LIMITS,
  ) {
    // Every payment passes here: nothing is allocated unless a request is held for its channel.
    const wake = (key: string | null, why: 'event' | 'refused' = 'event') => {
      const waiting = key === null ? undefined : this.held.get(key)
      if (waiting) for (const wakeUp of [...waiting]) wakeUp(why)
    }
    events.on('accepted', (payment) => wake(payment.channelId))
    events.on('rejected', (refusal) => wake(refusal.channelId, 'refused'))
    events.on('settled', (summary) => wake(summary.channelId))
    events.on('fundingLost', (record) => wake(record.id))
    // An opening's record carries its token's stored digest: what a request for a channel being funded waits under.
    events.on('opened', (record) => wake(record.token))
  }

  /**
   * Registers a wait under `key` now, so an event that comes while the caller checks the channel again is not missed;
   * it ends at the key's next event, after `ms`, when its asker goes, or when released. 'full' at once when no more may
   * wait, 'aborted' when the asker is gone already.
   */
  hold(key: string, ms: number, asker: Asker): Hold {
    const waiting = this.held.get(key) ?? new Set<(why: 'event' | 'refused') => void>()
    if (asker.destroyed) return endedHold('aborted')
    if (this.count >= this.limits.total || waiting.size >= this.limits.perChannel) return endedHold('full')
    this.held.set(key, waiting)
    this.count++
    let end: (why: WaitEnd) => void = () => {}
    const ended = new Promise<WaitEnd>((resolve) => {
      let over = false
      end = (why) => {
        if (over) return
        over = true
        clearTimeout(timer)
        asker.off('close', aborted)
        waiting.delete(end)
        if (waiting.size === 0 && this.held.get(key) === waiting) this.held.delete(key)
        this.count--
        resolve(why)
      }
      const aborted = () => end('aborted')
      const timer = setTimeout(() => end('timeout'), ms)
      asker.once('close', aborted)
      waiting.add(end)
    })
    return { ended, release: () => end('event') }
  }
}

/** A wait registered under a key: how it ended, and a way to end it early (the check found what it waited for). */
export interface Hold {
  ended: Promise<WaitEnd>
  release(): void
}

function endedHold(why: WaitEnd): Hold {
  return { ended: Promise.resolve(why), release: () => {} }
}
