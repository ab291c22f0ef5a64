// The update's fixed shape, checked without zod: the payment path's one message, thousands a second (issue 23). It
// accepts only what the UpdateRequest schema accepts and returns the same value (the three fields, nothing else);
// anything it does not accept goes to the schema, which refuses it with the usual code and message, or accepts it.
// test/unit/update-shape.test.ts holds the two to the same verdicts.
import { MAX_TX_HEX_CHARS, type UpdateRequest } from '../../protocol/messages.ts'
import { CHANNEL_ID_PATTERN, EVEN_HEX_PATTERN } from '../../protocol/message-limits.ts'
import { parseSegmentKey, SEGMENT_ID_MAX_LENGTH } from '../../protocol/hls/segment-key.ts'

const MEDIA_PREFIX = '/media/'

/** The update, when it is one; null when it is not (or not plainly): the schema then decides and says why. */
export function plainUpdate(payload: unknown): UpdateRequest | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null
  const { channelId, tx, segment } = payload as Record<string, unknown>
  if (typeof channelId !== 'string' || !CHANNEL_ID_PATTERN.test(channelId)) return null
  if (typeof tx !== 'string' || tx.length > MAX_TX_HEX_CHARS || !EVEN_HEX_PATTERN.test(tx)) return null
  if (typeof segment !== 'string' || segment.length > SEGMENT_ID_MAX_LENGTH || !segment.startsWith(MEDIA_PREFIX) || parseSegmentKey(segment) === null) return null
  return { channelId, tx, segment }
}
