// A stored channel record as each reader sees it: the pure payee's channel value, the viewer's snapshot and last
// update, and the settlement summary. One place, so the host never describes a channel two ways.
import type { ChannelSnapshot, LastUpdate, SettlementSummary } from '../../protocol/messages.ts'
import { p2pkhScriptHex } from '../../protocol/scripts.ts'
import { settlementSummary } from '../../protocol/settlement.ts'
import type { ChannelRecord } from '../store/channel-store.ts'
import type { PayeeChannel } from './payee.ts'

export function payeeView(record: ChannelRecord, payeePublicKey: string): PayeeChannel {
  return {
    id: record.id,
    payerPublicKey: record.payerPublicKey,
    ...(record.payerScript ? { payerScript: record.payerScript } : {}),
    payeePublicKey,
    // Channels opened before payout addresses existed pay the channel key itself.
    payoutScript: record.payoutScript ?? p2pkhScriptHex(payeePublicKey),
    fundingTxid: record.fundingTxid,
    fundingVout: record.fundingVout,
    capacity: record.capacity,
    fee: record.fee,
    lockTime: record.lockTime,
    sequence: record.sequence,
    paid: record.paid,
    tips: record.tips,
    lastTx: record.lastTx,
    lastTxid: record.lastTxid,
  }
}

export function lastUpdateOf(record: ChannelRecord): LastUpdate | null {
  return record.lastTx ? { sequence: record.sequence, paid: record.paid, tx: record.lastTx } : null
}

export function snapshotOf(record: ChannelRecord): ChannelSnapshot {
  return {
    channelId: record.id,
    state: record.state,
    capacity: record.capacity,
    paid: record.paid,
    tips: record.tips,
    segments: record.segments,
    lastUpdate: lastUpdateOf(record),
  }
}

export function summaryOf(record: ChannelRecord): SettlementSummary {
  return settlementSummary({ ...record, channelId: record.id }, record.closeReason ?? 'viewer', record.closeTxid)
}
