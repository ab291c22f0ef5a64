// The host's devnet options: a shared ledger's URL, its own devnet handed in by its starter, and test mode, which is
// off unless asked for.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError } from '../../node-shared/config-error.ts'
import { parseConfig } from '../../server/config.ts'
import { startHost } from '../../server/app.ts'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

test('devnet test mode is off by default; --devnet-url only on devnet, and never with the host\'s own test mode', () => {
  assert.equal(parseConfig({}).devnetTestMode, false)
  assert.equal(parseConfig({}).devnetUrl, undefined)
  assert.equal(parseConfig({ devnetUrl: 'http://127.0.0.1:8090/devnet' }).devnetUrl, 'http://127.0.0.1:8090/devnet')
  assert.throws(() => parseConfig({ network: 'mainnet', devnetUrl: 'http://127.0.0.1:8090/devnet' }), (e: unknown) => e instanceof ConfigError && /host runs on mainnet/.test(e.message))
  assert.throws(() => parseConfig({ devnetUrl: 'http://127.0.0.1:8090/devnet', devnetTestMode: true }), /npm run devnet -- --test-mode/)
  assert.throws(() => parseConfig({ devnetUrl: 'ftp://ledger/devnet' }), ConfigError)
})

test('a devnet host started without a devnet of its own and without --devnet-url refuses to start, naming both ways', async () => {
  // server/ never imports devnet/: the host's own devnet comes only from its starter (scripts/start.ts, the tests).
  const dataDir = mkdtempSync(join(tmpdir(), 'p2p-no-devnet-'))
  try {
    await assert.rejects(
      startHost(parseConfig({ port: 0, dataDir, generateSample: false, logLevel: 'silent' })),
      (e: unknown) => e instanceof ConfigError && /--devnet-url/.test(e.message) && /npm start/.test(e.message),
    )
    assert.deepEqual(readdirSync(dataDir), [], 'nothing was started or written')
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})
