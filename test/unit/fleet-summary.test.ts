import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PrivateKey } from '@bsv/sdk'
import { p2pkhScriptHex } from '../../protocol/scripts.ts'
import { DEFAULT_FEE_RATE, closeFee } from '../../protocol/fees.ts'
import {
  buildUpdate,
  completeChannelSpend,
  signChannelInput,
  type FundingOutpoint,
} from '../../protocol/transactions.ts'
import { checkCloseTx, paysHost } from '../../scripts/fleet/ledger-check.ts'
import type { LedgerCheck } from '../../scripts/fleet/ledger-check.ts'
import { exitStatusOf, formatSummary, summarizeFleet } from '../../scripts/fleet/summary.ts'
import { emptyResult, recordError, type ViewerResult } from '../../scripts/fleet/viewer-result.ts'

function settledViewer(index: number, paid: number): ViewerResult {
  return {
    ...emptyResult(index),
    channelId: `c${index}`.padEnd(24, '0'),
    capacity: 2_000,
    fee: 27,
    segmentsOk: paid / 20,
    segmentLatencyMs: [index + 1, index + 2],
    payLatencyMs: [10],
    paid,
    served: paid,
    settled: paid,
    change: 2_000 - paid - 27,
    closeTxid: 'ab'.repeat(32),
  }
}
const verified = (index: number, hostSatoshis = 0): LedgerCheck => ({ index, closeTxid: 'ab'.repeat(32), verdict: { ok: true }, hostSatoshis })

test('a clean fleet adds up and exits 0', () => {
  const results = [settledViewer(0, 80), settledViewer(1, 40)]
  const summary = summarizeFleet(results, [verified(0), verified(1)])
  assert.deepEqual(summary.mismatches, [])
  assert.equal(exitStatusOf(summary), 0)
  assert.equal(summary.segmentsOk, 6)
  assert.equal(summary.satoshisPaid, 120)
  assert.equal(summary.satoshisServed, 120)
  assert.equal(summary.satoshisSettled, 120)
  assert.equal(summary.channelsSettled, 2)
  assert.equal(summary.closesVerified, 2)
  assert.equal(summary.segmentLatencyMs.count, 4)
  assert.equal(summary.segmentLatencyMs.p50, 2)
  assert.equal(summary.segmentLatencyMs.p99, 3)
  assert.match(formatSummary(summary), /OK: paid = served = settled/)
})

test('errors are counted by kind but are not mismatches on their own', () => {
  const failed = emptyResult(2)
  recordError(failed, 'open', 'refused')
  recordError(failed, 'open', 'refused again')
  const withRetry = settledViewer(0, 20)
  recordError(withRetry, 'http_502', 'bad gateway')
  const summary = summarizeFleet([withRetry, failed], [verified(0)])
  assert.deepEqual(summary.errors, { http_502: 1, open: 2 })
  assert.equal(summary.errorCount, 3)
  assert.equal(failed.firstError, 'open: refused')
  assert.equal(exitStatusOf(summary), 0)
})

test('paid but not served, settled short, never settled or failing the ledger check are mismatches', () => {
  const unserved = { ...settledViewer(0, 60), served: 40 }
  const short = { ...settledViewer(1, 60), settled: 40 }
  const unsettled = { ...settledViewer(2, 60), settled: null, closeTxid: null }
  const badLedger = settledViewer(3, 60)
  const unchecked = settledViewer(4, 60)
  const checks: LedgerCheck[] = [verified(0), verified(1), { index: 3, closeTxid: 'ab'.repeat(32), verdict: { ok: false, reason: 'pays the host 50 sat' }, hostSatoshis: 50 }]
  const summary = summarizeFleet([unserved, short, unsettled, badLedger, unchecked], checks)
  assert.equal(exitStatusOf(summary), 1)
  const text = summary.mismatches.join('\n')
  assert.match(text, /viewer 0 .*paid 60 sat but was served segments worth 40 sat/)
  assert.match(text, /viewer 1 .*host settled 40 sat/)
  assert.match(text, /viewer 2 .*never settled/)
  assert.match(text, /viewer 2 .*no close transaction/)
  assert.match(text, /viewer 3 .*pays the host 50 sat/)
  assert.match(text, /viewer 4 .*not checked on the ledger/)
  assert.equal(summary.closesFailed, 1)
  assert.match(formatSummary(summary), /MISMATCHES/)
})

test('tips are paid without being served; what the closes on the ledger pay short of the paid totals is lost', () => {
  const tipper = { ...settledViewer(0, 80), tipped: 20, served: 60 }
  const settledShort = settledViewer(1, 60)
  const neverSettled = { ...settledViewer(2, 40), settled: null, closeTxid: null }
  const summary = summarizeFleet([tipper, settledShort, neverSettled], [verified(0, 80), verified(1, 50)])
  assert.equal(summary.satoshisTipped, 20)
  assert.equal(summary.satoshisLost, 10 + 40)
  assert.ok(!summary.mismatches.some((line) => line.startsWith('viewer 0')), summary.mismatches.join('\n'))
  const untipped = summarizeFleet([{ ...tipper, tipped: 0 }], [verified(0, 80)])
  assert.match(untipped.mismatches.join('\n'), /viewer 0 .*paid 80 sat but was served segments worth 60 sat/)
  assert.equal(summarizeFleet([tipper], [verified(0, 80)]).satoshisLost, 0)
})

