import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Transaction } from '@bsv/sdk'
import { runFleet } from '../../scripts/fleet/run-fleet.ts'
import { hlsForm } from '../support/hls-forms.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'

const PRICE = 10

describe('the viewer fleet against a real host', () => {
  let host: TestHost
  let stream: TinyStream

  before(async () => {
    stream = writeTinyStream([2, 2, 2, 2])
    host = await startTestHost({ mediaDir: stream.mediaDir, price: PRICE })
  })
  after(() => host.dispose())

  test('three viewers play every segment; paid = served = settled, and every close is on the ledger as signed', async () => {
    const run = await runFleet({ url: host.url, playlistPath: '/media/tiny/master.m3u8', count: 3, seconds: 30, cap: 2_000, speed: 200, rampMs: 0 })
    const { summary } = run
    const perViewer = stream.segments.reduce((sum, segment) => sum + PRICE * segment.duration, 0)

    assert.deepEqual(summary.mismatches, [])
    assert.equal(run.exitStatus, 0)
    assert.equal(summary.errorCount, 0)
    assert.equal(summary.paymentRequired, 0)
    assert.equal(summary.segmentsOk, 3 * stream.segments.length)
    assert.equal(summary.satoshisPaid, 3 * perViewer)
    assert.equal(summary.satoshisServed, 3 * perViewer)
    assert.equal(summary.satoshisSettled, 3 * perViewer)
    assert.equal(summary.channelsSettled, 3)
    assert.equal(summary.closesVerified, 3)
    assert.equal(summary.segmentLatencyMs.count, 3 * stream.segments.length)

    // The ledger check is only as good as its own reading: look at one close tx independently.
    const first = run.results[0]
    const close = Transaction.fromHex(host.ledger!.rawTx(first.closeTxid!)!)
    assert.equal(close.outputs[0].satoshis, perViewer)
    assert.equal(close.outputs[1].satoshis, first.capacity - perViewer - first.fee)
    assert.equal(new Set(run.results.map((result) => result.channelId)).size, 3)
  })

  test('a cap below the stream stops each viewer at its cap and still settles exactly what was paid', async () => {
    const run = await runFleet({ url: host.url, playlistPath: '/media/tiny/360p/index.m3u8', count: 2, seconds: 30, cap: 50, speed: 200, rampMs: 0 })
    assert.deepEqual(run.summary.mismatches, [])
    assert.equal(run.exitStatus, 0)
    for (const result of run.results) {
      assert.equal(result.stoppedEarly, 'cap')
      assert.equal(result.segmentsOk, 2, '2 segments of 20 sat fit a 50 sat cap, a third does not')
      assert.equal(result.settled, 40)
    }
    assert.equal(run.summary.closesVerified, 2)
  })
})

describe('the viewer fleet on a single fMP4 file cut into byte ranges, with a free preview', () => {
  let host: TestHost

  before(async () => {
    const form = await hlsForm('fmp4-byterange')
    host = await startTestHost({ mediaDir: form.mediaDir, price: PRICE, previewSeconds: 4 })
  })
  after(() => host.dispose())

  test('each viewer buys every range by its key, pays nothing for the preview, and settles exactly what it paid', async () => {
    const run = await runFleet({ url: host.url, playlistPath: '/media/fmp4-byterange/master.m3u8', count: 2, seconds: 30, cap: 2_000, speed: 200, rampMs: 0 })
    const { summary } = run
    assert.deepEqual(summary.mismatches, [])
    assert.equal(run.exitStatus, 0)
    assert.equal(summary.errorCount, 0)
    assert.equal(summary.segmentsOk, 2 * 6, 'six 2 s ranges each')
    assert.equal(summary.satoshisPaid, 2 * PRICE * (12 - 4), 'the first 4 s are free')
    assert.equal(summary.satoshisSettled, summary.satoshisPaid)
  })
})

describe('npm run viewers', () => {
  let host: TestHost

  before(async () => {
    const stream = writeTinyStream([2, 2])
    host = await startTestHost({ mediaDir: stream.mediaDir, price: PRICE })
  })
  after(() => host.dispose())

  test('--json prints one summary object with per-viewer results and exits 0 when everything agrees', async () => {
    const { execFile } = await import('node:child_process')
    const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/viewers.ts', '--url', `${host.url}/media/tiny/master.m3u8`, '--count', '2', '--seconds', '20', '--cap', '1000', '--speed', '100', '--json'],
        (_error, out) => resolve({ stdout: out, code: child.exitCode }),
      )
    })
    assert.equal(code, 0)
    const report = JSON.parse(stdout)
    assert.equal(report.exitStatus, 0)
    assert.equal(report.segmentsOk, 4)
    assert.equal(report.satoshisSettled, 2 * 2 * PRICE * 2)
    assert.equal(report.results.length, 2)
    assert.equal(report.results[0].segmentLatencyMs.length, 2)
    assert.deepEqual(report.mismatches, [])
  })
})

describe('npm run viewers -- --wallet brc100', () => {
  let host: TestHost

  before(async () => {
    const stream = writeTinyStream([2, 2, 2, 2])
    host = await startTestHost({ mediaDir: stream.mediaDir, price: PRICE })
  })
  after(() => host.dispose())

  test('three viewers pay from one BRC-100 wallet on the devnet; paid = served = settled, every close on the ledger as signed', async () => {
    const { execFile } = await import('node:child_process')
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/viewers.ts', '--url', `${host.url}/media/tiny/master.m3u8`, '--wallet', 'brc100', '--count', '3', '--seconds', '30', '--cap', '1000', '--speed', '100', '--json'],
        (_error, out, err) => resolve({ stdout: out, stderr: err, code: child.exitCode }),
      )
    })
    assert.equal(code, 0, stderr)
    assert.match(stderr, /from one BRC-100 wallet/)
    const report = JSON.parse(stdout)
    const perViewer = 4 * 2 * PRICE
    assert.deepEqual(report.mismatches, [])
    assert.equal(report.errorCount, 0, JSON.stringify(report.results.map((result: { firstError: string | null }) => result.firstError)))
    assert.equal(report.segmentsOk, 3 * 4)
    assert.equal(report.satoshisPaid, 3 * perViewer)
    assert.equal(report.satoshisSettled, 3 * perViewer)
    assert.equal(report.closesVerified, 3)
    // Each viewer's change went to a key the wallet derived for that channel, never to its channel key.
    const results = report.results as Array<{ closeTxid: string; fundingTxid: string; payerScript: string; capacity: number; fee: number }>
    assert.equal(new Set(results.map((result) => result.payerScript)).size, 3)
    for (const result of results) {
      // One whole coin per funding: the wallet does not pull in a neighbour's coin, or crumbs of one, to make change.
      assert.equal(Transaction.fromHex(host.ledger!.rawTx(result.fundingTxid)!).inputs.length, 1)
      const close = Transaction.fromHex(host.ledger!.rawTx(result.closeTxid)!)
      assert.equal(close.outputs[1].lockingScript.toHex(), result.payerScript)
      assert.equal(close.outputs[1].satoshis, result.capacity - perViewer - result.fee)
    }
  })
})
