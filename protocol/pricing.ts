// What a segment costs. Isomorphic and pure.
import type { Terms } from './messages.ts'

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
export type PriceList = Pick<Terms, 'pricePerSecond' | 'renditionMultipliers'>

/** What one segment costs under the host's terms: the one price both the host and the viewer compute. */
export function priceOfSegment(prices: PriceList, segmentPath: string, durationSeconds: number): number {
  return segmentPrice(durationSeconds, prices.pricePerSecond, prices.renditionMultipliers[renditionOf(segmentPath)] ?? 1)
}
