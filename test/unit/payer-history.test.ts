import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HISTORY_LIMIT, SessionHistory } from '../../client/payer/history.ts'
import { MemoryStorage } from '../../client/payer/storage.ts'
import { settlementSummary } from '../../protocol/settlement.ts'

const summary = (channelId: string, paid: number) =>
  settlementSummary({ channelId, capacity: 5_000, fee: 30, lockTime: 300, paid, tips: 0, seconds: paid / 10, segments: paid / 20 }, 'viewer', paid > 0 ? 'ee'.repeat(32) : null)

test('history: newest first, one entry per channel, trimmed to the limit but never past an unsent refund', () => {
  const history = new SessionHistory(new MemoryStorage(), 'h')
  history.record(summary('unpaid', 0), 'refund-hex')
  for (let i = 0; i < HISTORY_LIMIT + 5; i++) history.record(summary(`paid-${i}`, 20))
  history.record(summary('paid-3', 40))
  const entries = history.entries()
  assert.equal(entries[0].summary.channelId, 'paid-3')
  assert.equal(entries.filter((e) => e.summary.channelId === 'paid-3').length, 1)
  assert.equal(entries.length, HISTORY_LIMIT + 1, 'the limit, plus the entry that still holds the viewer\'s refund')
  assert.equal(entries.at(-1)?.refundHex, 'refund-hex')

  history.recordRefund('unpaid', { status: 'reclaimed', txid: 'ab'.repeat(32) })
  history.record(summary('newest', 20))
  assert.equal(history.entries().length, HISTORY_LIMIT, 'once sent, the old refund entry ages out like any other')
})
