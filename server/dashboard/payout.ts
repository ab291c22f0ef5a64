// What closes have paid to the host's payout address, as a pure tally over channel records. A channel opened before
// the address changed pays the address it opened with, so it counts only for that one.
import type { ChannelRecord } from '../store/channel-store.ts'

export interface PayoutTally {
  settled: number
  channels: number
}

type Settled = Pick<ChannelRecord, 'state' | 'closeTxid' | 'paid' | 'payoutScript'>

/** A closed channel whose close went to the ledger and paid `script`. */
function paidTo(record: Settled, script: string): boolean {
  return record.state === 'closed' && record.closeTxid !== null && record.paid > 0 && record.payoutScript === script
}

export function tallyPayout(records: readonly Settled[], script: string): PayoutTally {
  return records.reduce((tally, record) => addSettled(tally, record, script), { settled: 0, channels: 0 })
}

export function addSettled(tally: PayoutTally, record: Settled, script: string): PayoutTally {
  return paidTo(record, script) ? { settled: tally.settled + record.paid, channels: tally.channels + 1 } : tally
}
