// The host's charge rules, and the one owner of its prices: the paywall's media index, the host's price and rendition
// multipliers, the library's per-stream prices (stream.json) and the free preview. The gate releases bytes by them; the
// channel core prices payments by them; the terms (server/channels/host-terms.ts) take every price from here, so the
// viewer computes the same charges.
import { entryCharge, type ChargeRules, type EntryCharge, type PaidEntries } from '../../protocol/hls/entry-charge.ts'
import type { Terms } from '../../protocol/messages.ts'
import { mediaRate } from '../../protocol/pricing.ts'
import type { MediaCharges, PriceTerms } from '../channels/segment-charge.ts'
import type { MediaBook } from './media-book.ts'

export interface PricingSettings {
  pricePerSecond: number
  renditionMultipliers: Record<string, number>
  previewSeconds: number
  /** The library's per-folder prices, as of now. */
  streamPrices: () => Terms['streamPrices']
  /** The library's stream a playlist belongs to, when the library has one. */
  libraryStreamOf: (playlist: string) => string | null
}

export class MediaPricing implements MediaCharges {
  constructor(
    private readonly book: MediaBook,
    private readonly settings: PricingSettings,
  ) {}

  rules(): ChargeRules {
    const { pricePerSecond, renditionMultipliers, previewSeconds } = this.settings
    return { index: this.book.index, prices: { pricePerSecond, renditionMultipliers, streamPrices: this.settings.streamPrices() }, previewSeconds }
  }

  /** Satoshis per second of the media at `path`; null: not for sale (a broken stream.json above it). */
  rateOf(path: string): number | null {
    return mediaRate(this.rules().prices, path)
  }

  async charge(id: string, paid: PaidEntries): Promise<EntryCharge> {
    const charge = entryCharge(id, this.rules(), paid)
    if (charge.kind !== 'unknown') return charge
    await this.book.warm()
    return entryCharge(id, this.rules(), paid)
  }

  streamOf(id: string): string | null {
    const stream = this.book.index.streamOf(id)
    return stream === null ? null : (this.settings.libraryStreamOf(stream) ?? stream)
  }

  terms(): PriceTerms {
    const { pricePerSecond, renditionMultipliers, previewSeconds } = this.settings
    return { pricePerSecond, renditionMultipliers, streamPrices: this.settings.streamPrices(), previewSeconds }
  }
}
