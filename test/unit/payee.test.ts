// Each of the payee's checks, fed a real update signed by a real key that breaks exactly one rule.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Curve, LockingScript, OP, PrivateKey, Signature, Transaction, UnlockingScript, Utils } from '@bsv/sdk'
import { closeFee, DEFAULT_FEE_RATE } from '../../protocol/fees.ts'
import { ChannelMultisig, p2pkhLockingScript, p2pkhScriptHex } from '../../protocol/scripts.ts'
import type { RejectCode } from '../../protocol/messages.ts'
import { sdkVerifier } from '../../protocol/signature.ts'
import {
  buildRefund,
  buildUpdate,
  channelSighashPreimage,
  completeChannelSpend,
  signChannelInput,
  verifyWithInterpreter,
  withPayerSignature,
  type FundingOutpoint,
} from '../../protocol/transactions.ts'
import {
  buildClose,
  checkFunding,
  checkRefundAndCosign,
  checkUpdate,
  type PayeeChannel,
  type UpdateContext,
  type Verdict,
} from '../../server/channels/payee.ts'
import { checkOpen } from '../../server/channels/open-checks.ts'
import { nativeHash256, nativeVerifier, opensslVerifier } from '../../server/crypto/verify.ts'

const payerKey = PrivateKey.fromRandom()
const payeeKey = PrivateKey.fromRandom()
const parties = { payerPublicKey: payerKey.toPublicKey().toString(), payeePublicKey: payeeKey.toPublicKey().toString() }
/** The host's payout address: the channel key only co-signs, updates pay this. */
const payoutScript = p2pkhScriptHex(PrivateKey.fromRandom().toPublicKey().toString())
const FEE = closeFee(DEFAULT_FEE_RATE)
const funding: FundingOutpoint = { txid: '5a'.repeat(32), vout: 1, satoshis: 10_000 }
const LOCK_TIME = 2000

/** A channel that already accepted 100 sat. */
function channelAt(paid: number): PayeeChannel {
  return {
    id: '0123456789abcdef01234567',
    ...parties,
    payoutScript,
    fundingTxid: funding.txid,
    fundingVout: funding.vout,
    capacity: funding.satoshis,
    fee: FEE,
    lockTime: LOCK_TIME,
    sequence: paid > 0 ? 1 : 0,
    paid,
    tips: 0,
    lastTx: null,
    lastTxid: null,
  }
}
const ctx: UpdateContext = { height: 1500, feeRate: DEFAULT_FEE_RATE, deadlineMargin: 6, verify: nativeVerifier(), hash256: nativeHash256 }

interface Shape {
  version?: number
  sequence?: number
  lockTime?: number
  outpoint?: { txid: string; vout: number }
  extraInput?: boolean
  outputs?: Array<{ satoshis: number; lockingScript: LockingScript }>
}

/** An update with the given deviations, signed by `key` over exactly what it says. */
function update(paid: number, shape: Shape = {}, key: PrivateKey = payerKey, sighash = 0x41): string {
  const outpoint = shape.outpoint ?? funding
  const inputs = [{ sourceTXID: outpoint.txid, sourceOutputIndex: outpoint.vout, sequence: shape.sequence ?? 0xffffffff, unlockingScript: new UnlockingScript() }]
  if (shape.extraInput === true) inputs.push({ sourceTXID: '77'.repeat(32), sourceOutputIndex: 0, sequence: 0xffffffff, unlockingScript: new UnlockingScript() })
  const outputs = shape.outputs ?? [
    { satoshis: paid, lockingScript: LockingScript.fromHex(payoutScript) },
    { satoshis: funding.satoshis - paid - FEE, lockingScript: p2pkhLockingScript(parties.payerPublicKey) },
  ]
  const tx = new Transaction(shape.version ?? 1, inputs, outputs, shape.lockTime ?? 0)
  return withPayerSignature(tx, signChannelInput(tx, funding, parties, key, sighash)).toHex()
}

function codeOf(verdict: Verdict<object>): RejectCode | 'ok' {
  return verdict.ok ? 'ok' : verdict.code
}

const payeeOut = (satoshis: number) => ({ satoshis, lockingScript: LockingScript.fromHex(payoutScript) })
const payerOut = (satoshis: number) => ({ satoshis, lockingScript: p2pkhLockingScript(parties.payerPublicKey) })
const stranger = PrivateKey.fromRandom().toPublicKey().toString()

