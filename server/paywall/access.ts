// What the paywall says when it will not send bytes: the 402 body that tells a viewer what the first unpaid entry costs
// and how to resynchronise, and the other refusals. Who may have which bytes is decided by the charge rules
// (protocol/hls/entry-charge.ts) and accessToBytes (protocol/hls/byte-access.ts).
import type { EntryCharge } from '../../protocol/hls/entry-charge.ts'
import type { PaymentRequiredBody } from '../../protocol/paywall.ts'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'
import type { LiveChannel } from '../channels/live-channels.ts'
import { lastUpdateOf } from '../channels/record-views.ts'

const HOW_TO_PAY =
  'Send a Socket.IO "update" for this segment: a transaction spending the channel funding output that pays the host the new cumulative total, signed by the payer with SIGHASH_ALL|FORKID. See docs/protocol.md.'

function costOf(charge: EntryCharge): number {
  return charge.kind === 'due' ? charge.amount : 0
}

/** The 402 for `segment`, the first entry the request needs that `channel` (null: no channel) may not have yet. */
export function paymentRequiredBody(segment: string, charge: EntryCharge, channel: LiveChannel | null): PaymentRequiredBody {
  const record = channel?.record ?? null
  const paid = record?.paid ?? 0
  const price = costOf(charge)
  const what =
    charge.kind === 'waiting'
      ? 'This segment comes free with the programme, once its media time is paid: pay for the video first.'
      : `This segment costs ${price} sat${record ? '; the channel has not paid for it yet.' : '.'}`
  return {
    error: 'payment_required',
    message: record ? what : `${what} Open a payment channel with this host and send its token in the ${TOKEN_HEADER} header.`,
    channelId: record?.id ?? null,
    segment,
    price,
    required: paid + price,
    paid,
    lastUpdate: record ? lastUpdateOf(record) : null,
    howToPay: HOW_TO_PAY,
  }
}
