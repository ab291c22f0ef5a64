// A close the ledger did not take is retried with backoff: the schedule and when the next attempt is due.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { afterFailure, RETRY_BASE_MS, RETRY_MAX_MS, retryDelayMs, retryDue } from '../../server/channels/settlement-retry.ts'
import { isStorageUnavailable } from '../../server/store/channel-store.ts'
import { ChainError, ledgerUnavailable } from '../../protocol/chain/chain.ts'

test('the retry delay doubles from the base after each failure and stops growing at the cap', () => {
  assert.deepEqual([1, 2, 3, 4, 5].map(retryDelayMs), [1_000, 2_000, 4_000, 8_000, 16_000])
  assert.equal(retryDelayMs(6), RETRY_MAX_MS)
  assert.equal(retryDelayMs(60), RETRY_MAX_MS, 'no overflow however long the ledger stays down')
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000 }), (failures) => {
      const delay = retryDelayMs(failures)
      return delay >= RETRY_BASE_MS && delay <= RETRY_MAX_MS && retryDelayMs(failures + 1) >= delay
    }),
    { seed: 13, numRuns: 200 },
  )
})

test('a failed close waits out its delay, then is due again; one never tried is due at once', () => {
  assert.equal(retryDue(undefined, 0), true)
  const first = afterFailure(undefined, 10_000, 'ARC could not be reached')
  assert.deepEqual(first, { failures: 1, lastError: 'ARC could not be reached', lastAttemptAt: 10_000, nextAttemptAt: 11_000 })
  assert.equal(retryDue(first, 10_999), false)
  assert.equal(retryDue(first, 11_000), true)
  const second = afterFailure(first, 11_000, 'HTTP 503')
  assert.equal(second.failures, 2)
  assert.equal(second.nextAttemptAt, 13_000)
  assert.equal(afterFailure(undefined, 0, 'x'.repeat(5_000)).lastError.length, 300, 'a ledger cannot flood the dashboard')
})

test('the ledger is unavailable when unreachable or failing (5xx), not when it judged the tx', () => {
  assert.equal(ledgerUnavailable(new ChainError('could not be reached', 0)), true)
  assert.equal(ledgerUnavailable(new ChainError('bad gateway', 502)), true)
  assert.equal(ledgerUnavailable(new ChainError('fee too low', 465)), false)
  assert.equal(ledgerUnavailable(new ChainError('double spend', 466)), false)
  assert.equal(ledgerUnavailable(new Error('not a ledger error')), false)
})

test('a full or read-only store is told apart from other failures', () => {
  assert.equal(isStorageUnavailable(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })), true)
  assert.equal(isStorageUnavailable(Object.assign(new Error('readonly'), { code: 'SQLITE_READONLY_DBMOVED' })), true)
  assert.equal(isStorageUnavailable(Object.assign(new Error('disk full'), { code: '53100' })), true)
  assert.equal(isStorageUnavailable(Object.assign(new Error('constraint'), { code: 'SQLITE_CONSTRAINT_UNIQUE' })), false)
  assert.equal(isStorageUnavailable(null), false)
})
