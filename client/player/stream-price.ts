// The price the page shows for the chosen stream before any money moves: its stream.json price (nearest folder), else
// the host's, as /api/info and then the host's terms give them. Rendition multipliers apply on top, per rendition.
import type { Terms } from '../../protocol/messages.ts'
import { pricePerSecondFor } from '../../protocol/stream-prices.ts'

export type StreamPrices = Pick<Terms, 'pricePerSecond' | 'streamPrices' | 'previewSeconds'>

/** Satoshis per second of the stream at `source` (a URL or path); null: not for sale. */
export function streamPrice(source: string | undefined, prices: StreamPrices): number | null {
  if (!source) return prices.pricePerSecond
  let path: string
  try {
    path = decodeURIComponent(new URL(source, 'http://host.invalid/').pathname)
  } catch {
    return prices.pricePerSecond
  }
  return pricePerSecondFor(path, prices.streamPrices, prices.pricePerSecond)
}

export function priceLabel(pricePerSecond: number | null, previewSeconds: number): string {
  if (pricePerSecond === null) return 'not for sale'
  const price = pricePerSecond === 0 ? 'free' : `${pricePerSecond} sat/s`
  return previewSeconds > 0 && pricePerSecond > 0 ? `${price} · first ${previewSeconds} s free` : price
}
