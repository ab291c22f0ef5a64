// The viewer's state machine with real keys and real signatures; what it signs is checked by the host's code.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PrivateKey, Transaction, UnlockingScript } from '@bsv/sdk'
import { closeFee, DEFAULT_FEE_RATE } from '../../protocol/fees.ts'
import type { Terms } from '../../protocol/messages.ts'
import { p2pkhLockingScript, p2pkhScriptHex } from '../../protocol/scripts.ts'
import { acceptRefund, openPayerChannel, planChannel } from '../../client/payer/channel-offer.ts'
import { afterPaymentRequired, endedBy, isPaid, markDelivered, raiseCap, reactToTip, reactToUpdate, resumedChannel, resyncFrom, signSegment, signTip, spendable, type PayerChannel, type PayerVerdict } from '../../client/payer/payer.ts'
import { checkRefundAndCosign, checkUpdate, type PayeeChannel } from '../../server/channels/payee.ts'
import { nativeVerifier } from '../../server/crypto/verify.ts'

const FEE = closeFee(DEFAULT_FEE_RATE)
const payeeKey = PrivateKey.fromRandom()
const terms: Terms = {
  network: 'devnet',
  payeePublicKey: payeeKey.toPublicKey().toString(),
  payoutScript: p2pkhScriptHex(PrivateKey.fromRandom().toPublicKey().toString()),
  pricePerSecond: 10,
  renditionMultipliers: { '720p': 2 },
  lifetimeBlocks: 100,
  height: 500,
  feeRate: DEFAULT_FEE_RATE,
  minCapacity: 500,
  maxCapacity: 100_000,
  accepting: true,
  streamPrices: [],
  previewSeconds: 0,
}

function open(cap: number): { key: PrivateKey; channel: PayerChannel; refund: Transaction; refundPayerSignature: string } {
  const key = PrivateKey.fromRandom()
  const parent = new Transaction(1, [{ sourceTXID: '22'.repeat(32), sourceOutputIndex: 0, sequence: 0xffffffff, unlockingScript: new UnlockingScript() }], [{ satoshis: 50_000, lockingScript: p2pkhLockingScript(key.toPublicKey().toString()) }], 0)
  const opened = openPayerChannel({ payerKey: key, terms, cap, utxos: [{ txid: parent.id('hex'), vout: 0, satoshis: 50_000 }] })
  return { key, channel: opened.channel, refund: opened.refund, refundPayerSignature: opened.refundPayerSignature }
}

function hostFor(ch: PayerChannel): PayeeChannel {
  return {
    id: '0123456789abcdef01234567',
    payerPublicKey: ch.payerPublicKey,
    payeePublicKey: ch.payeePublicKey,
    payoutScript: ch.payoutScript,
    fundingTxid: ch.funding.txid,
    fundingVout: ch.funding.vout,
    capacity: ch.funding.satoshis,
    fee: ch.fee,
    lockTime: ch.lockTime,
    sequence: 0,
    paid: 0,
    tips: 0,
    lastTx: null,
    lastTxid: null,
  }
}
const hostCtx = { height: 501, feeRate: DEFAULT_FEE_RATE, deadlineMargin: 6, verify: nativeVerifier() }

function expectOk(verdict: PayerVerdict): Extract<PayerVerdict, { ok: true }> {
  assert.ok(verdict.ok, verdict.ok ? '' : `${verdict.reason}: ${verdict.message}`)
  return verdict
}
function reasonOf(verdict: PayerVerdict): string {
  return verdict.ok ? 'ok' : verdict.reason
}

test('planChannel: cap + close fee, raised to the host minimum, refused above its maximum', () => {
  assert.deepEqual(planChannel({ cap: 1000, feeRate: DEFAULT_FEE_RATE, minCapacity: 500, maxCapacity: 100_000 }), { capacity: 1000 + FEE })
  assert.deepEqual(planChannel({ cap: 100, feeRate: DEFAULT_FEE_RATE, minCapacity: 500, maxCapacity: 100_000 }), { capacity: 500 })
  assert.throws(() => planChannel({ cap: 100_000, feeRate: DEFAULT_FEE_RATE, minCapacity: 500, maxCapacity: 100_000 }), /at most 99973 sat/)
  assert.throws(() => planChannel({ cap: 0, feeRate: DEFAULT_FEE_RATE, minCapacity: 0, maxCapacity: 100_000 }), /positive/)
})

