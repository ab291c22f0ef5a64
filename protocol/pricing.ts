// What media costs. Isomorphic and pure: the host charges and the viewer signs with these same functions.
import type { Terms } from './messages.ts'
import { pricePerSecondFor } from './stream-prices.ts'

/**
 * Integer satoshis for a segment of `durationSeconds` at `pricePerSecond`, scaled by the rendition multiplier.
 * Rounded to the nearest satoshi; a priced segment never costs 0 (that would make it free to fetch forever).
 */
export function segmentPrice(durationSeconds: number, pricePerSecond: number, multiplier = 1): number {
  if (!(pricePerSecond > 0) || !(durationSeconds > 0) || !(multiplier > 0)) return 0
  return Math.max(1, Math.round(pricePerSecond * multiplier * durationSeconds))
}

/**
 * The rendition a segment belongs to: the name of the folder holding it (".../360p/seg_003.ts" -> "360p").
 * Query strings and fragments are ignored; a segment at the root has rendition "".
 */
export function renditionOf(segmentPath: string): string {
  const path = segmentPath.split(/[?#]/, 1)[0] ?? ''
  const parts = path.split('/').filter((part) => part.length > 0)
  return parts.length >= 2 ? parts[parts.length - 2] : ''
}

/** The part of the host's terms that prices media. */
export type PriceList = Pick<Terms, 'pricePerSecond' | 'renditionMultipliers' | 'streamPrices'>

/**
 * Satoshis per second of the media at `path` (a segment, part or playlist path): its stream's price (stream.json, else
 * the host's), times its rendition's multiplier. 0: free; null: not for sale (its stream.json is broken).
 */
export function mediaRate(prices: PriceList, path: string): number | null {
  const perSecond = pricePerSecondFor(path, prices.streamPrices, prices.pricePerSecond)
  if (perSecond === null) return null
  return perSecond * (prices.renditionMultipliers[renditionOf(path)] ?? 1)
}
