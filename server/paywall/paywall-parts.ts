// What the paywall's request handlers are given: the channel core's door for it (a token to its channel), the edge's
// signed URLs, the media book and its charge rules, the origin, and who hears of what was served.
import type { ChannelLoader } from '../channels/channel-loader.ts'
import type { EdgeLinks } from '../edge/signed-url.ts'
import type { MediaBook } from './media-book.ts'
import type { MediaPricing } from './media-pricing.ts'
import type { Origin } from './origin.ts'
import type { PaymentWaits } from './payment-waits.ts'

export interface PaywallObserver {
  /** Media bytes served: to a channel, or (null) free of charge. */
  served(channelId: string | null, bytes: number): void
  paymentRequired(segment: string): void
}

export interface PaywallParts {
  /** The open channel a segment request's token names, with what it has paid for. */
  channels: Pick<ChannelLoader, 'byToken'>
  /** Edge mode: signs a paid segment's URL for nginx or a CDN; null when the host sends paid bytes itself. */
  edge: EdgeLinks | null
  book: MediaBook
  pricing: MediaPricing
  origin: Origin
  observer: PaywallObserver
  /** Requests held for a payment on its way (X-Payment-Wait). */
  waits: PaymentWaits
}
