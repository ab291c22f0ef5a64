import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEVNET_TOP_UP, devnetTopUp, FEE_HEADROOM } from '../../client/player/top-up.ts'

test('devnet top-up: an empty wallet gets the standard top-up, or twice a large cap', () => {
  assert.equal(devnetTopUp({ balance: 0, cap: 2_000, canUseFaucet: true }), DEVNET_TOP_UP)
  assert.equal(devnetTopUp({ balance: 0, cap: 60_000, canUseFaucet: true }), 120_000)
})

test('devnet top-up: nothing when the balance covers the cap and the fees, something one satoshi short', () => {
  assert.equal(devnetTopUp({ balance: 5_000 + FEE_HEADROOM, cap: 5_000, canUseFaucet: true }), null)
  assert.equal(devnetTopUp({ balance: 5_000 + FEE_HEADROOM - 1, cap: 5_000, canUseFaucet: true }), DEVNET_TOP_UP)
})

test('devnet top-up: never on a network without a faucet', () => {
  assert.equal(devnetTopUp({ balance: 0, cap: 5_000, canUseFaucet: false }), null)
})