test('a well-formed update is accepted and advances the channel', () => {
  const hex = update(120)
  const verdict = checkUpdate(channelAt(100), hex, 20, ctx)
  assert.ok(verdict.ok, verdict.ok ? '' : verdict.message)
  assert.equal(verdict.increment, 20)
  assert.equal(verdict.channel.paid, 120)
  assert.equal(verdict.channel.sequence, 2)
  assert.equal(verdict.channel.lastTx, hex)
  assert.equal(verdict.channel.lastTxid, Transaction.fromHex(hex).id('hex'))
  assert.equal(verdict.txid, verdict.channel.lastTxid)
  // The pure-JS verifier agrees with the native one.
  assert.equal(codeOf(checkUpdate(channelAt(100), hex, 20, { ...ctx, verify: sdkVerifier, hash256: undefined })), 'ok')
})

test('garbage bytes: malformed', () => {
  assert.equal(codeOf(checkUpdate(channelAt(100), 'deadbeef', 20, ctx)), 'malformed')
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120) + '00', 20, ctx)), 'malformed')
  assert.equal(codeOf(checkUpdate(channelAt(100), 'not hex at all', 20, ctx)), 'malformed')
})

test('the same update twice: replay', () => {
  const first = checkUpdate(channelAt(100), update(120), 20, ctx)
  assert.ok(first.ok)
  assert.equal(codeOf(checkUpdate(first.channel, first.channel.lastTx!, 20, ctx)), 'replay')
})

test('a decreasing amount: stale', () => {
  assert.equal(codeOf(checkUpdate(channelAt(100), update(90), 0, ctx)), 'stale')
  assert.equal(codeOf(checkUpdate(channelAt(100), update(100), 0, ctx)), 'stale')
})

test('version 2: wrong_version', () => {
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { version: 2 }), 20, ctx)), 'wrong_version')
})

test('a second input: wrong_input_count', () => {
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { extraInput: true }), 20, ctx)), 'wrong_input_count')
})

test('another outpoint: wrong_outpoint', () => {
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { outpoint: { txid: funding.txid, vout: 0 } }), 20, ctx)), 'wrong_outpoint')
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { outpoint: { txid: '5b'.repeat(32), vout: 1 } }), 20, ctx)), 'wrong_outpoint')
})

test('nSequence changed: wrong_sequence', () => {
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { sequence: 0xfffffffe }), 20, ctx)), 'wrong_sequence')
})

test('nLockTime changed: wrong_locktime', () => {
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { lockTime: 1999 }), 20, ctx)), 'wrong_locktime')
})

test('output 0 to someone else: wrong_payee_script', () => {
  const outputs = [{ satoshis: 120, lockingScript: p2pkhLockingScript(stranger) }, payerOut(funding.satoshis - 120 - FEE)]
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { outputs }), 20, ctx)), 'wrong_payee_script')
})

test("output 0 to the host's channel key instead of its payout address: wrong_payee_script", () => {
  const outputs = [{ satoshis: 120, lockingScript: p2pkhLockingScript(parties.payeePublicKey) }, payerOut(funding.satoshis - 120 - FEE)]
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { outputs }), 20, ctx)), 'wrong_payee_script')
  // A channel keeps the payout script it opened with: the same update is right for a channel that agreed to it.
  const opened = { ...channelAt(100), payoutScript: p2pkhScriptHex(parties.payeePublicKey) }
  assert.equal(codeOf(checkUpdate(opened, update(120, { outputs }), 20, ctx)), 'ok')
  assert.equal(codeOf(checkUpdate(opened, update(120), 20, ctx)), 'wrong_payee_script')
})

test('change to someone else: wrong_payer_script', () => {
  const outputs = [payeeOut(120), { satoshis: funding.satoshis - 120 - FEE, lockingScript: p2pkhLockingScript(stranger) }]
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { outputs }), 20, ctx)), 'wrong_payer_script')
})

test('a 0-sat change output: payer_output_dust', () => {
  const outputs = [payeeOut(120), payerOut(0)]
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { outputs }), 20, ctx)), 'payer_output_dust')
})

