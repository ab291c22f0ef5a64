import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatAgo, formatBytes, formatRate, formatSats, formatMediaTime, shortHex } from '../../client/dashboard/format.ts'
import { explorerTxUrl } from '../../client/dashboard/explorer.ts'
import { runningTotal } from '../../client/dashboard/earnings-chart-data.ts'

const TXID = 'ab'.repeat(32)

test('transactions link to WhatsOnChain on testnet and mainnet, to the devnet page on devnet', () => {
  assert.equal(explorerTxUrl('mainnet', TXID), `https://whatsonchain.com/tx/${TXID}`)
  assert.equal(explorerTxUrl('testnet', TXID), `https://test.whatsonchain.com/tx/${TXID}`)
  assert.equal(explorerTxUrl('devnet', TXID), `/devnet/tx/${TXID}`)
})

test('satoshis, rates and sizes are written for people', () => {
  assert.equal(formatSats(1234567), '1,234,567')
  assert.equal(formatRate(187.06), '187.1')
  assert.equal(formatBytes(999), '999 B')
  assert.equal(formatBytes(14_300), '14.3 KB')
  assert.equal(formatBytes(2_500_000), '2.50 MB')
  assert.equal(formatBytes(750_000_000), '750 MB')
})

test('watch time reads like a video clock', () => {
  assert.equal(formatMediaTime(0), '0:00')
  assert.equal(formatMediaTime(42.4), '0:42')
  assert.equal(formatMediaTime(725), '12:05')
  assert.equal(formatMediaTime(3723), '1:02:03')
})

test('last update is relative to the snapshot time', () => {
  const now = 1_700_000_000_000
  assert.equal(formatAgo(now - 2_000, now), 'just now')
  assert.equal(formatAgo(now - 42_000, now), '42 s ago')
  assert.equal(formatAgo(now - 5 * 60_000, now), '5 min ago')
  assert.equal(formatAgo(now - 3 * 3_600_000, now), '3 h ago')
  assert.equal(formatAgo(now - 2 * 86_400_000, now), '2 d ago')
})

test('keys and txids are shortened at both ends', () => {
  assert.equal(shortHex('02' + 'cd'.repeat(32)), '02cdcd…cdcdcd')
  assert.equal(shortHex('abc'), 'abc')
})

test('the chart line is the running total of the per-minute bars', () => {
  assert.deepEqual(runningTotal([0, 5, 0, 10, 1]), [0, 5, 5, 15, 16])
})
