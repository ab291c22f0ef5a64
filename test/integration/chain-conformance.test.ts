// Software we did not write, against a real devnet over HTTP: @bsv/sdk's own ARC broadcaster (EF, raw, many) and
// Teranode broadcaster (EF bytes), BEEF as the SDK serializes it, WhatsOnChainBroadcaster, the WhatsOnChain chain
// tracker, and a BEEF built on the devnet's merkle path passing the SDK's own SPV check. Then our own ARC client
// against the example answers in ARC's OpenAPI file, served by a stub: real ARC cannot be reached from here.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import {
  ARC, FetchHttpClient, isBroadcastFailure, MerklePath, P2PKH, PrivateKey, SatoshisPerKilobyte, Teranode, Transaction,
  WhatsOnChain, WhatsOnChainBroadcaster,
} from '@bsv/sdk'
import { ArcClient } from '../../protocol/chain/arc.ts'
import { txFormatOf } from '../../protocol/chain/tx-formats.ts'
import { WhatsOnChainClient } from '../../protocol/chain/whatsonchain.ts'
import { hexToBytes } from '../../protocol/raw-tx.ts'
import { rejectsWithCode, startTestDevnet, type TestDevnet } from '../support/devnet.ts'

/**
 * The SDK's WhatsOnChain classes take a network name, not a URL: they always call https://api.whatsonchain.com/v1/bsv/<network>.
 * This HttpClient sends those calls to the devnet's WhatsOnChain routes instead, as a hosts-file entry would; the SDK
 * still builds every path and parses every answer itself.
 */
function whatsOnChainAt(devnetBase: string): FetchHttpClient {
  const official = 'https://api.whatsonchain.com/v1/bsv/test'
  return new FetchHttpClient((url, init) => {
    if (!url.startsWith(official)) throw new Error(`the SDK called ${url}, not WhatsOnChain`)
    return fetch(`${devnetBase}/woc/v1/bsv/devnet${url.slice(official.length)}`, init)
  })
}

/** The SDK's ARC, recording the JSON bodies it posts. */
function recordingArc(arcUrl: string, sent: unknown[]): ARC {
  return new ARC(arcUrl, {
    httpClient: new FetchHttpClient((url, init) => {
      if (init.body) sent.push(JSON.parse(init.body))
      return fetch(url, init)
    }),
  })
}