test('anything but one 0-sat OP_RETURN after the payer output: extra_output', () => {
  const change = funding.satoshis - 120 - FEE
  const third = [payeeOut(120), payerOut(change - 1), { satoshis: 1, lockingScript: p2pkhLockingScript(stranger) }]
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { outputs: third }), 20, ctx)), 'extra_output')
  const data = new LockingScript([{ op: OP.OP_FALSE }, { op: OP.OP_RETURN }, { op: 2, data: [1, 2] }])
  const paidCarrier = [payeeOut(120), payerOut(change - 1), { satoshis: 1, lockingScript: data }]
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { outputs: paidCarrier }), 20, ctx)), 'extra_output')
  const twoCarriers = [payeeOut(120), payerOut(change), { satoshis: 0, lockingScript: data }, { satoshis: 0, lockingScript: data }]
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { outputs: twoCarriers }), 20, ctx)), 'extra_output')
  // One free data carrier is fine, as long as the fee covers its bytes too.
  const oneCarrier = [payeeOut(120), payerOut(change - 2), { satoshis: 0, lockingScript: data }]
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { outputs: oneCarrier }), 20, ctx)), 'ok')
})

test('less than the price of the segment: underpaid', () => {
  assert.equal(codeOf(checkUpdate(channelAt(100), update(110), 20, ctx)), 'underpaid')
})

test('outputs above the capacity: over_capacity', () => {
  const outputs = [payeeOut(120), payerOut(funding.satoshis - 120 + 1)]
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { outputs }), 20, ctx)), 'over_capacity')
})

test('fee below policy for the signed close: fee_too_low', () => {
  const outputs = [payeeOut(120), payerOut(funding.satoshis - 120 - 5)]
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { outputs }), 20, ctx)), 'fee_too_low')
})

test('an absurd fee: fee_too_high', () => {
  const outputs = [payeeOut(120), payerOut(funding.satoshis - 120 - 11 * FEE)]
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, { outputs }), 20, ctx)), 'fee_too_high')
})

test('high-S twin of a valid signature: high_s (though OpenSSL would accept it)', () => {
  const good = Transaction.fromHex(update(120))
  const sigBytes = good.inputs[0].unlockingScript!.chunks[1].data!
  const sig = Signature.fromDER(sigBytes.slice(0, -1))
  const n = new Curve().n
  const highS = new Signature(sig.r, n.sub(sig.s))
  const highDer = highS.toDER() as number[]
  const unsigned = buildUpdate({ ...parties, payoutScript, funding, paid: 120, feeRate: DEFAULT_FEE_RATE })
  const preimage = channelSighashPreimage(unsigned, funding, parties)
  assert.equal(opensslVerifier()(preimage, Uint8Array.from(highDer), parties.payerPublicKey), true, 'the twin is mathematically valid')
  const tampered = withPayerSignature(unsigned, Utils.toHex([...highDer, 0x41])).toHex()
  assert.equal(codeOf(checkUpdate(channelAt(100), tampered, 20, ctx)), 'high_s')
})

test('sighash byte other than 0x41: wrong_sighash', () => {
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, {}, payerKey, 0x01), 20, ctx)), 'wrong_sighash')
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, {}, payerKey, 0x61), 20, ctx)), 'wrong_sighash')
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, {}, payerKey, 0xc1), 20, ctx)), 'wrong_sighash')
})

test('not OP_0 <sig>, or sloppy DER: bad_signature_encoding', () => {
  const unsigned = buildUpdate({ ...parties, payoutScript, funding, paid: 120, feeRate: DEFAULT_FEE_RATE })
  assert.equal(codeOf(checkUpdate(channelAt(100), unsigned.toHex(), 20, ctx)), 'bad_signature_encoding')
  // Two signatures make the tx bigger: give it the fee that size needs, so only the unlocking shape is wrong.
  const roomy = new Transaction(1, unsigned.inputs.map((i) => ({ ...i })), [payeeOut(120), payerOut(funding.satoshis - 120 - 40)], 0)
  const sig = signChannelInput(roomy, funding, parties, payerKey)
  const twoSigs = completeChannelSpend(roomy, sig, sig).toHex()
  assert.equal(codeOf(checkUpdate(channelAt(100), twoSigs, 20, ctx)), 'bad_signature_encoding')
  // R with a needless leading zero: OpenSSL would parse it, BIP66 does not allow it.
  const good = Utils.toArray(signChannelInput(unsigned, funding, parties, payerKey), 'hex')
  const padded = [0x30, good[1] + 1, 0x02, good[3] + 1, 0x00, ...good.slice(4)]
  assert.equal(codeOf(checkUpdate(channelAt(100), withPayerSignature(unsigned, Utils.toHex(padded)).toHex(), 20, ctx)), 'bad_signature_encoding')
})

