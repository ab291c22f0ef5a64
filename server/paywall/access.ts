// Who may have a segment's bytes, decided from the channel its token names: the channel that paid for it, and nobody
// else. A request without a paying channel learns what the segment costs and how to pay (the 402 body).
import type { PaymentRequiredBody } from '../../protocol/paywall.ts'
import { TOKEN_HEADER, TOKEN_QUERY } from '../../protocol/paywall.ts'
import type { LiveChannel } from '../channels/live-channels.ts'
import { lastUpdateOf } from '../channels/record-views.ts'

export type Access =
  | { kind: 'serve'; channelId: string }
  | { kind: 'payment_required'; body: PaymentRequiredBody }
  | { kind: 'forbidden'; error: 'invalid_token'; message: string }

const HOW_TO_PAY =
  'Send a Socket.IO "update" for this segment: a transaction spending the channel funding output that pays the host the new cumulative total, signed by the payer with SIGHASH_ALL|FORKID. See docs/protocol.md.'

/**
 * `channel` is the open channel the request's token names (undefined when the token names none, or there is no
 * token): it is served what it paid for; a token that names no open channel is refused outright.
 */
export function decideAccess(p: { hasToken: boolean; channel: LiveChannel | undefined; segmentPath: string; price: number }): Access {
  const { channel } = p
  if (channel?.entitlements.has(p.segmentPath)) return { kind: 'serve', channelId: channel.record.id }
  if (channel || !p.hasToken) return { kind: 'payment_required', body: paymentRequiredBody(p.segmentPath, p.price, channel ?? null) }
  return { kind: 'forbidden', error: 'invalid_token', message: 'That channel token is unknown or its channel is closed; open a new channel.' }
}

/** What the segment costs, what the channel has paid, and its last update to resync from. */
export function paymentRequiredBody(segmentPath: string, price: number, channel: LiveChannel | null): PaymentRequiredBody {
  const record = channel?.record ?? null
  const paid = record?.paid ?? 0
  return {
    error: 'payment_required',
    message: record
      ? `This segment costs ${price} sat; the channel has not paid for it yet.`
      : `This segment costs ${price} sat. Open a payment channel with this host and send its token in the ${TOKEN_HEADER} header or the ${TOKEN_QUERY} query parameter.`,
    channelId: record?.id ?? null,
    segment: segmentPath,
    price,
    required: paid + price,
    paid,
    lastUpdate: record ? lastUpdateOf(record) : null,
    howToPay: HOW_TO_PAY,
  }
}
