// How many payment updates one core can check per second: the host's hot path (checkUpdate with libsecp256k1, and
// with OpenSSL) against the full script interpreter. Run: node --import tsx scripts/bench/verify.ts [seconds]
import { pathToFileURL } from 'node:url'
import { PrivateKey, Transaction } from '@bsv/sdk'
import { closeFee, DEFAULT_FEE_RATE } from '../../protocol/fees.ts'
import { ChannelMultisig, p2pkhScriptHex } from '../../protocol/scripts.ts'
import {
  buildUpdate,
  completeChannelSpend,
  signChannelInput,
  verifyWithInterpreter,
  withPayerSignature,
  type FundingOutpoint,
} from '../../protocol/transactions.ts'
import type { SignatureVerifier } from '../../protocol/signature.ts'
import { checkUpdate, type PayeeChannel, type UpdateContext } from '../../server/channels/payee.ts'
import { nativeHash256, nativeVerifier, opensslVerifier } from '../../server/crypto/verify.ts'

const UPDATES = 300
const PRICE = 20

export interface VerifyResult {
  /** libsecp256k1, the host's engine. */
  native_per_sec: number
  openssl_per_sec: number
  interpreter_per_sec: number
  ratio: number
}

export async function benchVerify(opts: { seconds: number }): Promise<VerifyResult> {
  const payerKey = PrivateKey.fromRandom()
  const payeeKey = PrivateKey.fromRandom()
  const parties = { payerPublicKey: payerKey.toPublicKey().toString(), payeePublicKey: payeeKey.toPublicKey().toString() }
  const payoutScript = p2pkhScriptHex(PrivateKey.fromRandom().toPublicKey().toString())
  const fee = closeFee(DEFAULT_FEE_RATE)
  const funding: FundingOutpoint = { txid: 'be'.repeat(32), vout: 0, satoshis: UPDATES * PRICE + fee + 1000 }

  // A real channel: each update signed by the payer, and the state the host holds just before it arrives.
  const updates: string[] = []
  const before: PayeeChannel[] = []
  const closes: Transaction[] = []
  let state: PayeeChannel = {
    id: 'benchbenchbenchbenchbenc',
    ...parties,
    payoutScript,
    fundingTxid: funding.txid,
    fundingVout: funding.vout,
    capacity: funding.satoshis,
    fee,
    lockTime: 10_000,
    sequence: 0,
    paid: 0,
    tips: 0,
    lastTx: null,
    lastTxid: null,
  }
  const ctx: UpdateContext = { height: 100, feeRate: DEFAULT_FEE_RATE, deadlineMargin: 6, verify: nativeVerifier(), hash256: nativeHash256 }
  for (let k = 1; k <= UPDATES; k++) {
    const unsigned = buildUpdate({ ...parties, payoutScript, funding, paid: k * PRICE, feeRate: DEFAULT_FEE_RATE })
    const payerSig = signChannelInput(unsigned, funding, parties, payerKey)
    const hex = withPayerSignature(unsigned, payerSig).toHex()
    const verdict = checkUpdate(state, hex, PRICE, ctx)
    if (!verdict.ok) throw new Error(`bench setup: update ${k} refused: ${verdict.code} ${verdict.message}`)
    updates.push(hex)
    before.push(state)
    closes.push(completeChannelSpend(unsigned, payerSig, signChannelInput(unsigned, funding, parties, payeeKey)))
    state = verdict.channel
  }

  // The host path with a fresh verifier; every call must pass. OpenSSL is measured too: it is the fallback where
  // libsecp256k1 has no binary.
  const hostPath = (verify: SignatureVerifier) => {
    const hostCtx: UpdateContext = { ...ctx, verify }
    return countPerSecond(opts.seconds, (i) => {
      const verdict = checkUpdate(before[i % UPDATES], updates[i % UPDATES], PRICE, hostCtx)
      if (!verdict.ok) throw new Error(`update ${i % UPDATES} refused: ${verdict.code}`)
    })
  }
  const native = hostPath(nativeVerifier())
  const openssl = hostPath(opensslVerifier())

  // Full interpreter on the completed 2-of-2 spend (what an implementation without the fast path would run).
  const lock = new ChannelMultisig().lock(parties.payerPublicKey, parties.payeePublicKey)
  const interpreter = countPerSecond(opts.seconds, (i) => {
    const verdict = verifyWithInterpreter(closes[i % UPDATES], funding, lock)
    if (!verdict.ok) throw new Error(`close ${i % UPDATES} invalid: ${verdict.message}`)
  })

  return {
    native_per_sec: Math.round(native),
    openssl_per_sec: Math.round(openssl),
    interpreter_per_sec: Math.round(interpreter),
    ratio: Math.round((native / interpreter) * 10) / 10,
  }
}

/** Calls `work(i)` for i = 0, 1, ... until `seconds` elapse; returns calls per second. Synchronous: one core. */
function countPerSecond(seconds: number, work: (i: number) => void): number {
  const started = performance.now()
  const until = started + seconds * 1000
  let calls = 0
  let now = started
  while (now < until) {
    // Check the clock every 16 calls: reading it costs little, but not nothing.
    for (let j = 0; j < 16; j++) work(calls++)
    now = performance.now()
  }
  return calls / ((now - started) / 1000)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seconds = Number(process.argv[2] ?? 3)
  benchVerify({ seconds }).then(
    (result) => console.log(JSON.stringify(result)),
    (error) => {
      console.error(error)
      process.exitCode = 1
    },
  )
}
