// A devnet chain reorganisation (test mode) on a real SQLite ledger with real signed transactions: what the orphaned
// blocks held goes back to the mempool, a replacement wins over what it conflicts with, a dropped tx is forgotten, the
// headers, merkle paths and UTXO set follow, and a bad request changes nothing.
import { test, describe, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { MerklePath, PrivateKey, type Transaction } from '@bsv/sdk'
import { DevnetLedger } from '../../devnet/ledger.ts'
import { buildSignedP2pkhTx, type SpendableOutput } from '../../devnet/p2pkh.ts'
import { MAX_REORG_BLOCKS, MAX_REORG_TXS, parseReorgRequest, planReorg, type ReorgRequest } from '../../devnet/reorg.ts'
import { throwsWithCode } from '../support/devnet.ts'
import { tempDir } from '../support/host.ts'
import { rmSync } from 'node:fs'

const request = (r: Partial<ReorgRequest> & { blocks: number }): ReorgRequest => ({ replace: [], drop: [], ...r })

describe('a reorg request', () => {
  test('is read from JSON, txids lower-cased; anything else is a 400 saying what to send', () => {
    const txid = 'AB'.repeat(32)
    assert.deepEqual(parseReorgRequest({ blocks: 2 }), { blocks: 2, replace: [], drop: [] })
    assert.deepEqual(parseReorgRequest({ blocks: 1, replace: [{ txid, rawTx: '00' }], drop: [txid] }), {
      blocks: 1,
      replace: [{ txid: txid.toLowerCase(), rawTx: '00' }],
      drop: [txid.toLowerCase()],
    })
    for (const blocks of [0, -1, 1.5, '2', MAX_REORG_BLOCKS + 1, undefined]) throwsWithCode(() => parseReorgRequest({ blocks }), 400, /send JSON \{"blocks"/)
    throwsWithCode(() => parseReorgRequest(null), 400, /send JSON/)
    throwsWithCode(() => parseReorgRequest({ blocks: 1, replace: {} }), 400, /replace must be a list/)
    throwsWithCode(() => parseReorgRequest({ blocks: 1, replace: [{ txid: 'x', rawTx: '00' }] }), 400, /64 hex/)
    throwsWithCode(() => parseReorgRequest({ blocks: 1, replace: [null] }), 400, /64 hex/)
    throwsWithCode(() => parseReorgRequest({ blocks: 1, replace: [{ txid }] }), 400, /replace\[0\]\.rawTx/)
    throwsWithCode(() => parseReorgRequest({ blocks: 1, drop: 'x' }), 400, /drop must be a list/)
    throwsWithCode(() => parseReorgRequest({ blocks: 1, drop: Array(MAX_REORG_TXS + 1).fill(txid) }), 400, new RegExp(`at most ${MAX_REORG_TXS}`))
  })

  test('plans the fork below the tip, never below genesis; the new chain is one block longer', () => {
    assert.deepEqual(planReorg(10, 3), { fork: 7, height: 11 })
    assert.deepEqual(planReorg(1, 1), { fork: 0, height: 2 })
    throwsWithCode(() => planReorg(2, 3), 400, /has 2 blocks above genesis/)
  })
})

describe('DevnetLedger.reorg', () => {
  let dir: string
  let ledger: DevnetLedger
  const alice = PrivateKey.fromRandom()
  const bob = PrivateKey.fromRandom()
  const carol = PrivateKey.fromRandom()
  const pay = (coin: SpendableOutput, to: PrivateKey, satoshis: number, key = alice): Promise<Transaction> =>
    buildSignedP2pkhTx({ key, inputs: [coin], outputs: [{ address: to.toAddress(), satoshis }] })
  const outOf = (tx: Transaction, vout = 0): SpendableOutput => ({ txid: tx.id('hex'), vout, satoshis: tx.outputs[vout].satoshis! })
  const status = (tx: Transaction | string) => ledger.txStatus(typeof tx === 'string' ? tx : tx.id('hex'))
  /** The chain as a client sees it: every block's hash, and each header pointing at the one below. */
  const chainHashes = () => {
    const blocks = ledger.recentBlocks(ledger.height + 1).reverse()
    blocks.forEach((block, h) => {
      assert.equal(block.height, h)
      if (h > 0) assert.equal(block.header.prevHash, blocks[h - 1].hash, `block ${h} builds on block ${h - 1}`)
    })
    return blocks.map((b) => b.hash)
  }
  /** A mined tx's merkle path leads to its block's merkle root. */
  const provesMined = (tx: Transaction, height: number) => {
    const s = status(tx)
    assert.deepEqual([s?.status, s?.blockHeight], ['MINED', height])
    assert.equal(MerklePath.fromHex(s!.merklePath!).computeRoot(tx.id('hex')), ledger.block(height)!.header.merkleRoot)
  }

  beforeEach(() => {
    dir = tempDir('devnet-reorg')
    ledger = DevnetLedger.open({ dataDir: dir, testMode: true })
  })
  afterEach(() => {
    ledger.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('the orphaned blocks\' txs go back to the mempool, unproven; the new chain is one block longer and mines them again', async () => {
    const coin = await ledger.faucet(alice.toAddress(), 30_000)
    ledger.mine()
    const toBob = await pay(coin, bob, 29_000)
    ledger.submit(toBob.toHex())
    ledger.mine()
    const toCarol = await pay(outOf(toBob), carol, 28_000, bob)
    ledger.submit(toCarol.toHex())
    const before = chainHashes()
    provesMined(toBob, 2)

    const outcome = ledger.reorg(request({ blocks: 2 }))

    assert.deepEqual(outcome, { fork: 0, height: 3, orphaned: [before[2], before[1]], mempool: [coin.txid, toBob.id('hex')], replaced: [], dropped: [], mined: [] })
    assert.equal(ledger.height, 3)
    const after = chainHashes()
    assert.equal(after[0], before[0])
    for (const hash of before.slice(1)) {
      assert.equal(ledger.blockByHash(hash), null, 'an orphaned block is gone')
      assert.ok(!after.includes(hash))
    }
    for (const tx of [coin.txid, toBob, toCarol]) {
      const s = status(tx)
      assert.deepEqual([s?.status, s?.blockHeight, s?.merklePath], ['SEEN_ON_NETWORK', undefined, undefined])
    }
    assert.equal(ledger.proofOf(toBob.id('hex')), null)
    assert.deepEqual(ledger.unspent(carol.toAddress()).map((u) => [u.txid, u.height]), [[toCarol.id('hex'), 0]])
    assert.deepEqual(ledger.block(1)!.txCount, 1, 'the new chain\'s blocks hold only their coinbase')

    assert.equal(ledger.mine(), 4)
    provesMined(toBob, 4)
    provesMined(toCarol, 4)
    assert.deepEqual(ledger.unspent(carol.toAddress()).map((u) => [u.txid, u.height]), [[toCarol.id('hex'), 4]])
  })

  test('a replacement takes a mined tx\'s place in the new chain: the replaced tx and its child are REJECTED, coins follow', async () => {
    const coin = await ledger.faucet(alice.toAddress(), 30_000)
    const toBob = await pay(coin, bob, 29_000)
    ledger.submit(toBob.toHex())
    ledger.mine()
    const child = await pay(outOf(toBob), carol, 28_000, bob)
    ledger.submit(child.toHex())
    ledger.mine()
    const toCarol = await pay(coin, carol, 29_500)

    const outcome = ledger.reorg(request({ blocks: 2, replace: [{ txid: toBob.id('hex'), rawTx: toCarol.toHex() }] }))

    // The faucet payment toCarol spends went back to the mempool and is mined again, before it.
    assert.deepEqual(outcome.mined, [coin.txid, toCarol.id('hex')])
    assert.deepEqual(outcome.replaced, [child.id('hex'), toBob.id('hex')])
    assert.deepEqual(outcome.mempool, [])
    provesMined(toCarol, 1)
    const replaced = status(toBob)
    assert.deepEqual([replaced?.status, replaced?.competingTxs], ['REJECTED', [toCarol.id('hex')]])
    assert.equal(replaced?.merklePath, undefined)
    assert.equal(status(child)?.status, 'REJECTED')
    assert.match(status(child)?.extraInfo ?? '', /lost a double spend/)
    assert.deepEqual(ledger.unspent(bob.toAddress()), [])
    assert.deepEqual(ledger.unspent(carol.toAddress()).map((u) => [u.txid, u.height]), [[toCarol.id('hex'), 1]])
    // Sent again, the replaced tx stays what it is: its coin is spent in a block.
    assert.deepEqual(ledger.submit(toBob.toHex()), { txid: toBob.id('hex'), status: 'REJECTED' })
  })

  test('a replacement may also beat a mempool tx; what the orphaned blocks held that it does not touch waits in the mempool', async () => {
    const kept = await ledger.faucet(bob.toAddress(), 10_000)
    const bobPays = await pay(kept, carol, 9_000, bob)
    ledger.submit(bobPays.toHex())
    ledger.mine()
    // The faucet pays from the change of its last payment: this coin descends from `kept`.
    const coin = await ledger.faucet(alice.toAddress(), 30_000)
    const toBob = await pay(coin, bob, 29_000)
    ledger.submit(toBob.toHex())
    const toCarol = await pay(coin, carol, 29_500)

    const outcome = ledger.reorg(request({ blocks: 1, replace: [{ txid: toBob.id('hex'), rawTx: toCarol.toHex() }] }))

    assert.deepEqual(outcome.mined, [kept.txid, coin.txid, toCarol.id('hex')])
    assert.deepEqual(outcome.mempool, [bobPays.id('hex')])
    assert.equal(status(bobPays)?.status, 'SEEN_ON_NETWORK')
    assert.equal(status(toBob)?.status, 'REJECTED')
    provesMined(toCarol, 1)
  })

  test('a dropped tx is forgotten with what spends it: its coin is spendable again, and sending it again works', async () => {
    const coin = await ledger.faucet(alice.toAddress(), 30_000)
    const toBob = await pay(coin, bob, 29_000)
    ledger.submit(toBob.toHex())
    const child = await pay(outOf(toBob), carol, 28_000, bob)
    ledger.submit(child.toHex())
    ledger.mine()

    const outcome = ledger.reorg(request({ blocks: 1, drop: [toBob.id('hex'), child.id('hex')] }))

    assert.deepEqual(outcome.dropped, [child.id('hex'), toBob.id('hex')])
    assert.deepEqual(outcome.mempool, [coin.txid])
    for (const tx of [toBob, child]) {
      assert.equal(status(tx), null)
      assert.equal(ledger.rawTx(tx.id('hex'), true), null)
    }
    assert.deepEqual(ledger.unspent(alice.toAddress()).map((u) => u.txid), [coin.txid])
    assert.deepEqual(ledger.unspent(carol.toAddress()), [])
    assert.deepEqual(ledger.submit(toBob.toHex()), { txid: toBob.id('hex'), status: 'SEEN_ON_NETWORK' })
  })

  test('a bad request changes nothing: chain, statuses, proofs and coins stay as they were', async () => {
    const coin = await ledger.faucet(alice.toAddress(), 30_000)
    ledger.mine()
    const toBob = await pay(coin, bob, 29_000)
    ledger.submit(toBob.toHex())
    ledger.mine()
    const unrelated = await pay(await ledger.faucet(alice.toAddress(), 5_000), carol, 4_000)
    const underpaying = await pay(coin, carol, 30_000)
    const before = chainHashes()
    const txs = [coin.txid, toBob.id('hex')]
    const statuses = txs.map((txid) => status(txid))
    provesMined(toBob, 2)

    throwsWithCode(() => ledger.reorg(request({ blocks: 3 })), 400, /has 2 blocks above genesis/)
    throwsWithCode(() => ledger.reorg(request({ blocks: 1, replace: [{ txid: coin.txid, rawTx: underpaying.toHex() }] })), 400, /in block 1, which the new chain keeps; orphan 2 blocks/)
    throwsWithCode(() => ledger.reorg(request({ blocks: 1, replace: [{ txid: toBob.id('hex'), rawTx: unrelated.toHex() }] })), 400, /spends nothing that/)
    throwsWithCode(() => ledger.reorg(request({ blocks: 2, replace: [{ txid: toBob.id('hex'), rawTx: underpaying.toHex() }] })), 465, /fee/)
    throwsWithCode(() => ledger.reorg(request({ blocks: 2, replace: [{ txid: toBob.id('hex'), rawTx: 'zz' }] })), 400, /hex/)
    throwsWithCode(() => ledger.reorg(request({ blocks: 1, drop: ['ab'.repeat(32)] })), 404, /no such tx/)
    // Valid until its last part: the drop is undone with the rest.
    throwsWithCode(() => ledger.reorg(request({ blocks: 1, drop: [toBob.id('hex')], replace: [{ txid: 'cd'.repeat(32), rawTx: toBob.toHex() }] })), 404, /no such tx/)

    assert.deepEqual(chainHashes(), before)
    assert.equal(ledger.height, 2)
    assert.deepEqual(txs.map((txid) => status(txid)), statuses)
    provesMined(toBob, 2)
    assert.deepEqual(ledger.unspent(bob.toAddress()).map((u) => u.txid), [toBob.id('hex')])
  })

  test('persists: a reopened ledger has the new chain', async () => {
    const coin = await ledger.faucet(alice.toAddress(), 30_000)
    ledger.mine()
    const toCarol = await pay(coin, carol, 29_000)
    const toBob = await pay(coin, bob, 29_000)
    ledger.submit(toBob.toHex())
    ledger.mine()
    ledger.reorg(request({ blocks: 1, replace: [{ txid: toBob.id('hex'), rawTx: toCarol.toHex() }] }))
    const hashes = chainHashes()
    ledger.close()
    ledger = DevnetLedger.open({ dataDir: dir, testMode: true })
    assert.deepEqual(chainHashes(), hashes)
    provesMined(toCarol, 2)
    assert.equal(status(toBob)?.status, 'REJECTED')
  })

  test('exists only in test mode', () => {
    const plain = DevnetLedger.open({ dataDir: tempDir('devnet-plain') })
    try {
      plain.mine()
      throwsWithCode(() => plain.reorg(request({ blocks: 1 })), 403, /only in devnet test mode/)
      assert.equal(plain.height, 1)
    } finally {
      plain.close()
    }
  })
})
