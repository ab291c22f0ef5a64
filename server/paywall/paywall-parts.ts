// What the paywall's request handlers are given: the channel core (tokens to channels), the media book and its charge
// rules, the origin, and who hears of what was served.
import type { ChannelService } from '../channels/channel-service.ts'
import type { MediaBook } from './media-book.ts'
import type { MediaPricing } from './media-pricing.ts'
import type { Origin } from './origin.ts'

export interface PaywallObserver {
  /** Media bytes served: to a channel, or (null) free of charge. */
  served(channelId: string | null, bytes: number): void
  paymentRequired(segment: string): void
}

export interface PaywallParts {
  service: ChannelService
  book: MediaBook
  pricing: MediaPricing
  origin: Origin
  observer: PaywallObserver
}
