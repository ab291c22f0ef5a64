// Buying one segment: pay, fetch it with the channel token, and when the host refuses the fetch (402: it has no
// payment for it; 403: it does not know the token), resynchronise from what it said and pay again, a bounded number of
// times. The player's hls.js loader and the viewer fleet both buy segments through this.
import { parsePaymentRequired } from '../../protocol/paywall.ts'
import type { PaymentRequiredBody } from '../../protocol/paywall.ts'

/**
 * A payment acknowledged: the token to fetch the segment from the host with, what it cost now (0 when it was paid
 * before), and, when the host's terms say edge mode, the signed URL that serves it without the host (fetch it
 * without the token, which never leaves for the edge).
 */
export interface Purchased {
  token: string
  charged: number
  url?: string
}

/** What buying needs from a channel session (ChannelSession is one). */
export interface SegmentPayer {
  payForSegment(segmentPath: string, durationSeconds: number, signal?: AbortSignal): Promise<Purchased>
  markDelivered(segmentPath: string): void
  resyncFromPaymentRequired(body: PaymentRequiredBody): void
}

/** How often one segment may be paid again after the host refused its fetch, before the refusal is final. */
export const MAX_REFUSALS = 2

export class SegmentPurchase {
  private refusals = 0

  constructor(
    private readonly payer: SegmentPayer,
    readonly path: string,
    readonly duration: number,
  ) {}

  /** Resolves with the token to fetch with, once the host has acknowledged the payment (at once if paid before). */
  pay(signal?: AbortSignal): Promise<Purchased> {
    return this.payer.payForSegment(this.path, this.duration, signal)
  }

  /** The bytes arrived: the next segment may be paid. */
  delivered(): void {
    this.payer.markDelivered(this.path)
  }

  /** Paid for, but no longer wanted (the player moved on): it counts as delivered so paying does not stall. */
  abandoned(): void {
    this.payer.markDelivered(this.path)
  }

  /** The host refused the fetch. True when paying again is worth it; the session has then adopted the host's view. */
  refused(status: number, body: unknown): boolean {
    if ((status !== 402 && status !== 403) || this.refusals >= MAX_REFUSALS) return false
    this.refusals++
    const required = status === 402 ? parsePaymentRequired(body) : null
    if (required) this.payer.resyncFromPaymentRequired(required)
    return true
  }
}

export interface FetchedAnswer {
  status: number
  /** The body read as JSON, or null when it is not JSON. */
  json(): unknown
}

/**
 * The whole buy-and-fetch loop over a promise-returning `get` (the fleet's HTTP client, a test's fetch). Resolves
 * with the last answer: a 2xx once delivered, or the refusal that paying again could not cure.
 */
export async function fetchPaid<A extends FetchedAnswer>(
  purchase: SegmentPurchase,
  get: (purchased: Purchased) => Promise<A>,
  observe: { paid?(charged: number, ms: number): void; refused?(status: number): void } = {},
  signal?: AbortSignal,
): Promise<A> {
  for (;;) {
    const started = performance.now()
    const purchased = await purchase.pay(signal)
    if (purchased.charged > 0) observe.paid?.(purchased.charged, performance.now() - started)
    const answer = await get(purchased)
    if (answer.status >= 200 && answer.status < 300) {
      purchase.delivered()
      return answer
    }
    observe.refused?.(answer.status)
    if (!purchase.refused(answer.status, answer.json())) return answer
  }
}
