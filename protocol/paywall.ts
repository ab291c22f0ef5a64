// What the paywall's HTTP answers mean to both sides: where the channel token travels, and the 402 body that tells a
// viewer what a segment costs and how to resynchronise. Isomorphic, and without a validator: the host writes these
// bodies (server/paywall/access.ts), and the player reads them with the shape check below, shaped for the one reader
// it has (the payer checks the last update's transaction itself before it trusts it).
import type { LastUpdate } from './messages.ts'
import { CHANNEL_ID_PATTERN, EVEN_HEX_PATTERN } from './message-limits.ts'

/**
 * The request header that carries a channel's access token (HTTP header names are case-insensitive). The only place
 * the host reads it from: a token in a URL would end up in access logs, proxies' logs and browser history.
 */
export const TOKEN_HEADER = 'X-Channel-Token'
/**
 * The request header with which a viewer that has sent a segment's update, and not yet heard its answer, asks the host
 * to hold the segment's request up to this many milliseconds for that payment instead of answering 402 at once. The
 * update and the request then travel side by side: a purchase takes one round trip, not two. A token whose channel is
 * still being funded is held likewise, until the channel opens. The host holds at most MAX_PAYMENT_WAIT_MS.
 */
export const PAYMENT_WAIT_HEADER = 'X-Payment-Wait'
export const MAX_PAYMENT_WAIT_MS = 5_000

/** The header's milliseconds (0 when absent), at most MAX_PAYMENT_WAIT_MS; null when it is not a whole number. */
export function readPaymentWait(value: string | undefined): number | null {
  if (value === undefined) return 0
  if (!/^\d{1,9}$/.test(value)) return null
  return Math.min(Number(value), MAX_PAYMENT_WAIT_MS)
}

/** The query parameter the paywall keeps for itself: never read as a token, never part of a segment's query. */
export { TOKEN_QUERY } from './hls/segment-query.ts'

/** The body of a 402: the segment's price, what the channel has paid, and its last update to resync from. */
export interface PaymentRequiredBody {
  error: 'payment_required'
  message: string
  channelId: string | null
  /** The first entry the request needs that the channel has not paid for (a canonical segment key). */
  segment: string
  price: number
  /** The cumulative total the channel must reach to be served this segment. */
  required: number
  paid: number
  lastUpdate: LastUpdate | null
  howToPay: string
}

const isSatoshis = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0
const isText = (value: unknown): value is string => typeof value === 'string'

function isLastUpdate(value: unknown): value is LastUpdate {
  if (typeof value !== 'object' || value === null) return false
  const { sequence, paid, tx } = value as Record<string, unknown>
  return isSatoshis(sequence) && isSatoshis(paid) && isText(tx) && EVEN_HEX_PATTERN.test(tx)
}

/** The 402 body, or null when what came back is not one (a proxy's error page, a truncated body). */
export function parsePaymentRequired(body: unknown): PaymentRequiredBody | null {
  if (typeof body !== 'object' || body === null) return null
  const b = body as Record<string, unknown>
  const shaped =
    b.error === 'payment_required' &&
    isText(b.message) &&
    (b.channelId === null || (isText(b.channelId) && CHANNEL_ID_PATTERN.test(b.channelId))) &&
    isText(b.segment) &&
    b.segment.startsWith('/media/') &&
    isSatoshis(b.price) &&
    isSatoshis(b.required) &&
    isSatoshis(b.paid) &&
    (b.lastUpdate === null || isLastUpdate(b.lastUpdate)) &&
    isText(b.howToPay)
  return shaped ? (b as unknown as PaymentRequiredBody) : null
}
