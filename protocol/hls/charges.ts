// What a request for one entry still costs a channel, under the LL-HLS rule: a part is priced by its own duration;
// a viewer who paid for all the parts of a segment is not charged again for the segment, and one who paid for the
// segment is not charged for its parts. A segment of which some parts are paid costs the rest.
import { isReleased, type Catalog, type CatalogEntry, type PaidKeys } from './catalog.ts'

export type Charge =
  /** Init segments, key files, and entries of a stream priced at 0. */
  | { kind: 'free' }
  /** Already released to this channel. */
  | { kind: 'paid' }
  /** Satoshis still to pay; always at least 1. */
  | { kind: 'due'; amount: number }

/**
 * `entry`: one listing of it (its parts are that playlist's); `priceOf(seconds)` prices media of that duration for its
 * stream and rendition (protocol/pricing.ts).
 */
export function chargeFor(entry: CatalogEntry, catalog: Catalog, paid: PaidKeys, priceOf: (seconds: number) => number): Charge {
  if (entry.kind === 'init' || entry.kind === 'keyfile') return { kind: 'free' }
  const price = priceOf(entry.duration)
  if (!(price > 0)) return { kind: 'free' }
  if (isReleased(entry, paid)) return { kind: 'paid' }
  const credit = entry.parts.filter((part) => paid.has(part)).reduce((sum, part) => sum + priceOf(catalog.get(part)?.duration ?? 0), 0)
  // Parts are rounded one by one, so they may add up to the segment's price before the last is paid; a due amount is
  // never 0 (nobody signs for nothing), so the last part's worth is then a single satoshi.
  return { kind: 'due', amount: Math.max(1, price - credit) }
}