test('open: refund signed by the payer only; the host co-signs and the payer accepts it only when valid', () => {
  const { channel, refund, refundPayerSignature } = open(1000)
  assert.equal(channel.lockTime, 600)
  assert.equal(channel.funding.satoshis, 1000 + FEE)
  const cosigned = checkRefundAndCosign({
    payerPublicKey: channel.payerPublicKey,
    payeeKey,
    fundingTxid: channel.funding.txid,
    fundingVout: channel.funding.vout,
    capacity: channel.funding.satoshis,
    refundHex: refund.toHex(),
    expectedLockTime: 600,
    lockTimeTolerance: 0,
    feeRate: DEFAULT_FEE_RATE,
  })
  assert.ok(cosigned.ok)
  assert.equal(acceptRefund(channel, refund, refundPayerSignature, cosigned.payeeSignature).ok, true)
  // A host signing with another key, or not signing at all, leaves the payer without a refund: it must not fund.
  const other = checkRefundAndCosign({
    payerPublicKey: channel.payerPublicKey,
    payeeKey: PrivateKey.fromRandom(),
    fundingTxid: channel.funding.txid,
    fundingVout: channel.funding.vout,
    capacity: channel.funding.satoshis,
    refundHex: refund.toHex(),
    expectedLockTime: 600,
    lockTimeTolerance: 0,
    feeRate: DEFAULT_FEE_RATE,
  })
  // The refund's signature commits to the 2-of-2 with the real payee key, so another key's co-signing fails there.
  assert.equal(other.ok, false)
  const forged = PrivateKey.fromRandom().sign([1, 2, 3]).toDER('hex') + '41'
  const rejected = acceptRefund(channel, refund, refundPayerSignature, forged)
  assert.equal(rejected.ok, false)
})

test('never signs past the cap, and everything it does sign the host accepts', () => {
  let { key, channel } = open(100)
  let host = hostFor(channel)
  let signed = 0
  for (let i = 0; ; i++) {
    const segment = `/media/s/360p/seg_${i}.ts`
    const verdict = signSegment(channel, key, segment, 30, DEFAULT_FEE_RATE)
    if (!verdict.ok) {
      assert.equal(verdict.reason, 'over_cap')
      break
    }
    const accepted = checkUpdate(host, verdict.tx, 30, hostCtx)
    assert.ok(accepted.ok, accepted.ok ? '' : accepted.message)
    host = accepted.channel
    channel = markDelivered(verdict.channel, segment)
    signed++
  }
  assert.equal(signed, 3)
  assert.equal(channel.paid, 90)
  assert.equal(spendable(channel), 10)
  assert.ok(channel.paid <= channel.cap)
  assert.equal(reasonOf(signSegment(channel, key, '/media/s/360p/x.ts', 11, DEFAULT_FEE_RATE)), 'over_cap')
  assert.equal(reasonOf(signSegment(channel, key, '/media/s/360p/x.ts', 10, DEFAULT_FEE_RATE)), 'ok')
})

test('pays at most one segment ahead of delivery: awaiting_delivery until markDelivered', () => {
  const { key, channel } = open(1000)
  const first = expectOk(signSegment(channel, key, '/media/s/360p/seg_0.ts', 20, DEFAULT_FEE_RATE))
  assert.equal(isPaid(first.channel, '/media/s/360p/seg_0.ts'), true)
  assert.equal(isPaid(first.channel, '/media/s/360p/seg_1.ts'), false)
  assert.equal(reasonOf(signSegment(first.channel, key, '/media/s/360p/seg_1.ts', 20, DEFAULT_FEE_RATE)), 'awaiting_delivery')
  assert.equal(markDelivered(first.channel, '/media/s/360p/seg_9.ts').awaitingDelivery, '/media/s/360p/seg_0.ts')
  const delivered = markDelivered(first.channel, '/media/s/360p/seg_0.ts')
  const second = expectOk(signSegment(delivered, key, '/media/s/360p/seg_1.ts', 20, DEFAULT_FEE_RATE))
  assert.equal(second.channel.paid, 40)
  assert.equal(second.channel.sequence, 2)
  assert.equal(Transaction.fromHex(second.tx).outputs[0].satoshis, 40)
})

