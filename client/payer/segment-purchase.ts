// Buying one segment, part, init segment or key file: decide what it costs the current channel (the charge rules of
// protocol/hls/entry-charge.ts, which the host applies too), pay when something is due, fetch it with the channel
// token, and when the host refuses the fetch (402: it has no payment for it; 403: it does not know the token),
// resynchronise from what it said and try again, a bounded number of times. Init segments, the free preview and
// streams priced at 0 are fetched without a channel; key files need an open one but are never paid for; alternate
// audio and subtitles wait until the programme's media time is paid. The player's hls.js loader and the viewer fleet
// both buy through this.
import type { EntryCharge, PaidEntries } from '../../protocol/hls/entry-charge.ts'
import { parsePaymentRequired } from '../../protocol/paywall.ts'
import type { PaymentRequiredBody } from '../../protocol/paywall.ts'

/** What an entry costs a channel that has paid `paid` (null: no channel). */
export type ChargeOf = (paid: PaidEntries | null) => EntryCharge

/** What buying needs from a channel session (ChannelSession is one; the player adds opening a channel on demand). */
export interface SegmentPayer {
  /** What the current channel has paid for; null without one. */
  paidEntries(): PaidEntries | null
  /**
   * Pays what `chargeOf` says is due; resolves with the token once the host acknowledged it (at once if nothing is).
   * `sent` hears the token as soon as the update is on its way: the request may then go beside it (X-Payment-Wait).
   */
  payForSegment(segment: string, chargeOf: ChargeOf, signal?: AbortSignal, sent?: (token: string) => void): Promise<Paid>
  /** The token of a usable channel. */
  channelToken(signal?: AbortSignal): Promise<string>
  /** Resolves at the channel's next accepted payment. */
  nextPayment(signal?: AbortSignal): Promise<void>
  markDelivered(segment: string): void
  resyncFromPaymentRequired(body: PaymentRequiredBody): void
}

/** How often one segment may be paid again after the host refused its fetch, before the refusal is final. */
export const MAX_REFUSALS = 2

/**
 * May be fetched: with this token (null: the entry is free), after paying `charged` now (0 when paid before or free),
 * and, when the host's terms say edge mode, from `url`, signed for this entry, without the token (which never leaves
 * for the edge).
 */
export interface Purchased {
  token: string | null
  charged: number
  url?: string
}

/** A payment the host acknowledged. */
export type Paid = Purchased & { token: string }

export class NotForSale extends Error {
  constructor(readonly segment: string, reason: 'unknown' | 'not_for_sale') {
    super(reason === 'unknown' ? `${segment} is in no playlist this player has loaded` : `${segment} is not for sale: its stream's settings are broken on the host`)
    this.name = 'NotForSale'
  }
}

export class SegmentPurchase {
  private refusals = 0

  constructor(
    private readonly payer: SegmentPayer,
    /** The entry's canonical key (protocol/hls/segment-key.ts). */
    readonly segment: string,
    private readonly chargeOf: ChargeOf,
  ) {}

  /** Resolves once the entry may be fetched: paid for and acknowledged, or nothing to pay. `sent`: see SegmentPayer. */
  async pay(signal?: AbortSignal, sent?: (token: string) => void): Promise<Purchased> {
    for (;;) {
      const charge = this.chargeOf(this.payer.paidEntries())
      switch (charge.kind) {
        case 'free':
          return { token: charge.reason === 'keyfile' ? await this.payer.channelToken(signal) : null, charged: 0 }
        case 'waiting':
          await this.payer.nextPayment(signal)
          continue
        case 'paid':
          // The host turned this companion down once already: its view of the paid media time is a payment behind.
          if (charge.reason === 'companion' && this.refusals > 0) await this.payer.nextPayment(signal)
          return { token: await this.payer.channelToken(signal), charged: 0 }
        case 'due':
          return this.payer.payForSegment(this.segment, this.chargeOf, signal, sent)
        default:
          throw new NotForSale(this.segment, charge.kind)
      }
    }
  }

  /** Whether buying it now would pay for it (rather than fetch it free, or with what was paid before). */
  isDue(): boolean {
    return this.chargeOf(this.payer.paidEntries()).kind === 'due'
  }

  /** The bytes arrived: the next segment may be paid. */
  delivered(): void {
    this.payer.markDelivered(this.segment)
  }

  /** Paid for, but no longer wanted (the player moved on): it counts as delivered so paying does not stall. */
  abandoned(): void {
    this.payer.markDelivered(this.segment)
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
): Promise<A & { charged: number }> {
  let charged = 0
  for (;;) {
    const started = performance.now()
    const bought = await purchase.pay(signal)
    charged += bought.charged
    if (bought.charged > 0) observe.paid?.(bought.charged, performance.now() - started)
    const answer = await get(bought)
    if (answer.status >= 200 && answer.status < 300) {
      purchase.delivered()
      return { ...answer, charged }
    }
    observe.refused?.(answer.status)
    if (!purchase.refused(answer.status, answer.json())) return { ...answer, charged }
  }
}
