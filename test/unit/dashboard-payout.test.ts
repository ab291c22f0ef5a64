// What the dashboard says was settled to the payout address: closes that reached the ledger and paid its script.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { explorerAddressUrl } from '../../client/dashboard/explorer.ts'
import { addSettled, tallyPayout } from '../../server/dashboard/payout.ts'

const X = '76a914' + '11'.repeat(20) + '88ac'
const Y = '76a914' + '22'.repeat(20) + '88ac'
const closed = (paid: number, payoutScript: string | null, closeTxid: string | null = 'ab'.repeat(32)) => ({ state: 'closed' as const, closeTxid, paid, payoutScript })

test('only closed channels with a close on the ledger that paid this script count', () => {
  const records = [closed(40, X), closed(60, X), closed(500, Y), closed(70, null), closed(90, X, null), { ...closed(30, X), state: 'open' as const }, closed(0, X)]
  assert.deepEqual(tallyPayout(records, X), { settled: 100, channels: 2 })
  assert.deepEqual(tallyPayout(records, Y), { settled: 500, channels: 1 })
  assert.deepEqual(addSettled({ settled: 100, channels: 2 }, closed(25, X), X), { settled: 125, channels: 3 })
  assert.deepEqual(addSettled({ settled: 100, channels: 2 }, closed(25, Y), X), { settled: 100, channels: 2 })
})

test('address links: WhatsOnChain on real networks, the devnet ledger otherwise', () => {
  assert.equal(explorerAddressUrl('mainnet', '1abc'), 'https://whatsonchain.com/address/1abc')
  assert.equal(explorerAddressUrl('testnet', 'mabc'), 'https://test.whatsonchain.com/address/mabc')
  assert.equal(explorerAddressUrl('devnet', '1abc'), '/devnet/woc/v1/bsv/devnet/address/1abc/unspent/all')
})