test('tips count against the cap', () => {
  const { key, channel } = open(100)
  const seg = expectOk(signSegment(channel, key, '/media/s/360p/seg_0.ts', 60, DEFAULT_FEE_RATE))
  assert.equal(reasonOf(signTip(seg.channel, key, 50, DEFAULT_FEE_RATE)), 'over_cap')
  const tip = expectOk(signTip(seg.channel, key, 40, DEFAULT_FEE_RATE))
  assert.equal(tip.channel.tips, 40)
  assert.equal(tip.channel.paid, 100)
  assert.equal(Transaction.fromHex(tip.tx).outputs[0].satoshis, 100)
  const next = markDelivered(tip.channel, '/media/s/360p/seg_0.ts')
  assert.equal(reasonOf(signSegment(next, key, '/media/s/360p/seg_1.ts', 1, DEFAULT_FEE_RATE)), 'over_cap')
})

test('over_capacity: the channel cannot carry more than capacity - fee even when the cap would allow it', () => {
  const { key, channel } = open(100)
  const loose = { ...channel, cap: channel.funding.satoshis }
  const all = expectOk(signSegment(loose, key, '/media/s/360p/seg_0.ts', channel.funding.satoshis - FEE, DEFAULT_FEE_RATE))
  assert.equal(Transaction.fromHex(all.tx).outputs.length, 1, 'no zero change output')
  const next = markDelivered(all.channel, '/media/s/360p/seg_0.ts')
  assert.equal(reasonOf(signSegment(next, key, '/media/s/360p/seg_1.ts', 1, DEFAULT_FEE_RATE)), 'over_capacity')
})

test('raiseCap: raises within capacity - fee; beyond it asks for a new channel', () => {
  const { channel } = open(1000)
  const within = raiseCap(channel, 1000 + FEE - FEE)
  assert.equal(within.needsNewChannel, false)
  assert.equal(within.channel.cap, 1000)
  const small = open(100)
  const raised = raiseCap(small.channel, 400)
  assert.equal(raised.needsNewChannel, false, 'host minimum capacity 500 leaves room up to 473')
  assert.equal(raised.channel.cap, 400)
  const beyond = raiseCap(small.channel, 5000)
  assert.equal(beyond.needsNewChannel, true)
  assert.equal(beyond.channel.cap, 500 - FEE)
})

test('resync: adopt the host last update when it is ours, roll back an update it never got, ignore a foreign one', () => {
  const { key, channel } = open(1000)
  const a = expectOk(signSegment(channel, key, '/media/s/360p/seg_0.ts', 20, DEFAULT_FEE_RATE))
  const afterA = markDelivered(a.channel, '/media/s/360p/seg_0.ts')
  const b = expectOk(signSegment(afterA, key, '/media/s/360p/seg_1.ts', 20, DEFAULT_FEE_RATE))
  // The host only got update A: seg_1 is unpaid again and can be paid for afresh.
  const rolled = resyncFrom(b.channel, { sequence: 1, paid: 20, tx: a.tx })
  assert.equal(rolled.paid, 20)
  assert.equal(rolled.sequence, 1)
  assert.equal(rolled.awaitingDelivery, null)
  assert.equal(isPaid(rolled, '/media/s/360p/seg_1.ts'), false)
  assert.equal(isPaid(rolled, '/media/s/360p/seg_0.ts'), true)
  assert.equal(reasonOf(signSegment(rolled, key, '/media/s/360p/seg_1.ts', 20, DEFAULT_FEE_RATE)), 'ok')
  // A fresh page (state lost) adopts the host's update B.
  const adopted = resyncFrom(channel, { sequence: 2, paid: 40, tx: b.tx })
  assert.equal(adopted.paid, 40)
  assert.equal(adopted.lastTx, b.tx)
  // An update not signed by us, or with a misreported amount, is not adopted.
  const stranger = open(1000)
  const foreign = expectOk(signSegment({ ...stranger.channel, funding: channel.funding, payerPublicKey: stranger.channel.payerPublicKey }, stranger.key, '/x/360p/a.ts', 500, DEFAULT_FEE_RATE))
  assert.equal(resyncFrom(b.channel, { sequence: 9, paid: 500, tx: foreign.tx }), b.channel)
  assert.equal(resyncFrom(b.channel, { sequence: 1, paid: 25, tx: a.tx }), b.channel)
  // Host has nothing: nothing was accepted, so nothing counts as paid.
  const reset = resyncFrom(a.channel, null)
  assert.equal(reset.paid, 0)
  assert.equal(isPaid(reset, '/media/s/360p/seg_0.ts'), false)
})

