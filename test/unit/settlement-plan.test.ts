// The settlement plan, run without a host: a stored channel in, what to close (a real close, checked by the script
// interpreter), with which update and why, or nothing to do; and what a refused close means.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PrivateKey, Transaction } from '@bsv/sdk'
import { ChannelMultisig } from '../../protocol/scripts.ts'
import { verifyWithInterpreter } from '../../protocol/transactions.ts'
import { afterRefusedClose, planSettlement, type SettlementContext, type SettlementRequest } from '../../server/channels/settlement-plan.ts'
import { nativeVerifier } from '../../server/crypto/verify.ts'
import { channelFixture } from '../support/channel-fixture.ts'

const NOW = 1_700_000_000_000
const IDLE_MS = 300_000
const channel = channelFixture({ txid: '6b'.repeat(32), vout: 0, satoshis: 10_000 }, NOW - 7_200_000)
const { funding, parties, payoutScript } = channel
const ctx: SettlementContext = {
  clock: { now: NOW, height: 1500, idleTimeoutSeconds: IDLE_MS / 1000, deadlineMarginBlocks: 6 },
  seenActivityAt: null,
  payeeKey: channel.payeeKey,
  payeePublicKey: parties.payeePublicKey,
  verify: nativeVerifier(),
}
const viewerAsks: SettlementRequest = { reason: 'viewer', onlyIfDue: false }
const schedulerAsks: SettlementRequest = { reason: 'idle', onlyIfDue: true }

const lastUpdate = channel.update(120)
/** A channel that accepted one update of 120 sat and has been quiet for an hour. */
const paidChannel = channel.record({
  sequence: 1,
  paid: 120,
  segments: 1,
  seconds: 2,
  lastTx: lastUpdate.toHex(),
  lastTxid: lastUpdate.id('hex'),
  lastActivityAt: NOW - 3_600_000,
})

test('a paid channel is closed with its last update, co-signed: the interpreter takes the close, which pays the host what was paid', () => {
  const plan = planSettlement(paidChannel, viewerAsks, ctx)
  assert.equal(plan.kind, 'close')
  assert.ok(plan.kind === 'close' && plan.close)
  assert.deepEqual([plan.how, plan.reason], ['build', 'viewer'])
  const close = Transaction.fromHex(plan.close.hex)
  assert.equal(close.id('hex'), plan.close.txid)
  assert.deepEqual(verifyWithInterpreter(close, funding, new ChannelMultisig().lock(parties.payerPublicKey, parties.payeePublicKey)), { ok: true })
  assert.equal(close.outputs[0].satoshis, 120)
  assert.equal(close.outputs[0].lockingScript.toHex(), payoutScript)
})

test('a close stored before is sent again, never rebuilt; a channel that took nothing has nothing to close', () => {
  const stored = { ...paidChannel, state: 'closing' as const, closeTx: 'beef', closeTxid: 'cd'.repeat(32), closeReason: 'idle' as const }
  assert.deepEqual(planSettlement(stored, { reason: 'recovery', onlyIfDue: false }, ctx), {
    kind: 'close',
    reason: 'recovery',
    how: 'rebroadcast',
    close: { hex: 'beef', txid: 'cd'.repeat(32) },
  })
  const unpaid = { ...paidChannel, sequence: 0, paid: 0, lastTx: null, lastTxid: null }
  assert.deepEqual(planSettlement(unpaid, viewerAsks, ctx), { kind: 'close', reason: 'viewer', how: 'nothing_to_close', close: null })
})

test('settled already: nothing to do; an opening never live ends without a close', () => {
  assert.deepEqual(planSettlement({ ...paidChannel, state: 'closed' }, viewerAsks, ctx), { kind: 'settled' })
  const opening = { ...paidChannel, state: 'opening' as const, sequence: 0, paid: 0, lastTx: null, lastTxid: null }
  assert.deepEqual(planSettlement(opening, { reason: 'host_stopped', onlyIfDue: false }, ctx), { kind: 'end_opening', reason: 'host_stopped' })
})

test("the scheduler's settlement: skipped when a resume seen here made the channel active again, kept when still idle", () => {
  const resumed = planSettlement(paidChannel, schedulerAsks, { ...ctx, seenActivityAt: NOW - 1_000 })
  assert.deepEqual(resumed, { kind: 'not_due', next: { ...paidChannel, lastActivityAt: NOW - 1_000 } })
  const stale = planSettlement(paidChannel, schedulerAsks, { ...ctx, seenActivityAt: NOW - IDLE_MS - 1 })
  assert.equal(stale.kind, 'close')
  // Near the refund's deadline a channel settles however active it is.
  const nearDeadline = planSettlement({ ...paidChannel, lockTime: ctx.clock.height + 6 }, schedulerAsks, { ...ctx, seenActivityAt: NOW })
  assert.equal(nearDeadline.kind, 'close')
  // Asked for by the viewer, Stop or recovery, the rules are not consulted.
  assert.equal(planSettlement(paidChannel, viewerAsks, { ...ctx, seenActivityAt: NOW }).kind, 'close')
})

test('a stored update that cannot make a close (corrupt, or another key) fails the settlement, naming why', () => {
  const corrupt = planSettlement({ ...paidChannel, lastTx: '00' }, viewerAsks, ctx)
  assert.equal(corrupt.kind, 'unclosable')
  const foreign = planSettlement(paidChannel, viewerAsks, { ...ctx, payeeKey: PrivateKey.fromRandom() })
  assert.ok(foreign.kind === 'unclosable' && foreign.message.includes(paidChannel.id))
})

test('a refused close: retried unless the funding is gone; a loss found now becomes the close reason', () => {
  assert.deepEqual(afterRefusedClose('idle', null), { kind: 'retry' })
  assert.deepEqual(afterRefusedClose('idle', 'funding_spent'), { kind: 'lost', reason: 'funding_spent', restate: true })
  assert.deepEqual(afterRefusedClose('funding_double_spent', null), { kind: 'lost', reason: 'funding_double_spent', restate: false })
})
