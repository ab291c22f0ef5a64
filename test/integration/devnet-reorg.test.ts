// A chain reorganisation through HTTP (POST /devnet/test/reorg, devnet test mode), seen the way every client sees the
// chain: ARC's tx status and merkle path, WhatsOnChain's chain info, headers, proofs and unspent outputs. Offered by
// the router, by a host's own devnet with --devnet-test-mode, and by `npm run devnet -- --test-mode`; absent otherwise.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { MerklePath, PrivateKey } from '@bsv/sdk'
import { ArcClient } from '../../protocol/chain/arc.ts'
import { WhatsOnChainClient } from '../../protocol/chain/whatsonchain.ts'
import { buildSignedP2pkhTx, type SpendableOutput } from '../../devnet/p2pkh.ts'
import type { ReorgOutcome } from '../../devnet/reorg.ts'
import { startTestDevnet, type TestDevnet } from '../support/devnet.ts'
import { startTestHost, tempDir } from '../support/host.ts'
import { runScript } from '../support/script-process.ts'
import { rmSync } from 'node:fs'

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })
const reorg = (base: string, body: unknown) => post(`${base}/test/reorg`, body)
const json = async <T>(res: Response | Promise<Response>, status = 200): Promise<T> => {
  const answer = await res
  const text = await answer.text()
  assert.equal(answer.status, status, text)
  return JSON.parse(text) as T
}

interface Header { hash: string; height: number; merkleroot: string; previousblockhash?: string }

