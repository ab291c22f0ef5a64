// A keep-alive connection the ledger closes just as a request arrives on it. The devnet server runs on a thread of its
// own with a 3 s keep-alive timeout; the test keeps that thread busy past the timeout, the way load does, and sends on
// the idle connection meanwhile. When the thread wakes, its keep-alive timer fires before it reads the request: the
// connection is reset under a request the ledger never saw. This is what made bench runs die with "ARC ... could not
// be reached (fetch failed: other side closed)" while funding the fleet.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { PrivateKey } from '@bsv/sdk'
import { HttpChain } from '../../protocol/chain/http-chain.ts'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import { RESEND_PAUSES_MS } from '../../protocol/chain/ledger-http.ts'
import { buildSignedP2pkhTx } from '../../devnet/p2pkh.ts'
import { createHttpClient } from '../../scripts/fleet/http-client.ts'
import { startDevnetThread, type DevnetThread } from '../support/devnet-thread.ts'
import { rejectsWithCode } from '../support/devnet.ts'

const KEEP_ALIVE_SECONDS = 3
/** Past the server's timeout, and Node's extra second on top of the timeout it advertises. */
const STALL_MS = (KEEP_ALIVE_SECONDS + 1) * 1000 + 500

interface Attempt { method: string; path: string; outcome: string }

/** The global fetch, every attempt written down with how it ended. */
function recordingFetch(attempts: Attempt[]): typeof fetch {
  return async (input, init) => {
    const attempt = { method: init?.method ?? 'GET', path: new URL(String(input)).pathname, outcome: 'pending' }
    attempts.push(attempt)
    try {
      const res = await fetch(input, init)
      attempt.outcome = String(res.status)
      return res
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause
      attempt.outcome = cause?.code ?? cause?.message ?? String(error)
      throw error
    }
  }
}

describe('a keep-alive connection closed by the ledger as a request arrives', () => {
  let devnet: DevnetThread
  const key = PrivateKey.fromRandom()
  before(async () => {
    devnet = await startDevnetThread({ keepAliveTimeoutSeconds: KEEP_ALIVE_SECONDS })
  })
  after(() => devnet.close())

  const attemptsAt = (attempts: Attempt[], path: string) => attempts.filter((a) => a.path.endsWith(path))

  test('a broadcast goes again on a fresh connection, and the ledger takes it once', async () => {
    const attempts: Attempt[] = []
    const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl: devnet.url, fetch: recordingFetch(attempts) })
    const coin = await requestFaucet(devnet.url, key.toAddress(), 5_000)
    const tx = await buildSignedP2pkhTx({ key, inputs: [coin], outputs: [{ address: key.toAddress(), satoshis: 4_000 }] })
    // The connection the next request takes has just answered: it is idle, and the client keeps it.
    assert.equal(await chain.height(), 0)
    await devnet.stall(STALL_MS)

    const sent = await chain.broadcast(tx.toHex())

    assert.deepEqual(sent, { txid: tx.id('hex'), status: 'SEEN_ON_NETWORK' })
    const posts = attemptsAt(attempts, '/arc/v1/tx')
    assert.equal(posts.length, 2, JSON.stringify(posts))
    assert.match(posts[0].outcome, /ECONNRESET|UND_ERR_SOCKET|other side closed/, 'the first attempt died with its connection')
    assert.equal(posts[1].outcome, '200')
    assert.deepEqual((await devnet.accepted()).filter((txid) => txid === tx.id('hex')), [tx.id('hex')], 'stored once')
    assert.equal((await chain.txStatus(tx.id('hex')))?.status, 'SEEN_ON_NETWORK')
    const coins = await chain.unspent(key.toAddress())
    assert.deepEqual(coins.map((c) => [c.txid, c.vout, c.satoshis]), [[tx.id('hex'), 0, 4_000]])
  })

  test('a faucet payment is not idempotent: it is never sent twice, and the ledger paid nothing', async () => {
    const attempts: Attempt[] = []
    const before = await devnet.accepted()
    const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl: devnet.url, fetch: recordingFetch(attempts) })
    await chain.height()
    await devnet.stall(STALL_MS)
    await rejectsWithCode(requestFaucet(devnet.url, key.toAddress(), 1_000, recordingFetch(attempts)), 0, /Devnet faucet at .* could not be reached/)
    assert.equal(attemptsAt(attempts, '/faucet').length, 1)
    assert.deepEqual(await devnet.accepted(), before)
  })

  test("the fleet's HTTP client sends a GET again when the server closes its reused connection under it", async () => {
    const client = createHttpClient(10_000)
    try {
      const info = `${devnet.url}/woc/v1/bsv/devnet/chain/info`
      assert.equal((await client.get(info)).status, 200)
      await devnet.stall(STALL_MS)
      const again = await client.get(info, { keepBody: true })
      assert.equal(again.status, 200)
      assert.equal((JSON.parse(again.body!.toString()) as { chain: string }).chain, 'devnet')
    } finally {
      client.close()
    }
  })

  test('a ledger that is really down fails clearly, after a bounded number of attempts', async () => {
    const attempts: Attempt[] = []
    const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl: devnet.url, fetch: recordingFetch(attempts), timeoutMs: 5_000 })
    const tx = await buildSignedP2pkhTx({ key, inputs: [await requestFaucet(devnet.url, key.toAddress(), 2_000)], outputs: [{ address: key.toAddress(), satoshis: 1_000 }] })
    await devnet.close()
    const tries = RESEND_PAUSES_MS.length + 1
    await rejectsWithCode(chain.broadcast(tx.toHex()), 0, new RegExp(`ARC at http://127\\.0\\.0\\.1:\\d+/devnet/arc/v1/tx could not be reached \\(.*ECONNREFUSED.*, ${tries} attempts\\)`))
    assert.equal(attemptsAt(attempts, '/arc/v1/tx').length, tries)
  })
})
