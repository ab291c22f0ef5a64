// A channel's paid segments as the charge rules (protocol/hls/entry-charge.ts) read them.
import type { PaidEntries } from '../../protocol/hls/entry-charge.ts'
import { isPaid, type PayerChannel } from './payer.ts'

export function paidEntriesOf(channel: PayerChannel): PaidEntries {
  return { has: (id) => isPaid(channel, id), ids: () => Object.keys(channel.paidSegments) }
}