test('a segment paid for just before the host settled the channel is paid, not served, and said so', () => {
  const stopped = { ...settledViewer(0, 120), served: 100, paidUnserved: 20, stoppedEarly: 'settled_by_host' as const }
  const summary = summarizeFleet([stopped], [verified(0, 120)])
  assert.deepEqual(summary.mismatches, [])
  assert.equal(summary.satoshisPaidUnserved, 20)
  assert.match(formatSummary(summary), /paid, not served +20 sat/)
  const short = summarizeFleet([{ ...stopped, served: 80 }], [verified(0, 120)])
  assert.match(short.mismatches.join('\n'), /paid 120 sat but was served segments worth 80 sat \(and paid 20 sat for a segment the host settled before serving\)/)
})

test('the close check accepts the co-signed update as signed and refuses any other split', () => {
  const payer = PrivateKey.fromRandom()
  const payee = PrivateKey.fromRandom()
  const parties = { payerPublicKey: payer.toPublicKey().toString(), payeePublicKey: payee.toPublicKey().toString() }
  const payoutScript = p2pkhScriptHex(PrivateKey.fromRandom().toPublicKey().toString())
  const funding: FundingOutpoint = { txid: 'cd'.repeat(32), vout: 1, satoshis: 2_000 }
  const fee = closeFee(DEFAULT_FEE_RATE)
  const closeOf = (paid: number) => {
    const unsigned = buildUpdate({ ...parties, payoutScript, funding, paid, feeRate: DEFAULT_FEE_RATE })
    const tx = completeChannelSpend(unsigned, signChannelInput(unsigned, funding, parties, payer), signChannelInput(unsigned, funding, parties, payee))
    return { hex: tx.toHex(), txid: tx.id('hex') as string }
  }
  const close = closeOf(80)
  const expected = { closeTxid: close.txid, fundingTxid: funding.txid, fundingVout: 1, payerScript: p2pkhScriptHex(parties.payerPublicKey), payoutScript, paid: 80, change: 2_000 - 80 - fee }
  assert.deepEqual(checkCloseTx(close.hex, expected), { ok: true })

  const other = closeOf(60)
  const underpaid = checkCloseTx(other.hex, { ...expected, closeTxid: other.txid })
  assert.ok(!underpaid.ok && /pays the host 60 sat; the viewer signed 80/.test(underpaid.reason))
  const swapped = checkCloseTx(other.hex, expected)
  assert.ok(!swapped.ok && /another txid/.test(swapped.reason))
  const wrongFunding = checkCloseTx(close.hex, { ...expected, fundingVout: 0 })
  assert.ok(!wrongFunding.ok && /does not spend the channel funding/.test(wrongFunding.reason))
  const wrongChange = checkCloseTx(close.hex, { ...expected, change: 1 })
  assert.ok(!wrongChange.ok && /returns .* to the viewer/.test(wrongChange.reason))
  const elsewhere = checkCloseTx(close.hex, { ...expected, payerScript: p2pkhScriptHex(payee.toPublicKey().toString()) })
  assert.ok(!elsewhere.ok && /output 1 does not pay the viewer/.test(elsewhere.reason))
  const missing = checkCloseTx(null, expected)
  assert.ok(!missing.ok && /not on the ledger/.test(missing.reason))
  assert.equal(paysHost(other.hex, payoutScript), 60)
  assert.equal(paysHost(other.hex, p2pkhScriptHex(payer.toPublicKey().toString())), 0, 'output 0 pays someone else')
  assert.equal(paysHost(null, payoutScript), 0)
  assert.equal(paysHost('zz', payoutScript), 0)
})

test('the summary reports the host outages the viewers rode out, and none when there were none', () => {
  const calm = emptyResult(0)
  assert.deepEqual(summarizeFleet([calm], []).outages, { viewers: 0, total: 0, longestMs: 0 })
  assert.match(formatSummary(summarizeFleet([calm], [])), /host outages {7}none/)
  const once = { ...emptyResult(1), outages: 1, longestOutageMs: 3_400.4 }
  const twice = { ...emptyResult(2), outages: 2, longestOutageMs: 5_120 }
  const summary = summarizeFleet([calm, once, twice], [])
  assert.deepEqual(summary.outages, { viewers: 2, total: 3, longestMs: 5_120 })
  assert.match(formatSummary(summary), /host outages {7}3 \(2 viewers lost the host; longest 5\.1 s/)
})