test('signed by the wrong key: bad_signature', () => {
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, {}, payeeKey), 20, ctx)), 'bad_signature')
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120, {}, PrivateKey.fromRandom()), 20, ctx)), 'bad_signature')
})

test('a valid update too close to the refund nLockTime: past_deadline', () => {
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120), 20, { ...ctx, height: LOCK_TIME - 6 })), 'past_deadline')
  assert.equal(codeOf(checkUpdate(channelAt(100), update(120), 20, { ...ctx, height: LOCK_TIME - 7 })), 'ok')
})

function refundHex(shape: { sequence?: number; lockTime?: number; vout?: number; to?: string } = {}): string {
  const outpoint = { ...funding, vout: shape.vout ?? funding.vout }
  const base = buildRefund({ ...parties, funding: outpoint, lockTime: shape.lockTime ?? LOCK_TIME, feeRate: DEFAULT_FEE_RATE })
  const tx = new Transaction(
    1,
    [{ sourceTXID: outpoint.txid, sourceOutputIndex: outpoint.vout, sequence: shape.sequence ?? 0, unlockingScript: new UnlockingScript() }],
    [{ satoshis: base.outputs[0].satoshis, lockingScript: p2pkhLockingScript(shape.to ?? parties.payerPublicKey) }],
    base.lockTime,
  )
  return withPayerSignature(tx, signChannelInput(tx, funding, parties, payerKey)).toHex()
}

function cosign(hex: string) {
  return checkRefundAndCosign({
    payerPublicKey: parties.payerPublicKey,
    payeeKey,
    fundingTxid: funding.txid,
    fundingVout: funding.vout,
    capacity: funding.satoshis,
    refundHex: hex,
    expectedLockTime: LOCK_TIME,
    lockTimeTolerance: 3,
    feeRate: DEFAULT_FEE_RATE,
  })
}

test('refund: co-signed refund passes the interpreter', () => {
  const hex = refundHex()
  const verdict = cosign(hex)
  assert.ok(verdict.ok, verdict.ok ? '' : verdict.message)
  assert.equal(verdict.lockTime, LOCK_TIME)
  const partial = Transaction.fromHex(hex)
  const payerSig = Utils.toHex(partial.inputs[0].unlockingScript!.chunks[1].data!)
  const complete = completeChannelSpend(partial, payerSig, verdict.payeeSignature)
  assert.deepEqual(verifyWithInterpreter(complete, funding, new ChannelMultisig().lock(parties.payerPublicKey, parties.payeePublicKey)), { ok: true })
})

test('refund: final nSequence, wrong outpoint, far nLockTime, foreign output or foreign signature are refused', () => {
  assert.equal(codeOf(cosign(refundHex({ sequence: 0xffffffff }))), 'bad_refund')
  assert.equal(codeOf(cosign(refundHex({ vout: 0 }))), 'bad_refund')
  assert.equal(codeOf(cosign(refundHex({ lockTime: LOCK_TIME + 4 }))), 'bad_refund')
  assert.equal(codeOf(cosign(refundHex({ lockTime: LOCK_TIME + 3 }))), 'ok')
  assert.equal(codeOf(cosign(refundHex({ to: stranger }))), 'bad_refund')
  const unsigned = buildRefund({ ...parties, funding, lockTime: LOCK_TIME, feeRate: DEFAULT_FEE_RATE })
  const foreign = withPayerSignature(unsigned, signChannelInput(unsigned, funding, parties, PrivateKey.fromRandom())).toHex()
  assert.equal(codeOf(cosign(foreign)), 'bad_refund')
  assert.equal(codeOf(cosign('00')), 'malformed')
})

