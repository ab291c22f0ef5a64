// What a segment payment is for, decided by the media the host lists (protocol/hls/entry-charge.ts): a due amount to
// check the update against, or the refusal that tells the viewer why there is nothing to pay.
import type { EntryCharge, PaidEntries } from '../../protocol/hls/entry-charge.ts'
import type { RejectCode, Terms } from '../../protocol/messages.ts'

/** The terms' prices: the host's price per second, its rendition multipliers, the per-stream prices, the preview. */
export type PriceTerms = Pick<Terms, 'pricePerSecond' | 'renditionMultipliers' | 'streamPrices' | 'previewSeconds'>

/** The paywall's side of pricing, as the channel core sees it. */
export interface MediaCharges {
  /** What the entry costs a channel that has paid `paid`; an entry the host does not know yet is looked for first. */
  charge(id: string, paid: PaidEntries): Promise<EntryCharge>
  /** The stream an entry belongs to (its master playlist's path), for the books. */
  streamOf(id: string): string | null
  /** The prices and preview the viewer needs to compute the same charges: the terms take them from here alone. */
  terms(): PriceTerms
}

export type SegmentVerdict = { ok: true; price: number; seconds: number } | { ok: false; code: RejectCode; message: string }

export function segmentVerdict(id: string, charge: EntryCharge): SegmentVerdict {
  switch (charge.kind) {
    case 'due':
      return { ok: true, price: charge.amount, seconds: charge.seconds }
    case 'unknown':
      return { ok: false, code: 'unknown_segment', message: `The host has not listed ${id} in any playlist it served; load its playlist first.` }
    case 'not_for_sale':
      return { ok: false, code: 'not_for_sale', message: `${id} is not for sale: its stream's stream.json is broken. The host must fix it.` }
    case 'paid':
      if (charge.reason === 'companion') return { ok: false, code: 'not_priced', message: `${id} comes free with the programme's media time you have paid; fetch it.` }
      return { ok: false, code: 'replay', message: `${id} is already paid for on this channel (${charge.reason === 'covered' ? 'its media time, in another rendition' : 'itself or its parts'}); request it again for free.` }
    case 'waiting':
      return { ok: false, code: 'not_priced', message: `${id} comes free with the programme: pay for the video of its media time, then fetch it.` }
    case 'free':
      return { ok: false, code: 'not_priced', message: `${id} costs nothing (${charge.reason === 'preview' ? 'the free preview' : charge.reason === 'unpriced' ? 'a free stream' : `a ${charge.reason} file`}); fetch it.` }
  }
}
