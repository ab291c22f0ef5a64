// The payment's pure checks alone, for instruction counts: takePayment (every check of the payee but the curve) over a
// real channel's pre-signed updates, N times, and the libsecp256k1 check too unless told `nocurve`. Run it under
// callgrind at two counts and take the difference, so start-up and V8's compiling fall out:
//   valgrind --tool=callgrind node --import tsx scripts/bench/take-payment.ts 4000 nocurve   (then 12000)
//   instructions per payment = (Ir at 12000 - Ir at 4000) / 8000
import type { EntryCharge } from '../../protocol/hls/entry-charge.ts'
import { DEFAULT_FEE_RATE } from '../../protocol/fees.ts'
import { takePayment } from '../../server/channels/channel-transitions.ts'
import { nativeHash256, payeeVerifier } from '../../server/crypto/verify.ts'
import { channelFixture } from '../../test/support/channel-fixture.ts'

const n = Number(process.argv[2] ?? 1000)
/** The update's curve check as well (libsecp256k1), or only the checks before it. */
const curve = process.argv[3] !== 'nocurve'
const UPDATES = 200
const channel = channelFixture({ txid: 'be'.repeat(32), vout: 0, satoshis: UPDATES * 20 + 10_000 }, 0)
const record = channel.record()
const txs = Array.from({ length: UPDATES }, (_, k) => channel.update((k + 1) * 20).toHex())
const verifier = payeeVerifier()
const charge: EntryCharge = { kind: 'due', amount: 20, seconds: 2 }
let ok = 0
for (let i = 0; i < n; i++) {
  const k = i % UPDATES
  const before = { ...record, sequence: k, paid: k * 20 }
  const step = takePayment(before, { kind: 'segment', tx: txs[k], segment: '/media/a/b.ts', charge, stream: null }, { height: 100, feeRate: DEFAULT_FEE_RATE, deadlineMargin: 6, hash256: nativeHash256, payeePublicKey: channel.parties.payeePublicKey, now: i })
  if (!step.ok) throw new Error(step.message)
  if (!curve || verifier.verify(step.signature)) ok++
}
console.log(`${ok} of ${n} payments taken`)
