// DNS rebinding and the devnet's clock, against a real host: a page under a name the host does not own
// (attacker.example, resolved to 127.0.0.1) gets 421 from every route and from Socket.IO; the host answers to its own
// names and to --public-host; and a viewer cannot mine (or use the faucet, or force a double spend) to move the chain
// past their refund's lock time, while this machine's own player and the admin still can.
import assert from 'node:assert/strict'
import { Agent } from 'node:http'
import { after, before, describe, test } from 'node:test'
import { PrivateKey } from '@bsv/sdk'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { ConfigError } from '../../node-shared/config-error.ts'
import { parseConfig } from '../../server/config.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { requestWithHost, upgradeWithHost } from '../support/host-header.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'
import { runScript } from '../support/script-process.ts'

const ADMIN_TOKEN = 'test-admin-token-0123456789'
const PUBLIC_NAME = 'video.example.com'
const ATTACKER = 'attacker.example'
const POST_JSON = { method: 'POST', headers: { 'Content-Type': 'application/json' } }

describe('a foreign Host header', () => {
  let host: TestHost
  let stream: TinyStream
  let port: number
  before(async () => {
    stream = writeTinyStream([2, 2])
    host = await startTestHost({ mediaDir: stream.mediaDir, publicHosts: [PUBLIC_NAME] }, { extend: attachDashboard })
    port = host.port
  })
  after(() => host.dispose())

  test('gets 421, naming the flag, from every route, the devnet and the Socket.IO handshake; the chain does not move', async () => {
    const height = host.ledger!.height
    const faucet = JSON.stringify({ address: PrivateKey.fromRandom().toAddress(), satoshis: 1_000 })
    const cases: Array<[string, Parameters<typeof requestWithHost>[3]]> = [
      ['/api/info', {}],
      ['/health', {}],
      ['/host', {}],
      ['/', {}],
      [stream.playlist, {}],
      [stream.segments[0].path, {}],
      ['/metrics', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } }],
      ['/devnet/mine', { method: 'POST' }],
      ['/devnet/faucet', { ...POST_JSON, body: faucet }],
      ['/devnet/woc/v1/bsv/devnet/chain/info', {}],
      ['/socket.io/?EIO=4&transport=polling', {}],
    ]
    for (const name of [`${ATTACKER}:${port}`, ATTACKER, `${PUBLIC_NAME}.${ATTACKER}`, `127.0.0.1.${ATTACKER}`]) {
      for (const [path, options] of cases) {
        const answer = await requestWithHost(host.url, path, name, options)
        assert.equal(answer.status, 421, `${name} ${path}: ${answer.status} ${answer.body.slice(0, 100)}`)
        const body = JSON.parse(answer.body) as { error: string; message: string }
        assert.equal(body.error, 'misdirected_request')
        assert.match(body.message, /--public-host/)
      }
      assert.equal(await upgradeWithHost(host.url, name), 421, `${name}: WebSocket upgrade`)
    }
    assert.equal(host.ledger!.height, height, 'no block was mined')
  })

  test("the host's own names are answered: loopback's, the bound address and --public-host", async () => {
    for (const name of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, PUBLIC_NAME, `${PUBLIC_NAME}:443`]) {
      for (const path of ['/api/info', '/health', stream.playlist, '/socket.io/?EIO=4&transport=polling']) {
        assert.equal((await requestWithHost(host.url, path, name)).status, 200, `${name} ${path}`)
      }
      assert.equal(await upgradeWithHost(host.url, name), 101, `${name}: WebSocket upgrade`)
    }
  })
})