describe('@bsv/sdk\'s own clients against the devnet', () => {
  let devnet: TestDevnet
  let arcUrl: string
  let tracker: WhatsOnChain
  const alice = PrivateKey.fromRandom()
  const bob = PrivateKey.fromRandom()

  /** A faucet coin of alice's, as the parent tx and the output index. */
  const funded = async (satoshis: number): Promise<{ parent: Transaction; vout: number }> => {
    const paid = await devnet.ledger.faucet(alice.toAddress(), satoshis)
    return { parent: Transaction.fromHex(devnet.ledger.rawTx(paid.txid)!), vout: paid.vout }
  }

  /** Alice's coin spent the SDK's way: its P2PKH template, its fee model, change back to her. */
  const sdkSpend = async (parent: Transaction, vout: number, to: string, satoshis: number): Promise<Transaction> => {
    const tx = new Transaction()
    tx.addInput({ sourceTransaction: parent, sourceOutputIndex: vout, unlockingScriptTemplate: new P2PKH().unlock(alice) })
    tx.addOutput({ lockingScript: new P2PKH().lock(to), satoshis })
    tx.addOutput({ lockingScript: new P2PKH().lock(alice.toAddress()), change: true })
    await tx.fee(new SatoshisPerKilobyte(100))
    await tx.sign()
    return tx
  }

  /** Mines `parent` and gives it the merkle path ARC answers for it. */
  const mineWithProof = async (...parents: Transaction[]): Promise<void> => {
    devnet.ledger.mine()
    for (const parent of parents) {
      const status = await new ArcClient({ baseUrl: arcUrl }).txStatus(parent.id('hex'))
      assert.equal(status?.status, 'MINED')
      parent.merklePath = MerklePath.fromHex(status!.merklePath!)
    }
  }

  before(async () => {
    devnet = await startTestDevnet()
    arcUrl = `${devnet.base}/arc`
    tracker = new WhatsOnChain('test', { httpClient: whatsOnChainAt(devnet.base) })
  })
  after(() => devnet.close())

  test('ARC broadcasts Extended Format by default, and the devnet takes it', async () => {
    const { parent, vout } = await funded(50_000)
    const tx = await sdkSpend(parent, vout, bob.toAddress(), 20_000)
    const sent: Array<{ rawTx: string }> = []
    const result = await recordingArc(arcUrl, sent).broadcast(tx)
    assert.equal(result.status, 'success', JSON.stringify(result))
    assert.equal(result.txid, tx.id('hex'))
    assert.equal(sent[0].rawTx, tx.toHexEF())
    assert.equal(txFormatOf(hexToBytes(sent[0].rawTx)), 'ef')
    assert.equal(devnet.ledger.txStatus(tx.id('hex'))?.status, 'SEEN_ON_NETWORK')
  })

  test('ARC broadcasts raw when the tx does not carry its parents; Teranode\'s broadcaster posts EF bytes', async () => {
    const { parent, vout } = await funded(50_000)
    const lock = parent.outputs[vout].lockingScript
    const tx = new Transaction()
    tx.addInput({ sourceTXID: parent.id('hex'), sourceOutputIndex: vout, unlockingScriptTemplate: new P2PKH().unlock(alice, 'all', false, 50_000, lock) })
    tx.addOutput({ lockingScript: new P2PKH().lock(alice.toAddress()), satoshis: 49_000 })
    await tx.sign()
    assert.throws(() => tx.toHexEF(), /source transactions/)
    const sent: Array<{ rawTx: string }> = []
    const result = await recordingArc(arcUrl, sent).broadcast(tx)
    assert.equal(result.status, 'success', JSON.stringify(result))
    assert.equal(sent[0].rawTx, tx.toHex())

    const next = await sdkSpend(tx, 0, bob.toAddress(), 10_000)
    const teranode = await new Teranode(`${arcUrl}/v1/tx`).broadcast(next)
    assert.equal(teranode.status, 'success', JSON.stringify(teranode))
    assert.equal(devnet.ledger.txStatus(next.id('hex'))?.status, 'SEEN_ON_NETWORK')
  })

  test('ARC broadcastMany posts to /v1/txs and gets an answer for each', async () => {
    const a = await funded(20_000)
    const b = await funded(20_000)
    const txs = [await sdkSpend(a.parent, a.vout, bob.toAddress(), 5000), await sdkSpend(b.parent, b.vout, bob.toAddress(), 6000)]
    const answers = (await new ARC(arcUrl).broadcastMany(txs)) as Array<{ txid: string; txStatus: string }>
    assert.deepEqual(answers.map((x) => [x.txid, x.txStatus]), txs.map((tx) => [tx.id('hex'), 'SEEN_ON_NETWORK']))
  })

  test('BEEF and Atomic BEEF, as JSON, text and bytes: unmined ancestors are taken in order', async () => {
    const coins = [await funded(40_000), await funded(40_000), await funded(40_000)]
    await mineWithProof(...coins.map((c) => c.parent))
    // JSON, through our own client: the mined parent with its merkle path, then two unmined generations.
    const child = await sdkSpend(coins[0].parent, coins[0].vout, alice.toAddress(), 30_000)
    const grandchild = await sdkSpend(child, 0, bob.toAddress(), 10_000)
    const result = await new ArcClient({ baseUrl: arcUrl }).broadcast(grandchild.toHexBEEF())
    assert.deepEqual(result, { txid: grandchild.id('hex'), status: 'SEEN_ON_NETWORK' })
    assert.equal(devnet.ledger.txStatus(child.id('hex'))?.status, 'SEEN_ON_NETWORK')
    // text/plain BEEF, and Atomic BEEF (BRC-95) as octet-stream bytes.
    const viaText = await sdkSpend(coins[1].parent, coins[1].vout, bob.toAddress(), 10_000)
    const viaBytes = await sdkSpend(coins[2].parent, coins[2].vout, bob.toAddress(), 10_000)
    for (const [tx, type, body] of [
      [viaText, 'text/plain', viaText.toHexBEEF()],
      [viaBytes, 'application/octet-stream', new Uint8Array(viaBytes.toAtomicBEEF())],
    ] as const) {
      const res = await fetch(`${arcUrl}/v1/tx`, { method: 'POST', headers: { 'Content-Type': type }, body })
      const answer = (await res.json()) as { txid: string; txStatus: string }
      assert.equal(res.status, 200, JSON.stringify(answer))
      assert.deepEqual([answer.txid, answer.txStatus], [tx.id('hex'), 'SEEN_ON_NETWORK'])
    }
  })

  test('a double spend is reported as a failure, with the competing tx', async () => {
    const { parent, vout } = await funded(30_000)
    const first = await sdkSpend(parent, vout, bob.toAddress(), 10_000)
    assert.equal((await new ARC(arcUrl).broadcast(first)).status, 'success')
    const rival = await sdkSpend(parent, vout, bob.toAddress(), 11_000)
    const failure = await new ARC(arcUrl).broadcast(rival)
    assert.ok(isBroadcastFailure(failure), JSON.stringify(failure))
    assert.equal(failure.code, 'DOUBLE_SPEND_ATTEMPTED')
    assert.deepEqual((failure.more as { competingTxs: string[] }).competingTxs, [first.id('hex')])
    devnet.ledger.mine()
    const late = await new ARC(arcUrl).broadcast(await sdkSpend(parent, vout, bob.toAddress(), 12_000))
    assert.ok(isBroadcastFailure(late))
    assert.equal(late.code, '466')
    assert.match(late.description, /conflicting tx/)
  })

  test('WhatsOnChainBroadcaster broadcasts, and fails on a double spend', async () => {
    const { parent, vout } = await funded(30_000)
    const broadcaster = new WhatsOnChainBroadcaster('test', whatsOnChainAt(devnet.base))
    const tx = await sdkSpend(parent, vout, bob.toAddress(), 10_000)
    const result = await broadcaster.broadcast(tx)
    assert.deepEqual([result.status, result.txid], ['success', tx.id('hex')])
    const rival = await broadcaster.broadcast(await sdkSpend(parent, vout, bob.toAddress(), 9_000))
    assert.ok(isBroadcastFailure(rival))
    assert.equal(rival.code, '400')
  })

  test('the WhatsOnChain chain tracker: the height, and merkle roots true for their block only', async () => {
    devnet.ledger.mine()
    const height = devnet.ledger.height
    assert.equal(await tracker.currentHeight(), height)
    assert.equal(await new WhatsOnChainClient({ baseUrl: `${devnet.base}/woc/v1/bsv/devnet` }).height(), height)
    const root = devnet.ledger.block(height)!.header.merkleRoot
    assert.equal(await tracker.isValidRootForHeight(root, height), true)
    assert.equal(await tracker.isValidRootForHeight(devnet.ledger.block(height - 1)!.header.merkleRoot, height), false)
    assert.equal(await tracker.isValidRootForHeight(root, height + 5), false)
    assert.equal(await tracker.isValidRootForHeight('00'.repeat(32), 0), false)
  })

  test('a tx built as BEEF on the devnet\'s merkle path passes tx.verify(chainTracker); a wrong path does not', async () => {
    const { parent, vout } = await funded(30_000)
    await mineWithProof(parent)
    const child = await sdkSpend(parent, vout, bob.toAddress(), 10_000)
    const received = Transaction.fromHexBEEF(child.toHexBEEF())
    assert.equal(await received.verify(tracker), true)
    assert.equal(await received.verify(tracker, new SatoshisPerKilobyte(100)), true)
    // WhatsOnChain's TSC proof of the parent names the same block and climbs as high.
    const tsc = (await (await fetch(`${devnet.base}/woc/v1/bsv/devnet/tx/${parent.id('hex')}/proof/tsc`)).json()) as Array<{ target: string; nodes: string[] }>
    assert.equal(tsc[0].target, devnet.ledger.block(parent.merklePath!.blockHeight)!.hash)
    assert.equal(tsc[0].nodes.length, parent.merklePath!.path.length)
    // The same path claimed for the block before fails the tracker.
    const shifted = Transaction.fromHexBEEF(child.toHexBEEF())
    const source = shifted.inputs[0].sourceTransaction!
    source.merklePath = new MerklePath(source.merklePath!.blockHeight - 1, source.merklePath!.path)
    await assert.rejects(shifted.verify(tracker), /Invalid merkle path/)
  })
})

