// What the paywall's HTTP answers mean to both sides: where the channel token travels, and the 402 body that tells a
// viewer what a segment costs and how to resynchronise. Isomorphic: the player and the fleet parse what the host sends.
import { z } from 'zod'
import { ChannelId, LastUpdate, SegmentId } from './messages.ts'

/**
 * The request header that carries a channel's access token (HTTP header names are case-insensitive). The only place
 * the host reads it from: a token in a URL would end up in access logs, proxies' logs and browser history.
 */
export const TOKEN_HEADER = 'X-Channel-Token'
/** The query parameter the paywall keeps for itself: never read as a token, never part of a segment's query. */
export { TOKEN_QUERY } from './hls/segment-query.ts'

const Satoshis = z.number().int().nonnegative()

/** The body of a 402: the segment's price, what the channel has paid, and its last update to resync from. */
export const PaymentRequiredBody = z.object({
  error: z.literal('payment_required'),
  message: z.string(),
  channelId: ChannelId.nullable(),
  /** The first entry the request needs that the channel has not paid for (a canonical segment key). */
  segment: SegmentId,
  price: Satoshis,
  /** The cumulative total the channel must reach to be served this segment. */
  required: Satoshis,
  paid: Satoshis,
  lastUpdate: LastUpdate.nullable(),
  howToPay: z.string(),
})
export type PaymentRequiredBody = z.infer<typeof PaymentRequiredBody>

/** The 402 body, or null when what came back is not one (a proxy's error page, a truncated body). */
export function parsePaymentRequired(body: unknown): PaymentRequiredBody | null {
  const parsed = PaymentRequiredBody.safeParse(body)
  return parsed.success ? parsed.data : null
}
