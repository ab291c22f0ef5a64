// When the host settles, and with what: pure rules, checked at their edges.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { closePlan, isIdle, settlementDue } from '../../server/channels/settlement-rules.ts'
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
