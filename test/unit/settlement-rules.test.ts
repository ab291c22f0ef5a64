// When the host settles, and with what: pure rules, checked at their edges.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CLOSE_FINAL_DEPTH, closePlan, closeVerdict, fundingLossOf, isIdle, settlementDue } from '../../server/channels/settlement-rules.ts'
import { keepsRefund, settlementSummary } from '../../protocol/settlement.ts'

const clock = { now: 1_000_000, height: 100, idleTimeoutSeconds: 300, deadlineMarginBlocks: 6 }

test('settlement is due at the deadline margin (not a block before), and when idle past the timeout', () => {
  assert.equal(settlementDue({ lockTime: 107, lastActivityAt: clock.now }, clock), null)
  assert.equal(settlementDue({ lockTime: 106, lastActivityAt: clock.now }, clock), 'deadline')
  assert.equal(settlementDue({ lockTime: 200, lastActivityAt: clock.now - 300_000 }, clock), null)
  assert.equal(settlementDue({ lockTime: 200, lastActivityAt: clock.now - 300_001 }, clock), 'idle')
  assert.equal(settlementDue({ lockTime: 100, lastActivityAt: 0 }, clock), 'deadline', 'the deadline wins over idleness')
  assert.equal(isIdle({ lastActivityAt: clock.now - 300_001 }, clock), true)
})

test('a stored close is sent again, never rebuilt; nothing paid means nothing to close', () => {
  assert.deepEqual(closePlan({ closeTx: 'aa', closeTxid: 'bb', paid: 50 }), { kind: 'rebroadcast', closeTx: 'aa', closeTxid: 'bb' })
  assert.deepEqual(closePlan({ closeTx: null, closeTxid: null, paid: 50 }), { kind: 'build' })
  assert.deepEqual(closePlan({ closeTx: null, closeTxid: null, paid: 0 }), { kind: 'nothing_to_close' })
})

test('the summary: a paid channel returns its change after the fee; an unpaid one keeps the refund, unlocking at T', () => {
  const books = { channelId: 'c', capacity: 5_000, fee: 30, lockTime: 244, paid: 400, tips: 40, seconds: 36, segments: 18 }
  const paid = settlementSummary(books, 'viewer', 'ff'.repeat(32))
  assert.equal(paid.change, 5_000 - 400 - 30)
  assert.equal(paid.fee, 30)
  assert.equal(paid.refundAfterHeight, undefined)
  assert.equal(keepsRefund(paid), false)
  const unpaid = settlementSummary({ ...books, paid: 0, tips: 0 }, 'idle', null)
  assert.deepEqual([unpaid.fee, unpaid.change, unpaid.refundAfterHeight], [0, 0, 244])
  assert.equal(keepsRefund(unpaid), true)
})

test('a settled close is watched until final; one the ledger does not hold is dropped; a reorg back to the mempool is no drop', () => {
  const height = 100
  assert.equal(closeVerdict({ status: 'MINED', blockHeight: height - CLOSE_FINAL_DEPTH + 1 }, height), 'final')
  assert.equal(closeVerdict({ status: 'MINED', blockHeight: height - CLOSE_FINAL_DEPTH + 2 }, height), 'watch')
  assert.equal(closeVerdict({ status: 'MINED' }, height), 'watch', 'mined where, unsaid: watch')
  for (const status of ['SEEN_ON_NETWORK', 'STORED', 'ANNOUNCED_TO_NETWORK', 'QUEUED', 'DOUBLE_SPEND_ATTEMPTED'] as const) {
    assert.equal(closeVerdict({ status }, height), 'watch', status)
  }
  for (const status of ['REJECTED', 'MINED_IN_STALE_BLOCK', 'SEEN_IN_ORPHAN_MEMPOOL', 'UNKNOWN'] as const) {
    assert.equal(closeVerdict({ status }, height), 'dropped', status)
  }
  assert.equal(closeVerdict(null, height), 'dropped')
})

test('a refused close means the funding output is gone only when another tx has it for good', () => {
  // The funding itself lost its double spend (a reorg replaced it, or a rival was mined).
  assert.equal(fundingLossOf(409, { status: 'REJECTED' }, { status: 'REJECTED' }), 'funding_double_spent')
  assert.equal(fundingLossOf(409, null, { status: 'DOUBLE_SPEND_ATTEMPTED' }), 'funding_double_spent')
  // A competitor of the close won.
  assert.equal(fundingLossOf(466, { status: 'REJECTED', competingTxs: ['aa'] }, { status: 'MINED' }), 'funding_spent')
  // Refused outright as a conflict, kept nowhere: the output is spent in a block.
  assert.equal(fundingLossOf(466, null, { status: 'MINED' }), 'funding_spent')
  // Still racing, or refused for something else: not lost.
  assert.equal(fundingLossOf(466, { status: 'DOUBLE_SPEND_ATTEMPTED', competingTxs: ['aa'] }, { status: 'MINED' }), null)
  assert.equal(fundingLossOf(466, { status: 'REJECTED' }, { status: 'MINED' }), null)
  assert.equal(fundingLossOf(460, null, null), null)
  assert.equal(fundingLossOf(465, null, { status: 'SEEN_ON_NETWORK' }), null)
})