test('funding: txid, version and the exact 2-of-2 output with the capacity', () => {
  const lock = new ChannelMultisig().lock(parties.payerPublicKey, parties.payeePublicKey)
  const tx = new Transaction(1, [{ sourceTXID: '99'.repeat(32), sourceOutputIndex: 0, sequence: 0xffffffff, unlockingScript: new UnlockingScript() }], [{ satoshis: 5000, lockingScript: lock }], 0)
  const base = { fundingHex: tx.toHex(), fundingTxid: tx.id('hex'), fundingVout: 0, capacity: 5000, ...parties }
  assert.equal(codeOf(checkFunding(base)), 'ok')
  assert.equal(codeOf(checkFunding({ ...base, capacity: 5001 })), 'bad_funding')
  assert.equal(codeOf(checkFunding({ ...base, fundingTxid: '00'.repeat(32) })), 'bad_funding')
  assert.equal(codeOf(checkFunding({ ...base, fundingVout: 1 })), 'bad_funding')
  assert.equal(codeOf(checkFunding({ ...base, payeePublicKey: stranger })), 'bad_funding')
  const v2 = new Transaction(2, tx.inputs.map((i) => ({ ...i })), tx.outputs.map((o) => ({ ...o })), 0)
  assert.equal(codeOf(checkFunding({ ...base, fundingHex: v2.toHex(), fundingTxid: v2.id('hex') })), 'bad_funding')
})

test('close: refused when nothing was paid; otherwise the interpreter-checked last update', () => {
  assert.equal(codeOf(buildClose(channelAt(0), payeeKey)), 'underpaid')
  const accepted = checkUpdate(channelAt(0), update(300), 1, ctx)
  assert.ok(accepted.ok)
  assert.equal(codeOf(buildClose(accepted.channel, PrivateKey.fromRandom())), 'internal')
  const close = buildClose(accepted.channel, payeeKey)
  assert.ok(close.ok)
  const tx = Transaction.fromHex(close.hex)
  assert.equal(tx.outputs[0].satoshis, 300)
  assert.equal(tx.outputs[0].lockingScript.toHex(), payoutScript, 'the close pays the payout address, not the channel key')
  assert.deepEqual(verifyWithInterpreter(tx, funding, new ChannelMultisig().lock(parties.payerPublicKey, parties.payeePublicKey)), { ok: true })
})


test('open checks, in order: stopped host, capacity range, the close fee, the host key, the payout script, then the refund is co-signed', () => {
  const openCtx = {
    accepting: true,
    minCapacity: 1_000,
    maxCapacity: 20_000,
    feeRate: DEFAULT_FEE_RATE,
    height: LOCK_TIME - 144,
    lifetimeBlocks: 144,
    payeeKey,
    payeePublicKey: parties.payeePublicKey,
    payoutScript,
    verify: nativeVerifier(),
  }
  const request = { payerPublicKey: parties.payerPublicKey, fundingTxid: funding.txid, fundingVout: funding.vout, capacity: funding.satoshis, refundTx: refundHex(), payoutScript }
  const opened = checkOpen(request, openCtx)
  assert.ok(opened.ok, opened.ok ? '' : opened.message)
  assert.deepEqual([opened.lockTime, opened.fee], [LOCK_TIME, FEE])
  assert.equal(codeOf(checkOpen(request, { ...openCtx, accepting: false })), 'host_stopped')
  assert.equal(codeOf(checkOpen(request, { ...openCtx, maxCapacity: 9_999 })), 'capacity_out_of_range')
  assert.equal(codeOf(checkOpen(request, { ...openCtx, minCapacity: 0, feeRate: { satoshis: 1_000_000, bytes: 1 } })), 'capacity_out_of_range')
  assert.equal(codeOf(checkOpen({ ...request, payerPublicKey: parties.payeePublicKey }, openCtx)), 'bad_refund')
  assert.equal(codeOf(checkOpen({ ...request, refundTx: refundHex({ lockTime: LOCK_TIME + 4 }) }, openCtx)), 'bad_refund')
  // A viewer holding terms from before the host changed its payout address is told, before anything is signed.
  assert.equal(codeOf(checkOpen({ ...request, payoutScript: p2pkhScriptHex(stranger) }, openCtx)), 'wrong_payee_script')
})