/** arc.yaml's examples, extracted to a fixture (its _source says from which commit). */
const examples = JSON.parse(readFileSync(new URL('../fixtures/arc-openapi-examples.json', import.meta.url), 'utf8')) as {
  postTx: Record<string, Record<string, unknown>>
  postTxs: Record<string, Array<Record<string, unknown>>>
  problems: Record<string, { status: number; detail: string; title: string }>
  statuses: Record<string, Record<string, unknown>>
  policy: unknown
  health: unknown
}

describe('our ARC client against the example answers in ARC\'s OpenAPI file', () => {
  let server: Server
  let stub: string
  /** An ArcClient whose ARC answers `body` with HTTP `status` to everything. */
  const answering = (status: number, body: unknown): ArcClient => {
    const id = answers.push({ status, body }) - 1
    return new ArcClient({ baseUrl: `${stub}/${id}` })
  }
  const answers: Array<{ status: number; body: unknown }> = []

  before(async () => {
    const app = express()
    app.use('/:id', (req, res) => {
      const answer = answers[Number(req.params.id)]
      res.status(answer.status).json(answer.body)
    })
    server = createServer(app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    stub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))

  test('POST /v1/tx: mined and in the mempool', async () => {
    assert.deepEqual(await answering(200, examples.postTx.mined).broadcast('00'), { txid: 'b68b064b336b9a4abdb173f3e32f27b38a222cb2102f51b8c92563e816b12b4a', status: 'MINED' })
    assert.deepEqual(await answering(200, examples.postTx.mempool).broadcast('00'), { txid: 'c0d6fce714e4225614f000c6a5addaaa1341acbb9c87115114dcf84f37b945a6', status: 'SEEN_ON_NETWORK' })
    // /v1/txs answers hold the same objects, one per tx.
    assert.equal((await answering(200, examples.postTxs.mined[0]).broadcast('00')).status, 'MINED')
    assert.equal((await answering(200, examples.postTxs.added[0]).broadcast('00')).status, 'SEEN_ON_NETWORK')
  })

  test('POST /v1/tx: the error example, whether it comes with HTTP 200 (as arc.yaml lists it) or 463', async () => {
    for (const status of [200, 463]) {
      const err = await rejectsWithCode(answering(status, examples.postTx.error).broadcast('00'), 463,
        /^Transaction is invalid because the outputs are non-existent or invalid: arc error 463: .*output 0 satoshis is invalid\./)
      assert.equal(err.txid, 'a0d69a2dfad710770ed282cce316c5792f6101a68046a263a17a1ae02676015e')
    }
    await rejectsWithCode(answering(200, examples.postTxs.error[0]).broadcast('00'), 463)
  })

  test('every error schema: its code, its detail, and what to do where we know it', async () => {
    const hints: Record<number, RegExp> = { 460: /Extended Format or as BEEF/, 465: /GET \/v1\/policy/, 466: /already spends/, 467: /ancestor/ }
    assert.ok(Object.keys(examples.problems).length >= 16)
    for (const [name, problem] of Object.entries(examples.problems)) {
      const err = await rejectsWithCode(answering(problem.status, problem).broadcast('00'), problem.status)
      assert.ok(err.message.startsWith(problem.detail), `${name}: ${err.message}`)
      if (hints[problem.status]) assert.match(err.message, hints[problem.status], name)
    }
  })

  test('GET /v1/tx/{txid}: mined with its merkle path, seen, a double spend with its competitors; 404 is null', async () => {
    const mined = await answering(200, examples.statuses.mined).txStatus('48ccf56b16ec11ddd9cfafc4f28492fb7e989d58594a0acd150a1592570ccd13')
    assert.deepEqual(mined, {
      txid: '48ccf56b16ec11ddd9cfafc4f28492fb7e989d58594a0acd150a1592570ccd13',
      status: 'MINED',
      blockHeight: 837394,
      blockHash: '0000000000000000064cbaac5cedf71a5447771573ba585501952c023873817b',
      merklePath: 'fe12c70c000c020a008d1c719355d718dad0ccc...',
    })
    assert.equal((await answering(200, examples.statuses.seenOnNetwork).txStatus('507e'))?.status, 'SEEN_ON_NETWORK')
    const doubleSpend = await answering(200, examples.statuses.doubleSpendAttempted).txStatus('3d77')
    assert.deepEqual([doubleSpend?.status, doubleSpend?.competingTxs], ['DOUBLE_SPEND_ATTEMPTED', ['505097ba93702491a8a8e5c195a3d2706baf9d43af5e8898aeace0e251f240d2']])
    assert.equal(await answering(404, examples.problems.ErrorNotFound).txStatus('ab'), null)
    await rejectsWithCode(answering(409, examples.problems.ErrorGeneric).txStatus('ab'), 409, /could not be processed/)
  })

  test('a broadcast answered DOUBLE_SPEND_ATTEMPTED with HTTP 200 fails with 466 naming the competitor', async () => {
    const err = await rejectsWithCode(answering(200, examples.statuses.doubleSpendAttempted).broadcast('00'), 466, /DOUBLE_SPEND_ATTEMPTED/)
    assert.match(err.message, /505097ba93702491a8a8e5c195a3d2706baf9d43af5e8898aeace0e251f240d2/)
  })

  test('GET /v1/policy and /v1/health', async () => {
    assert.deepEqual(await answering(200, examples.policy).policy(), { satoshis: 1, bytes: 1000 })
    assert.equal(await answering(200, examples.health).health(), false)
    assert.equal(await answering(200, { ...(examples.health as object), healthy: true }).health(), true)
  })
})
