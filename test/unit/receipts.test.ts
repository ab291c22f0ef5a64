// Receipts from the history, and their CSV and JSON exports read back: every field survives, commas, quotes and line
// breaks included; a refund waiting for its block carries the block and about when it comes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { PrivateKey } from '@bsv/sdk'
import { DEFAULT_FEE_RATE } from '../../protocol/fees.ts'
import { SessionHistory } from '../../client/payer/history.ts'
import { RECEIPT_COLUMNS, receiptOf, receiptsToCsv, receiptsToJson, type Receipt } from '../../client/payer/receipts.ts'
import { MemoryStorage } from '../../client/payer/storage.ts'
import { settlementSummary } from '../../protocol/settlement.ts'
import { buildRefund } from '../../protocol/transactions.ts'
import { parseCsv } from '../support/csv.ts'

const txUrl = (txid: string) => `https://test.whatsonchain.com/tx/${txid}`
const settledAt = Date.UTC(2026, 11, 7, 18, 30)

/** A receipt read back from its CSV row: numbers as numbers, empty fields as null, formula guards undone. */
function fromRow(row: string[]): Receipt {
  const numeric = new Set<keyof Receipt>(['watchedSeconds', 'boughtSeconds', 'paid', 'tips', 'fee', 'change', 'refundBlock'])
  return Object.fromEntries(
    RECEIPT_COLUMNS.map((column, i) => {
      const text = row[i]
      if (text === '') return [column, null]
      return [column, numeric.has(column) ? Number(text) : text.replace(/^'(?=[=+\-@\t\r'])/, '')]
    }),
  ) as unknown as Receipt
}

test('a settled viewing and a refund still waiting for its block, as receipts, with links and dates', () => {
  const history = new SessionHistory(new MemoryStorage(), 'h', () => settledAt)
  const paid = settlementSummary({ channelId: 'ch-paid', capacity: 5_000, fee: 30, lockTime: 300, paid: 220, tips: 20, seconds: 20, segments: 10 }, 'viewer', 'cc'.repeat(32))
  history.record(paid, undefined, undefined, { host: 'host.example', stream: '/media/sample/index.m3u8', fundingTxid: 'aa'.repeat(32), openedAt: settledAt - 60_000 })
  const refund = buildRefund({ payerPublicKey: PrivateKey.fromRandom().toPublicKey().toString(), payeePublicKey: PrivateKey.fromRandom().toPublicKey().toString(), funding: { txid: 'bb'.repeat(32), vout: 0, satoshis: 5_000 }, lockTime: 310, feeRate: DEFAULT_FEE_RATE })
  const unpaid = settlementSummary({ channelId: 'ch-unpaid', capacity: 5_000, fee: 30, lockTime: 310, paid: 0, tips: 0, seconds: 0, segments: 0 }, 'viewer', null)
  history.record(unpaid, refund.toHex(), undefined, { host: 'host.example', stream: 'x', fundingTxid: 'bb'.repeat(32) })

  const [waiting, settled] = history.entries().map((entry) => receiptOf(entry, { txUrl, height: 304, now: settledAt }))
  assert.deepEqual(
    { ...settled },
    {
      channelId: 'ch-paid', host: 'host.example', stream: '/media/sample/index.m3u8', openedAt: '2026-12-07T18:29:00.000Z', settledAt: '2026-12-07T18:30:00.000Z',
      watchedSeconds: null, boughtSeconds: 20, paid: 220, tips: 20, fee: 30, change: 5_000 - 220 - 30,
      fundingTxid: 'aa'.repeat(32), fundingUrl: txUrl('aa'.repeat(32)), closeTxid: 'cc'.repeat(32), closeUrl: txUrl('cc'.repeat(32)),
      refund: 'none', refundBlock: null, refundExpectedAt: null, refundTxid: null, refundUrl: null,
    },
  )
  assert.equal(waiting.refund, 'waiting')
  assert.equal(waiting.refundBlock, 310)
  assert.equal(waiting.refundExpectedAt, '2026-12-07T19:30:00.000Z', 'six blocks to go: about an hour')
  assert.equal(waiting.closeUrl, null)
  assert.equal(receiptOf(history.entries()[0], { txUrl, height: null, now: settledAt }).refundExpectedAt, null, 'no date before the height is known')
})

test('property: the CSV reads back to the same receipts, whatever the host and stream names hold', () => {
  const text = fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', '=', '-', '+', '@', ' ', 'é', "'") , maxLength: 12 })
  const txid = fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: null })
  // Adding 0 turns -0 into 0, which is what a CSV can say.
  const seconds = fc.double({ min: 0, max: 1e5, noNaN: true }).map((x) => x + 0)
  const receipt = fc.record<Receipt>({
    channelId: fc.uuid(), host: fc.option(text, { nil: null }), stream: fc.option(text, { nil: null }),
    openedAt: fc.constant(null), settledAt: fc.constant('2026-12-07T18:30:00.000Z'),
    watchedSeconds: fc.option(seconds, { nil: null }), boughtSeconds: seconds,
    paid: fc.nat(), tips: fc.nat(), fee: fc.nat(), change: fc.nat(),
    fundingTxid: txid, fundingUrl: fc.constant(null), closeTxid: txid, closeUrl: fc.constant(null),
    refund: fc.constantFrom('none', 'waiting', 'reclaimed', 'not needed'), refundBlock: fc.option(fc.nat(), { nil: null }),
    refundExpectedAt: fc.constant(null), refundTxid: txid, refundUrl: fc.constant(null),
  })
  fc.assert(
    fc.property(fc.array(receipt, { maxLength: 5 }), (receipts) => {
      const rows = parseCsv(receiptsToCsv(receipts))
      assert.deepEqual(rows[0], [...RECEIPT_COLUMNS])
      // An empty text and a missing one read back alike in CSV; JSON keeps the difference.
      const expected = receipts.map((r) => ({ ...r, host: r.host === '' ? null : r.host, stream: r.stream === '' ? null : r.stream }))
      assert.deepEqual(rows.slice(1).map(fromRow), expected)
      assert.deepEqual(JSON.parse(receiptsToJson(receipts)), { receipts: receipts.map((r) => ({ ...r })) })
    }),
    { numRuns: 300 },
  )
})

test('text a spreadsheet would run as a formula is written with a leading apostrophe', () => {
  const csv = receiptsToCsv([{ ...receiptOf({ summary: settlementSummary({ channelId: 'c', capacity: 1_000, fee: 30, lockTime: 1, paid: 20, tips: 0, seconds: 2, segments: 1 }, 'viewer', null), settledAt, viewing: { host: 'h', stream: '=HYPERLINK("x")', fundingTxid: 'aa'.repeat(32) } }, { txUrl, height: null, now: settledAt }) }])
  assert.match(csv, /,"'=HYPERLINK\(""x""\)",/)
})