describe('a devnet reorganisation over HTTP', () => {
  let devnet: TestDevnet
  let arc: ArcClient
  let woc: WhatsOnChainClient
  const alice = PrivateKey.fromRandom()
  const bob = PrivateKey.fromRandom()
  const carol = PrivateKey.fromRandom()
  const pay = (coin: SpendableOutput, to: PrivateKey, satoshis: number) =>
    buildSignedP2pkhTx({ key: alice, inputs: [coin], outputs: [{ address: to.toAddress(), satoshis }] })
  const mine = async () => (await json<{ height: number }>(post(`${devnet.base}/mine`, {}))).height
  const header = (id: string | number) => fetch(`${devnet.base}/woc/v1/bsv/devnet/block/${id}/header`)
  const proof = async (txid: string) => json<unknown>(fetch(`${devnet.base}/woc/v1/bsv/devnet/tx/${txid}/proof/tsc`))

  before(async () => {
    devnet = await startTestDevnet({ testMode: true })
    arc = new ArcClient({ baseUrl: `${devnet.base}/arc` })
    woc = new WhatsOnChainClient({ baseUrl: `${devnet.base}/woc/v1/bsv/devnet` })
  })
  after(() => devnet.close())

  test('orphaned: back to SEEN_ON_NETWORK without block or proof; then replaced: REJECTED, and the winner proven in the new chain', async () => {
    const coin = await devnet.ledger.faucet(alice.toAddress(), 40_000)
    const toBob = await pay(coin, bob, 39_000)
    await arc.broadcast(toBob.toHex())
    const minedAt = await mine()
    const mined = await arc.txStatus(toBob.id('hex'))
    assert.deepEqual([mined?.status, mined?.blockHeight], ['MINED', minedAt])
    const orphanedHash = mined!.blockHash!
    assert.notEqual(await proof(toBob.id('hex')), null)

    const outcome = await json<ReorgOutcome>(reorg(devnet.base, { blocks: 1 }))

    assert.deepEqual(outcome, { fork: minedAt - 1, height: minedAt + 1, orphaned: [orphanedHash], mempool: [coin.txid, toBob.id('hex')], replaced: [], dropped: [], mined: [] })
    assert.deepEqual(await arc.txStatus(toBob.id('hex')), { txid: toBob.id('hex'), status: 'SEEN_ON_NETWORK' })
    assert.equal(await proof(toBob.id('hex')), null)
    assert.equal(await woc.height(), minedAt + 1)
    assert.equal((await header(`hash/${orphanedHash}`)).status, 404)
    const newBlock = await json<Header>(header(minedAt))
    assert.notEqual(newBlock.hash, orphanedHash)
    assert.equal(newBlock.previousblockhash, (await json<Header>(header(minedAt - 1))).hash)
    const listed = await json<Header[]>(fetch(`${devnet.base}/woc/v1/bsv/devnet/block/headers`))
    assert.deepEqual(listed.slice(0, 2).map((h) => h.height), [minedAt + 1, minedAt])
    assert.deepEqual((await woc.unspent(bob.toAddress())).map((u) => [u.txid, u.height]), [[toBob.id('hex'), 0]])

    // Mined again, then replaced by a conflicting spend in a new chain.
    await mine()
    const toCarol = await pay(coin, carol, 39_500)
    const replaced = await json<ReorgOutcome>(reorg(devnet.base, { blocks: 1, replace: [{ txid: toBob.id('hex'), rawTx: toCarol.toHex() }] }))
    assert.deepEqual([replaced.replaced, replaced.mined], [[toBob.id('hex')], [coin.txid, toCarol.id('hex')]])
    const lost = await arc.txStatus(toBob.id('hex'))
    assert.deepEqual([lost?.status, lost?.competingTxs, lost?.merklePath], ['REJECTED', [toCarol.id('hex')], undefined])
    const won = await arc.txStatus(toCarol.id('hex'))
    assert.equal(won?.status, 'MINED')
    const root = (await json<Header>(header(won!.blockHeight!))).merkleroot
    assert.equal(MerklePath.fromHex(won!.merklePath!).computeRoot(toCarol.id('hex')), root)
    assert.deepEqual(await woc.unspent(bob.toAddress()), [])
    assert.deepEqual((await woc.unspent(carol.toAddress())).map((u) => [u.txid, u.height]), [[toCarol.id('hex'), won!.blockHeight]])
  })

  test('a dropped tx is unknown to ARC and WhatsOnChain until it is sent again', async () => {
    const coin = await devnet.ledger.faucet(alice.toAddress(), 20_000)
    const toBob = await pay(coin, bob, 19_000)
    await arc.broadcast(toBob.toHex())
    await mine()
    const outcome = await json<ReorgOutcome>(reorg(devnet.base, { blocks: 1, drop: [toBob.id('hex')] }))
    assert.deepEqual(outcome.dropped, [toBob.id('hex')])
    assert.equal(await arc.txStatus(toBob.id('hex')), null)
    assert.equal(await woc.rawTx(toBob.id('hex')), null)
    assert.deepEqual(await arc.broadcast(toBob.toHex()), { txid: toBob.id('hex'), status: 'SEEN_ON_NETWORK' })
  })

  test('bad requests get a 400 or 404 that says why, and change nothing', async () => {
    const height = await woc.height()
    const tip = (await json<Header>(header(height))).hash
    assert.match((await json<{ error: string }>(reorg(devnet.base, '{"blocks":'), 400)).error, /not valid JSON/)
    assert.match((await json<{ error: string }>(reorg(devnet.base, { blocks: 0 }), 400)).error, /send JSON \{"blocks"/)
    assert.match((await json<{ error: string }>(reorg(devnet.base, { blocks: height + 1 }), 400)).error, /cannot orphan/)
    assert.deepEqual(await json(reorg(devnet.base, { blocks: 1, drop: ['ab'.repeat(32)] }), 404), { error: `drop ${'ab'.repeat(32)}: no such tx in the mempool or the orphaned blocks`, code: 404 })
    assert.equal(await woc.height(), height)
    assert.equal((await json<Header>(header(height))).hash, tip)
  })
})

describe('who offers POST /devnet/test/reorg', () => {
  test('a devnet router outside test mode has no such route', async () => {
    const plain = await startTestDevnet()
    try {
      assert.equal((await reorg(plain.base, { blocks: 1 })).status, 404)
    } finally {
      await plain.close()
    }
  })

  test("a host's own devnet with devnetTestMode (--devnet-test-mode), and only then", async () => {
    const testing = await startTestHost({ devnetTestMode: true })
    const normal = await startTestHost()
    try {
      testing.ledger!.mine()
      assert.equal((await json<ReorgOutcome>(reorg(`${testing.url}/devnet`, { blocks: 1 }))).height, 2)
      assert.equal((await reorg(`${normal.url}/devnet`, { blocks: 1 })).status, 404)
    } finally {
      await testing.dispose()
      await normal.dispose()
    }
  })

  test('npm run devnet -- --test-mode', async () => {
    const dir = tempDir('devnet-reorg-process')
    const devnet = runScript('devnet/main.ts', ['--port', '0', '--data', dir, '--block-interval', '0', '--test-mode', '--log-level', 'warn'])
    try {
      const url = (await devnet.waitFor(/Devnet ledger: (http:\/\/127\.0\.0\.1:\d+\/devnet)/))[1]
      await devnet.waitFor(/POST \/devnet\/test\/reorg reorganises the chain/)
      await json(post(`${url}/mine`, {}))
      const { hash } = await json<Header>(fetch(`${url}/woc/v1/bsv/devnet/block/1/header`))
      assert.deepEqual(await json<ReorgOutcome>(reorg(url, { blocks: 1 })), { fork: 0, height: 2, orphaned: [hash], mempool: [], replaced: [], dropped: [], mined: [] })
    } finally {
      assert.equal(await devnet.stop(), 0)
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
