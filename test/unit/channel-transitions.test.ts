// The host's channel transitions, run without a host: a channel record and a payment signed by a real key in, the
// whole next record and the effects out, or the refusal, and nothing else touched.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PrivateKey } from '@bsv/sdk'
import { DEFAULT_FEE_RATE } from '../../protocol/fees.ts'
import type { EntryCharge } from '../../protocol/hls/entry-charge.ts'
import { p2pkhScriptHex } from '../../protocol/scripts.ts'
import { sdkVerifier } from '../../protocol/signature.ts'
import { resumeChannel, takePayment, type Payment, type PaymentContext, type PaymentTransition } from '../../server/channels/channel-transitions.ts'
import { channelFixture } from '../support/channel-fixture.ts'

const NOW = 1_700_000_000_000
const channel = channelFixture({ txid: '5a'.repeat(32), vout: 0, satoshis: 10_000 }, NOW - 60_000)
const ctx: PaymentContext = { height: 1500, feeRate: DEFAULT_FEE_RATE, deadlineMargin: 6, payeePublicKey: channel.parties.payeePublicKey, now: NOW }
/** An open channel as the store keeps it, with nothing paid yet. */
const opened = channel.record()
const update = (paid: number, key?: PrivateKey): string => channel.update(paid, key).toHex()

const due = (amount: number, seconds: number): EntryCharge => ({ kind: 'due', amount, seconds })
const segment = (tx: string, charge: EntryCharge, id = '/media/s/seg0.ts'): Payment => ({ kind: 'segment', tx, segment: id, charge, stream: '/media/s/master.m3u8' })

function taken(transition: PaymentTransition) {
  assert.ok(transition.ok, transition.ok ? '' : `${transition.code}: ${transition.message}`)
  return transition
}

function verifies(transition: Extract<PaymentTransition, { ok: true }>): boolean {
  const { preimage, der, publicKey } = transition.signature
  return sdkVerifier(preimage, der, publicKey)
}

test('a segment payment: the whole next channel, its entitlement, and the effects in one step', () => {
  const tx = update(20)
  const step = taken(takePayment(opened, segment(tx, due(20, 2)), ctx))
  assert.deepEqual(step.next, { ...opened, sequence: 1, paid: 20, lastTx: tx, lastTxid: step.effects.commit.txid, segments: 1, seconds: 2, lastActivityAt: NOW })
  assert.deepEqual(step.entitlement, { segment: '/media/s/seg0.ts', price: 20 })
  assert.deepEqual(step.effects, {
    commit: { channelId: opened.id, sequence: 1, paid: 20, txid: step.next.lastTxid, tx, kind: 'segment', subject: '/media/s/seg0.ts', amount: 20, seconds: 2, stream: '/media/s/master.m3u8', at: NOW },
    acknowledge: { sequence: 1, paid: 20 },
    announce: { channelId: opened.id, kind: 'segment', amount: 20, paid: 20, seconds: 2, stream: '/media/s/master.m3u8' },
  })
  assert.equal(verifies(step), true, "the signature left to check is the viewer's, over this update")
  assert.equal(opened.paid, 0, 'the channel given is not touched')
})

test('a segment is booked at its price even when the viewer rounds up; the next payment builds on the step', () => {
  const first = taken(takePayment(opened, segment(update(25), due(20, 2)), ctx))
  assert.equal(first.next.paid, 25)
  assert.equal(first.effects.commit.amount, 20)
  assert.deepEqual(first.entitlement, { segment: '/media/s/seg0.ts', price: 20 })
  const second = taken(takePayment(first.next, segment(update(45), due(20, 2), '/media/s/seg1.ts'), { ...ctx, now: NOW + 2_000 }))
  assert.deepEqual(
    [second.next.sequence, second.next.paid, second.next.segments, second.next.seconds, second.next.lastActivityAt],
    [2, 45, 2, 4, NOW + 2_000],
  )
})

test('a tip is whatever the update adds, with its note; it entitles to nothing and buys no seconds', () => {
  const paidOne = taken(takePayment(opened, segment(update(20), due(20, 2)), ctx)).next
  const tx = update(70)
  const step = taken(takePayment(paidOne, { kind: 'tip', tx, amount: 30, note: 'thanks' }, ctx))
  assert.deepEqual([step.next.paid, step.next.tips, step.next.segments, step.next.seconds], [70, 50, 1, 2])
  assert.equal(step.entitlement, null)
  assert.deepEqual(step.effects.commit, { channelId: opened.id, sequence: 2, paid: 70, txid: step.next.lastTxid, tx, kind: 'tip', subject: 'thanks', amount: 50, seconds: 0, stream: null, at: NOW })
  assert.deepEqual(step.effects.announce, { channelId: opened.id, kind: 'tip', amount: 50, paid: 70, seconds: 0, stream: null })
})

test("a segment with nothing due is refused with the charge rules' code, before the update is read", () => {
  const cases: Array<[EntryCharge, string]> = [
    [{ kind: 'unknown' }, 'unknown_segment'],
    [{ kind: 'not_for_sale' }, 'not_for_sale'],
    [{ kind: 'paid', reason: 'paid' }, 'replay'],
    [{ kind: 'paid', reason: 'companion' }, 'not_priced'],
    [{ kind: 'waiting' }, 'not_priced'],
    [{ kind: 'free', reason: 'preview' }, 'not_priced'],
  ]
  for (const [charge, code] of cases) {
    const refusal = takePayment(opened, segment('not even hex', charge), ctx)
    assert.equal(refusal.ok, false)
    assert.equal(!refusal.ok && refusal.code, code, charge.kind)
  }
})

test("the payee's checks refuse: too little, the same update again, an older one, past the deadline", () => {
  const codeOf = (transition: PaymentTransition) => (transition.ok ? 'taken' : transition.code)
  assert.equal(codeOf(takePayment(opened, segment(update(19), due(20, 2)), ctx)), 'underpaid')
  const tx = update(20)
  const step = taken(takePayment(opened, segment(tx, due(20, 2)), ctx))
  assert.equal(codeOf(takePayment(step.next, { kind: 'tip', tx, amount: 1, note: null }, ctx)), 'replay')
  assert.equal(codeOf(takePayment(step.next, { kind: 'tip', tx: update(15), amount: 1, note: null }, ctx)), 'stale')
  assert.equal(codeOf(takePayment(opened, segment(update(20), due(20, 2)), { ...ctx, height: opened.lockTime - ctx.deadlineMargin })), 'past_deadline')
})

test('an update signed by another key passes the shape checks, and its signature then fails the curve check', () => {
  const step = taken(takePayment(opened, segment(update(20, PrivateKey.fromRandom()), due(20, 2)), ctx))
  assert.equal(verifies(step), false)
})

test("a wallet's channel: the change goes to the return script agreed at opening, not to the P2PKH of its key", () => {
  const returnScript = p2pkhScriptHex(PrivateKey.fromRandom().toPublicKey().toString())
  const walletChannel = channel.record({ payerScript: returnScript })
  const tx = channel.update(20, undefined, returnScript).toHex()
  assert.equal(taken(takePayment(walletChannel, segment(tx, due(20, 2)), ctx)).next.paid, 20)
  const toTheKey = takePayment(walletChannel, segment(update(20), due(20, 2)), ctx)
  assert.equal(!toTheKey.ok && toTheKey.code, 'wrong_payer_script')
})

test('a resume makes the channel active from now, and changes nothing else', () => {
  assert.deepEqual(resumeChannel(opened, NOW), { ...opened, lastActivityAt: NOW })
})