test('reactions: an accepted update adopts the signed channel; a replay marks the segment paid without paying', () => {
  const { key, channel } = open(1_000)
  const signed = expectOk(signSegment(channel, key, '/media/s/360p/a.ts', 20, DEFAULT_FEE_RATE))
  const paid = reactToUpdate({ channel, signed: signed.channel, segment: '/media/s/360p/a.ts', price: 20, reply: { ok: true, sequence: 1, paid: 20 }, resynced: false })
  assert.deepEqual(paid, { kind: 'paid', channel: signed.channel })
  const replay = reactToUpdate({ channel, signed: signed.channel, segment: '/media/s/360p/a.ts', price: 20, reply: { ok: false, code: 'replay', message: '' }, resynced: false })
  assert.equal(replay.kind, 'already_paid')
  if (replay.kind !== 'already_paid') return
  assert.equal(replay.channel.paid, 0, 'nothing more is signed for a segment the host already counts')
  assert.ok(isPaid(replay.channel, '/media/s/360p/a.ts'))
})

test('reactions: a stale or underpaid update resyncs once, then is a refusal; a closed channel has ended', () => {
  const { key, channel } = open(1_000)
  const signed = expectOk(signSegment(channel, key, '/media/s/360p/a.ts', 20, DEFAULT_FEE_RATE)).channel
  const base = { channel, signed, segment: '/media/s/360p/a.ts', price: 20 }
  for (const code of ['stale', 'underpaid'] as const) {
    assert.equal(reactToUpdate({ ...base, reply: { ok: false, code, message: '' }, resynced: false }).kind, 'resync')
    assert.equal(reactToUpdate({ ...base, reply: { ok: false, code, message: '' }, resynced: true }).kind, 'refused')
  }
  const closed = reactToUpdate({ ...base, reply: { ok: false, code: 'channel_not_open', message: '' }, resynced: false })
  assert.deepEqual(closed.kind === 'ended' && closed.reason, 'idle')
  const stopped = reactToTip(signed, { ok: false, code: 'host_stopped', message: '' })
  assert.deepEqual(stopped.kind === 'ended' && stopped.reason, 'host_stopped')
  assert.equal(reactToTip(signed, { ok: false, code: 'bad_signature', message: '' }).kind, 'refused')
  assert.equal(endedBy('unknown_channel'), 'idle')
  assert.equal(endedBy('fee_too_low'), null)
})

test('reactions: a resume forgets the segment in flight; a 402 for our segment makes it unpaid, one for another channel is ignored', () => {
  const { key, channel: opened } = open(1_000)
  const channel = { ...opened, channelId: 'aa'.repeat(12) }
  const first = expectOk(signSegment(channel, key, '/media/s/360p/a.ts', 20, DEFAULT_FEE_RATE))
  const last = { sequence: 1, paid: 20, tx: first.tx }
  const resumed = resumedChannel(first.channel, last)
  assert.equal(resumed.awaitingDelivery, null, 'after a reload the paid segment is fetched again for free')
  assert.ok(isPaid(resumed, '/media/s/360p/a.ts'))

  const body = { error: 'payment_required' as const, message: '', channelId: channel.channelId, segment: '/media/s/360p/a.ts', price: 20, required: 20, paid: 0, lastUpdate: null, howToPay: '' }
  const unpaid = afterPaymentRequired(first.channel, body)
  assert.equal(isPaid(unpaid, '/media/s/360p/a.ts'), false)
  assert.equal(unpaid.awaitingDelivery, null)
  assert.equal(unpaid.paid, 0, 'the host holds nothing: the running total goes back to what it holds')
  assert.equal(afterPaymentRequired(first.channel, { ...body, channelId: 'bb'.repeat(12) }), first.channel)
})
