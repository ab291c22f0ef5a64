// Preflight for real networks: with --network testnet|mainnet the host checks ARC (/v1/health, /v1/policy) and
// WhatsOnChain (chain/info) before it starts, against a stub with the real services' shapes and against the devnet's
// own routes; it reports what it found or names the URL that failed. The fee rate follows the policy while it runs.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { PrivateKey } from '@bsv/sdk'
import type { Terms } from '../../protocol/messages.ts'
import { describePreflight, preflight, PreflightError } from '../../server/chain/preflight.ts'
import { startTestDevnet, type TestDevnet } from '../support/devnet.ts'
import { startTestHost, tempDir } from '../support/host.ts'
import { ARC_EXAMPLES, chainInfo, startLedgerStub, type LedgerStub } from '../support/ledger-stub.ts'
import { connect } from '../support/raw-viewer.ts'

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (error) {
    assert.ok(error instanceof PreflightError, String(error))
    return error.message
  }
  assert.fail('preflight passed')
}

describe('preflight', () => {
  let stub: LedgerStub
  let devnet: TestDevnet

  before(async () => {
    stub = await startLedgerStub()
    devnet = await startTestDevnet()
  })
  after(async () => {
    await stub.close()
    await devnet.close()
  })

  test('reports what ARC and WhatsOnChain answered, the API key sent as ARC expects it', async () => {
    const found = await preflight({ arcUrl: stub.arcUrl, wocUrl: stub.wocUrl, arcApiKey: 'arc-key' })
    assert.deepEqual(found, { arc: { url: stub.arcUrl, version: 'v1.0.0', feeRate: { satoshis: 1, bytes: 1000 } }, woc: { url: stub.wocUrl, height: 1_650_000 } })
    assert.ok(stub.arcAuthorizations.every((header) => header === 'Bearer arc-key'))
    assert.deepEqual(describePreflight(found), [
      `  ARC:          ${stub.arcUrl} healthy (v1.0.0), mining fee 1 sat per 1000 bytes`,
      `  WhatsOnChain: ${stub.wocUrl} at height 1650000`,
    ])
  })

  test("passes against the devnet's own ARC and WhatsOnChain routes", async () => {
    devnet.ledger.mine()
    const found = await preflight({ arcUrl: `${devnet.base}/arc`, wocUrl: `${devnet.base}/woc/v1/bsv/devnet` })
    assert.deepEqual(found.arc.feeRate, devnet.ledger.feeRate)
    assert.equal(found.woc.height, devnet.ledger.height)
  })

  test('names the URL that failed, and what to fix', async () => {
    try {
      stub.answers.health = { status: 200, body: ARC_EXAMPLES.unhealthy }
      const unhealthy = await refusal(preflight({ arcUrl: stub.arcUrl, wocUrl: stub.wocUrl }))
      assert.match(unhealthy, new RegExp(`ARC at ${stub.arcUrl}/v1/health says it is not healthy: no db connection`))
      assert.match(unhealthy, /--arc-url \(P2P_ARC_URL\)/)

      stub.answers.health = { status: 401, body: { status: 401, title: 'Unauthorized' } }
      assert.match(await refusal(preflight({ arcUrl: stub.arcUrl, wocUrl: stub.wocUrl })), /HTTP 401 \(the API key was refused\)[\s\S]*--arc-api-key/)
      stub.answers.health = { status: 200, body: ARC_EXAMPLES.healthy }

      stub.answers.policy = { status: 200, body: { policy: {} } }
      assert.match(await refusal(preflight({ arcUrl: stub.arcUrl, wocUrl: stub.wocUrl })), new RegExp(`ARC at ${stub.arcUrl}/v1/policy gave no mining fee`))
      stub.answers.policy = { status: 200, body: ARC_EXAMPLES.policy }

      stub.answers.chainInfo = { status: 200, body: { chain: 'test' } }
      const noHeight = await refusal(preflight({ arcUrl: stub.arcUrl, wocUrl: stub.wocUrl }))
      assert.match(noHeight, new RegExp(`WhatsOnChain at ${stub.wocUrl}/chain/info gave no chain height`))
      assert.match(noHeight, /--woc-url \(P2P_WOC_URL\)/)
      stub.answers.chainInfo = { status: 200, body: chainInfo(1_650_000) }

      const dead = 'http://127.0.0.1:9/woc'
      assert.match(await refusal(preflight({ arcUrl: stub.arcUrl, wocUrl: dead, timeoutMs: 2_000 })), new RegExp(`WhatsOnChain at ${dead}/chain/info could not be reached`))
      assert.match(await refusal(preflight({ arcUrl: 'http://127.0.0.1:9', wocUrl: stub.wocUrl, timeoutMs: 2_000 })), /ARC at http:\/\/127\.0\.0\.1:9\/v1\/health could not be reached/)
    } finally {
      stub.answers.health = { status: 200, body: ARC_EXAMPLES.healthy }
    }
  })

  test('a testnet host refreshes its fee rate from the policy while it runs and tells connected viewers', async () => {
    const host = await startTestHost({ network: 'testnet', arcUrl: stub.arcUrl, wocUrl: stub.wocUrl, payoutAddress: PrivateKey.fromRandom().toAddress('testnet') })
    try {
      assert.deepEqual(host.preflight?.arc.feeRate, { satoshis: 1, bytes: 1000 })
      const { socket, terms } = await connect(host.url)
      assert.deepEqual([terms.network, terms.feeRate, terms.height], ['testnet', { satoshis: 1, bytes: 1000 }, 1_650_000])
      const next = new Promise<Terms>((resolve) => socket.once('terms', resolve))
      stub.answers.policy = { status: 200, body: { policy: { miningFee: { satoshis: 5, bytes: 1000 } } } }
      await host.chainView.refresh()
      assert.deepEqual((await next).feeRate, { satoshis: 5, bytes: 1000 })
      // A failed policy request keeps the last rate instead of falling back to a guess.
      stub.answers.policy = { status: 503, body: { status: 503, title: 'Service unavailable' } }
      await host.chainView.refresh()
      assert.deepEqual(host.chainView.feeRate, { satoshis: 5, bytes: 1000 })
      socket.disconnect()
    } finally {
      stub.answers.policy = { status: 200, body: ARC_EXAMPLES.policy }
      await host.dispose()
    }
  })

  test('npm start on testnet prints what preflight found, or fails naming the URL', async () => {
    const dataDir = tempDir('preflight')
    const start = (arcUrl: string) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--network', 'testnet', '--port', '0', '--data', dataDir, '--no-sample', '--log-level', 'silent',
        '--arc-url', arcUrl, '--woc-url', stub.wocUrl, '--payout-address', PrivateKey.fromRandom().toAddress('testnet')], { stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      child.stdout.on('data', (chunk) => (output += chunk))
      child.stderr.on('data', (chunk) => (output += chunk))
      return { child, output: () => output, exited: new Promise<number | null>((resolve) => child.once('exit', resolve)) }
    }
    try {
      const good = start(stub.arcUrl)
      const deadline = Date.now() + 60_000
      while (!/Press Ctrl-C/.test(good.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      assert.match(good.output(), /running on testnet/)
      assert.match(good.output(), new RegExp(`ARC: +${stub.arcUrl} healthy \\(v1.0.0\\), mining fee 1 sat per 1000 bytes`))
      assert.match(good.output(), /WhatsOnChain: .* at height 1650000/)
      good.child.kill('SIGTERM')
      await good.exited

      const bad = start('http://127.0.0.1:9/arc')
      assert.equal(await bad.exited, 1)
      assert.match(bad.output(), /Preflight: ARC at http:\/\/127\.0\.0\.1:9\/arc\/v1\/health could not be reached/)
      assert.match(bad.output(), /Check --arc-url/)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