describe("the devnet's writes: mining, the faucet, test mode", () => {
  let host: TestHost
  before(async () => {
    // Behind nginx (--trust-proxy), X-Forwarded-For stands for a viewer on another machine.
    host = await startTestHost({ publicHosts: [PUBLIC_NAME], trustProxy: true, devnetTestMode: true })
  })
  after(() => host.dispose())

  const viewer = { 'X-Forwarded-For': '203.0.113.7' }
  const mine = (name: string, headers: Record<string, string> = {}) => requestWithHost(host.url, '/devnet/mine', name, { method: 'POST', headers })

  test('a viewer cannot mine: not from another machine, not through the public name, and the chain height stays', async () => {
    const height = host.ledger!.height
    const refusals = [
      await mine(`127.0.0.1:${host.port}`, viewer),
      // nginx on this machine, or a host bound to 0.0.0.0: a loopback or LAN peer, under the public name.
      await mine(PUBLIC_NAME),
      await mine(PUBLIC_NAME, viewer),
      await mine(`127.0.0.1:${host.port}`, { ...viewer, Authorization: 'Bearer not-the-admin-token-0000' }),
    ]
    for (const answer of refusals) {
      assert.equal(answer.status, 403, answer.body)
      assert.match((JSON.parse(answer.body) as { error: string }).error, /admin token .*127\.0\.0\.1/)
    }
    const addresses = [PrivateKey.fromRandom().toAddress()]
    const faucet = await requestWithHost(host.url, '/devnet/faucet', PUBLIC_NAME, { ...POST_JSON, headers: { ...POST_JSON.headers, ...viewer }, body: JSON.stringify({ address: addresses[0], satoshis: 1_000 }) })
    assert.equal(faucet.status, 403, faucet.body)
    const forced = await requestWithHost(host.url, '/devnet/test/double-spend', `127.0.0.1:${host.port}`, { ...POST_JSON, headers: { ...POST_JSON.headers, ...viewer }, body: '{"rawTx": "00"}' })
    assert.equal(forced.status, 403, forced.body)
    assert.equal(host.ledger!.height, height, 'no block was mined')
    assert.deepEqual(host.ledger!.unspent(addresses[0]), [], 'the faucet paid nothing')
  })

  test('the admin token mines from anywhere; this machine mines and takes from the faucet under a loopback name', async () => {
    const height = host.ledger!.height
    const admin = await mine(PUBLIC_NAME, { ...viewer, Authorization: `Bearer ${ADMIN_TOKEN}` })
    assert.equal(admin.status, 200, admin.body)
    assert.equal(host.ledger!.height, height + 1)
    for (const name of [`127.0.0.1:${host.port}`, `localhost:${host.port}`]) assert.equal((await mine(name)).status, 200, name)
    assert.equal(host.ledger!.height, height + 3)
    // The player of a fresh `npm start`: same origin, on loopback.
    const paid = await requestFaucet(`${host.url}/devnet`, PrivateKey.fromRandom().toAddress(), 5_000)
    assert.equal(paid.satoshis, 5_000)
  })

  test('the faucet stays rate limited for this machine too', async () => {
    // A loopback address of its own, so that the other tests' faucet calls do not count.
    const agent = new Agent({ localAddress: '127.0.0.9' })
    const ask = () => requestWithHost(host.url, '/devnet/faucet', `127.0.0.1:${host.port}`, { ...POST_JSON, agent, body: '{"address": "not-an-address", "satoshis": 1}' })
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) statuses.push((await ask()).status)
    agent.destroy()
    assert.deepEqual(new Set(statuses.slice(0, 30)), new Set([400]))
    assert.equal(statuses[30], 429)
  })
})

describe('test mode on a non-loopback bind', () => {
  test('the host refuses to start, naming the flag', () => {
    for (const bind of ['0.0.0.0', '::', '192.0.2.1', 'video.example.com']) {
      assert.throws(() => parseConfig({ devnetTestMode: true, host: bind }), (error: Error) => error instanceof ConfigError && /--devnet-test-mode/.test(error.message) && /loopback --host/.test(error.message), bind)
    }
    for (const bind of ['127.0.0.1', '::1', 'localhost']) assert.equal(parseConfig({ devnetTestMode: true, host: bind }).devnetTestMode, true, bind)
  })

  test('`npm run devnet -- --test-mode` refuses one too, before it binds', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface here: the refusal must come before any attempt to bind it.
    const devnet = runScript('devnet/main.ts', ['--port', '0', '--host', '192.0.2.1', '--test-mode', '--data', '/nonexistent/never-made', '--log-level', 'warn'])
    assert.equal(await devnet.exit, 1)
    assert.match(devnet.output(), /--test-mode .*loopback --host/)
  })
})
