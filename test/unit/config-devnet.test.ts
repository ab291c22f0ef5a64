// The host's devnet options: a shared ledger's URL, and test mode, which is off unless asked for.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError } from '../../node-shared/config-error.ts'
import { parseConfig } from '../../server/config.ts'

test('devnet test mode is off by default; --devnet-url only on devnet, and never with the host\'s own test mode', () => {
  assert.equal(parseConfig({}).devnetTestMode, false)
  assert.equal(parseConfig({}).devnetUrl, undefined)
  assert.equal(parseConfig({ devnetUrl: 'http://127.0.0.1:8090/devnet' }).devnetUrl, 'http://127.0.0.1:8090/devnet')
  assert.throws(() => parseConfig({ network: 'mainnet', devnetUrl: 'http://127.0.0.1:8090/devnet' }), (e: unknown) => e instanceof ConfigError && /host runs on mainnet/.test(e.message))
  assert.throws(() => parseConfig({ devnetUrl: 'http://127.0.0.1:8090/devnet', devnetTestMode: true }), /npm run devnet -- --test-mode/)
  assert.throws(() => parseConfig({ devnetUrl: 'ftp://ledger/devnet' }), ConfigError)
})
