// The withdrawal: every coin to one address, the fee from the policy rate, valid in the script interpreter; what the
// dialog says before sending; the funding's parents as the fund message carries them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LockingScript, PrivateKey, Spend, Transaction, UnlockingScript } from '@bsv/sdk'
import { checkAddress } from '../../protocol/address.ts'
import { DEFAULT_FEE_RATE, feeFor } from '../../protocol/fees.ts'
import { FundRequest } from '../../protocol/messages.ts'
import { MAX_FUNDING_PARENTS, MAX_FUNDING_PARENTS_HEX_CHARS } from '../../protocol/message-limits.ts'
import { buildSweep, planSweep, sweepBytes } from '../../protocol/p2pkh-spend.ts'
import { p2pkhLockingScript } from '../../protocol/scripts.ts'
import { fundingParents, parentsWithinCaps, parentTxids } from '../../client/payer/funding-parents.ts'
import { withdrawalText, withdrawBlockedBy } from '../../client/player/withdraw-text.ts'

const key = PrivateKey.fromRandom()
const parents = [3_000, 7_000].map((satoshis) =>
  new Transaction(1, [{ sourceTXID: '11'.repeat(32), sourceOutputIndex: 0, sequence: 0xffffffff, unlockingScript: new UnlockingScript() }], [{ satoshis, lockingScript: p2pkhLockingScript(key.toPublicKey().toString()) }], 0),
)
const coins = parents.map((tx) => ({ txid: tx.id('hex') as string, vout: 0, satoshis: tx.outputs[0].satoshis! }))
const to = checkAddress(PrivateKey.fromRandom().toAddress(), 'mainnet') as { script: string }

test('a sweep sends everything minus the size-based fee to one output, every input valid in the interpreter', () => {
  const sweep = buildSweep({ key, utxos: coins, toScript: to.script, feeRate: DEFAULT_FEE_RATE })
  const fee = feeFor(sweepBytes(2), DEFAULT_FEE_RATE)
  assert.deepEqual([sweep.amount, sweep.fee], [10_000 - fee, fee])
  assert.equal(sweep.tx.outputs.length, 1)
  assert.equal(sweep.tx.outputs[0].lockingScript.toHex(), to.script)
  assert.ok(sweep.hex.length / 2 <= sweepBytes(2), `${sweep.hex.length / 2} bytes, estimated ${sweepBytes(2)}`)
  sweep.tx.inputs.forEach((input, i) => {
    const spend = new Spend({
      sourceTXID: coins[i].txid,
      sourceOutputIndex: 0,
      sourceSatoshis: coins[i].satoshis,
      lockingScript: LockingScript.fromHex(parents[i].outputs[0].lockingScript.toHex()),
      transactionVersion: 1,
      otherInputs: sweep.tx.inputs.filter((_, j) => j !== i),
      outputs: sweep.tx.outputs,
      inputIndex: i,
      unlockingScript: input.unlockingScript!,
      inputSequence: input.sequence!,
      lockTime: 0,
    })
    assert.ok(spend.validate())
  })
})

test('nothing to send, or too little for the fee, is refused before anything is signed', () => {
  assert.deepEqual(planSweep([], DEFAULT_FEE_RATE), { ok: false, total: 0, fee: 0, message: 'The wallet holds no coins to send.' })
  const dust = planSweep([{ txid: coins[0].txid, vout: 0, satoshis: 5 }], DEFAULT_FEE_RATE)
  assert.ok(!dust.ok && /do not cover the \d+ sat network fee/.test(dust.message))
  assert.throws(() => buildSweep({ key, utxos: [], toScript: to.script, feeRate: DEFAULT_FEE_RATE }), /no coins/)
})

test('the dialog shows what arrives and the fee, and what the open channel holds back', () => {
  const plan = planSweep(coins, { satoshis: 1, bytes: 1 })
  assert.ok(plan.ok)
  assert.equal(withdrawalText(plan, 0), `Sends ${(10_000 - plan.fee).toLocaleString('en-US')} sat: the whole balance of 10,000 sat minus a ${plan.fee} sat network fee.`)
  assert.match(withdrawalText(plan, 5_050), /The 5,050 sat locked in the open channel are not part of it: they come back to this wallet when the channel settles\./)
  assert.match(withdrawalText(planSweep([], DEFAULT_FEE_RATE), 0), /holds no coins/)
  assert.match(withdrawBlockedBy('opening') ?? '', /being opened/)
  assert.match(withdrawBlockedBy('switching') ?? '', /being opened/)
  assert.equal(withdrawBlockedBy('open'), null)
  assert.equal(withdrawBlockedBy('idle'), null)
})

test("the funding's parents: every distinct one, within the message's caps, or none", async () => {
  const funding = buildSweep({ key, utxos: [...coins, coins[0]].slice(0, 2), toScript: to.script, feeRate: DEFAULT_FEE_RATE })
  assert.deepEqual(parentTxids(funding.hex), coins.map((c) => c.txid))
  const byTxid = new Map(parents.map((tx) => [tx.id('hex') as string, tx.toHex()]))
  assert.deepEqual(await fundingParents(funding.hex, async (txid) => byTxid.get(txid) ?? null), parents.map((tx) => tx.toHex()))
  assert.deepEqual(await fundingParents(funding.hex, async (txid) => (txid === coins[0].txid ? byTxid.get(txid)! : null)), [], 'one missing: none')
  assert.deepEqual(await fundingParents(funding.hex, async () => { throw new Error('offline') }), [])
  assert.deepEqual(parentsWithinCaps(Array(MAX_FUNDING_PARENTS + 1).fill('00')), [])
  assert.deepEqual(parentsWithinCaps(['00'.repeat(MAX_FUNDING_PARENTS_HEX_CHARS / 2 + 1)]), [])
  // The host's schema holds the same caps: more is malformed before anything looks at it.
  const fund = (fundingParents: string[]) => FundRequest.safeParse({ channelId: 'a'.repeat(24), fundingTx: funding.hex, fundingParents }).success
  assert.equal(fund(parents.map((tx) => tx.toHex())), true)
  assert.equal(fund(Array(MAX_FUNDING_PARENTS + 1).fill('00')), false)
  assert.equal(fund(['00'.repeat(MAX_FUNDING_PARENTS_HEX_CHARS / 4 + 1), '00'.repeat(MAX_FUNDING_PARENTS_HEX_CHARS / 4 + 1)]), false)
  assert.equal(fund(['zz']), false)
})
