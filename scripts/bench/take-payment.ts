// The payment's pure checks alone, for instruction counts: takePayment (every check of the payee but the curve) over a
// real channel's pre-signed updates, N times, and the libsecp256k1 check too unless told `nocurve`. Run it under
// callgrind at two counts and take the difference, so start-up and V8's compiling fall out:
//   valgrind --tool=callgrind node --import tsx scripts/bench/take-payment.ts 4000 nocurve   (then 12000)
//   instructions per payment = (Ir at 12000 - Ir at 4000) / 8000
import { PrivateKey } from '@bsv/sdk'
import type { EntryCharge } from '../../protocol/hls/entry-charge.ts'
import { closeFee, DEFAULT_FEE_RATE } from '../../protocol/fees.ts'
import { p2pkhScriptHex } from '../../protocol/scripts.ts'
import { buildUpdate, signChannelInput, withPayerSignature, type FundingOutpoint } from '../../protocol/transactions.ts'
import { takePayment } from '../../server/channels/channel-transitions.ts'
import { nativeHash256, payeeVerifier } from '../../server/crypto/verify.ts'
import type { ChannelRecord } from '../../server/store/channel-store.ts'

const n = Number(process.argv[2] ?? 1000)
/** The update's curve check as well (libsecp256k1), or only the checks before it. */
const curve = process.argv[3] !== 'nocurve'
const UPDATES = 200
const payerKey = PrivateKey.fromRandom()
const payeeKey = PrivateKey.fromRandom()
const parties = { payerPublicKey: payerKey.toPublicKey().toString(), payeePublicKey: payeeKey.toPublicKey().toString() }
const payoutScript = p2pkhScriptHex(PrivateKey.fromRandom().toPublicKey().toString())
const funding: FundingOutpoint = { txid: 'be'.repeat(32), vout: 0, satoshis: UPDATES * 20 + 10_000 }
const record: ChannelRecord = {
  id: '0123456789abcdef01234567',
  token: 't',
  payerPublicKey: parties.payerPublicKey,
  fundingTxid: funding.txid,
  fundingVout: 0,
  fundingTx: null,
  capacity: funding.satoshis,
  fee: closeFee(DEFAULT_FEE_RATE),
  lockTime: 10_000,
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
  createdAt: 0,
  lastActivityAt: 0,
  closedAt: null,
}
const txs: string[] = []
for (let k = 1; k <= UPDATES; k++) {
  const tx = buildUpdate({ ...parties, payoutScript, funding, paid: k * 20, feeRate: DEFAULT_FEE_RATE })
  txs.push(withPayerSignature(tx, signChannelInput(tx, funding, parties, payerKey)).toHex())
}
const verifier = payeeVerifier()
const charge: EntryCharge = { kind: 'due', amount: 20, seconds: 2 }
let ok = 0
for (let i = 0; i < n; i++) {
  const k = i % UPDATES
  const before = { ...record, sequence: k, paid: k * 20 }
  const step = takePayment(before, { kind: 'segment', tx: txs[k], segment: '/media/a/b.ts', charge, stream: null }, { height: 100, feeRate: DEFAULT_FEE_RATE, deadlineMargin: 6, hash256: nativeHash256, payeePublicKey: parties.payeePublicKey, now: i })
  if (!step.ok) throw new Error(step.message)
  if (!curve || verifier.verify(step.signature)) ok++
}
console.log(`${ok} of ${n} payments taken`)
