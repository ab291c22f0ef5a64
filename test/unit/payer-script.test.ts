// A viewer paying from a BRC-100 wallet names where its share goes (a key the wallet derives): the host then holds the
// refund and every update's change to exactly that script, and a funding sent as BEEF must carry exactly the funding.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Beef, MerklePath, PrivateKey, Transaction } from '@bsv/sdk'
import { closeFee, DEFAULT_FEE_RATE } from '../../protocol/fees.ts'
import { p2pkhScriptHex } from '../../protocol/scripts.ts'
import { buildRefund, buildUpdate, signChannelInput, withPayerSignature, type FundingOutpoint } from '../../protocol/transactions.ts'
import { checkFundingBeef } from '../../server/channels/open-checks.ts'
import { checkRefundAndCosign, checkUpdate, type PayeeChannel } from '../../server/channels/payee.ts'
import { nativeVerifier } from '../../server/crypto/verify.ts'
import { buildSignedP2pkhTx } from '../../devnet/p2pkh.ts'

const payerKey = PrivateKey.fromRandom()
const payeeKey = PrivateKey.fromRandom()
const parties = { payerPublicKey: payerKey.toPublicKey().toString(), payeePublicKey: payeeKey.toPublicKey().toString() }
const payoutScript = p2pkhScriptHex(PrivateKey.fromRandom().toPublicKey().toString())
/** A key the viewer's wallet derives: not the channel key. */
const payerScript = p2pkhScriptHex(PrivateKey.fromRandom().toPublicKey().toString())
const funding: FundingOutpoint = { txid: '6b'.repeat(32), vout: 0, satoshis: 10_000 }
const LOCK_TIME = 2000

const channel: PayeeChannel = {
  id: 'abcdefabcdefabcdefabcdef',
  ...parties,
  payerScript,
  payoutScript,
  fundingTxid: funding.txid,
  fundingVout: funding.vout,
  capacity: funding.satoshis,
  fee: closeFee(DEFAULT_FEE_RATE),
  lockTime: LOCK_TIME,
  sequence: 0,
  paid: 0,
  tips: 0,
  lastTx: null,
  lastTxid: null,
}
const ctx = { height: 1500, feeRate: DEFAULT_FEE_RATE, deadlineMargin: 6, verify: nativeVerifier() }

function signed(tx: Transaction): string {
  return withPayerSignature(tx, signChannelInput(tx, funding, parties, payerKey)).toHex()
}

test("an update returns the change to the viewer's named script, not to its channel key", () => {
  const good = checkUpdate(channel, signed(buildUpdate({ ...parties, funding, paid: 100, feeRate: DEFAULT_FEE_RATE, payoutScript, payerScript })), 100, ctx)
  assert.ok(good.ok, good.ok ? '' : good.message)
  const toChannelKey = checkUpdate(channel, signed(buildUpdate({ ...parties, funding, paid: 100, feeRate: DEFAULT_FEE_RATE, payoutScript })), 100, ctx)
  assert.equal(toChannelKey.ok ? 'ok' : toChannelKey.code, 'wrong_payer_script')
  const { payerScript: _named, ...keyOnly } = channel
  const legacy = checkUpdate(keyOnly, signed(buildUpdate({ ...parties, funding, paid: 100, feeRate: DEFAULT_FEE_RATE, payoutScript })), 100, ctx)
  assert.ok(legacy.ok, 'a channel without a named script keeps paying the channel key')
})

test('the host co-signs only a refund paying the named script', () => {
  const cosign = (refund: Transaction) =>
    checkRefundAndCosign({
      ...parties,
      payerScript,
      payeeKey,
      fundingTxid: funding.txid,
      fundingVout: funding.vout,
      capacity: funding.satoshis,
      refundHex: signed(refund),
      expectedLockTime: LOCK_TIME,
      lockTimeTolerance: 3,
      feeRate: DEFAULT_FEE_RATE,
    })
  assert.equal(cosign(buildRefund({ ...parties, funding, lockTime: LOCK_TIME, feeRate: DEFAULT_FEE_RATE, payerScript })).ok, true)
  const elsewhere = cosign(buildRefund({ ...parties, funding, lockTime: LOCK_TIME, feeRate: DEFAULT_FEE_RATE }))
  assert.equal(elsewhere.ok ? 'ok' : elsewhere.code, 'bad_refund')
})

test('a funding BEEF must hold together and carry exactly the funding', async () => {
  const key = PrivateKey.fromRandom()
  const parent = await buildSignedP2pkhTx({ key: PrivateKey.fromRandom(), inputs: [{ txid: '11'.repeat(32), vout: 0, satoshis: 50_000 }], outputs: [{ address: key.toAddress(), satoshis: 40_000 }] })
  parent.merklePath = MerklePath.fromCoinbaseTxidAndHeight(parent.id('hex'), 7)
  const fundingTx = await buildSignedP2pkhTx({ key, inputs: [{ txid: parent.id('hex'), vout: 0, satoshis: 40_000 }], outputs: [{ address: key.toAddress(), satoshis: 39_000 }] })
  fundingTx.inputs[0].sourceTransaction = parent
  const beef = new Beef()
  beef.mergeTransaction(fundingTx)
  const fundingHex = fundingTx.toHex()
  assert.deepEqual(checkFundingBeef(fundingHex, beef.toHex()), { ok: true })
  assert.deepEqual(checkFundingBeef(fundingHex, Buffer.from(beef.toBinaryAtomic(fundingTx.id('hex'))).toString('hex')), { ok: true }, 'Atomic BEEF too')

  const other = await buildSignedP2pkhTx({ key, inputs: [{ txid: parent.id('hex'), vout: 0, satoshis: 40_000 }], outputs: [{ address: key.toAddress(), satoshis: 38_000 }] })
  const verdict = checkFundingBeef(other.toHex(), beef.toHex())
  assert.equal(verdict.ok ? 'ok' : verdict.code, 'bad_funding')

  const orphan = new Beef()
  orphan.mergeRawTx(fundingTx.toBinary())
  const broken = checkFundingBeef(fundingHex, orphan.toHex())
  assert.ok(!broken.ok && /does not hold together/.test(broken.message), 'a BEEF without the parent is refused')
  assert.equal((checkFundingBeef(fundingHex, 'beef') as { code?: string }).code, 'bad_funding')
})
