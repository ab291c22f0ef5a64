// A channel between two real keys as the host's store keeps it, and the updates its viewer signs: for the tests of the
// pure channel transitions, which run without a host.
import { PrivateKey, Transaction } from '@bsv/sdk'
import { closeFee, DEFAULT_FEE_RATE } from '../../protocol/fees.ts'
import { p2pkhScriptHex } from '../../protocol/scripts.ts'
import { buildUpdate, signChannelInput, withPayerSignature, type FundingOutpoint } from '../../protocol/transactions.ts'
import type { ChannelRecord } from '../../server/store/channel-store.ts'

export interface ChannelFixture {
  payerKey: PrivateKey
  payeeKey: PrivateKey
  parties: { payerPublicKey: string; payeePublicKey: string }
  /** The host's payout script: updates pay it, the channel key only co-signs. */
  payoutScript: string
  funding: FundingOutpoint
  /** The channel open, nothing paid yet, last active at `openedAt`; `changes` on top. */
  record(changes?: Partial<ChannelRecord>): ChannelRecord
  /** The update paying the host `paid` in total, signed by the viewer's key (or `key`), the change to `payerScript` if given. */
  update(paid: number, key?: PrivateKey, payerScript?: string): Transaction
}

export function channelFixture(funding: FundingOutpoint, openedAt: number): ChannelFixture {
  const payerKey = PrivateKey.fromRandom()
  const payeeKey = PrivateKey.fromRandom()
  const parties = { payerPublicKey: payerKey.toPublicKey().toString(), payeePublicKey: payeeKey.toPublicKey().toString() }
  const payoutScript = p2pkhScriptHex(PrivateKey.fromRandom().toPublicKey().toString())
  const opened: ChannelRecord = {
    id: '0123456789abcdef01234567',
    token: 'digest',
    payerPublicKey: parties.payerPublicKey,
    fundingTxid: funding.txid,
    fundingVout: funding.vout,
    fundingTx: null,
    capacity: funding.satoshis,
    fee: closeFee(DEFAULT_FEE_RATE),
    lockTime: 2000,
    refundTx: '00',
    payoutScript,
    payerScript: null,
    viewerIdentity: null,
    state: 'open',
    sequence: 0,
    paid: 0,
    tips: 0,
    segments: 0,
    seconds: 0,
    lastTx: null,
    lastTxid: null,
    closeTx: null,
    closeTxid: null,
    closeReason: null,
    createdAt: openedAt,
    lastActivityAt: openedAt,
    closedAt: null,
  }
  return {
    payerKey,
    payeeKey,
    parties,
    payoutScript,
    funding,
    record: (changes = {}) => ({ ...opened, ...changes }),
    update(paid, key = payerKey, payerScript) {
      const tx = buildUpdate({ ...parties, funding, paid, feeRate: DEFAULT_FEE_RATE, payoutScript, payerScript })
      return withPayerSignature(tx, signChannelInput(tx, funding, parties, key))
    },
  }
}
