// Devnet blocks against @bsv/sdk's MerklePath (an implementation we did not write): roots, BUMPs and TSC nodes for
// blocks of every shape; real 80-byte headers that meet their own proof of work; and a data folder from before headers.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { MerklePath, PrivateKey, type ChainTracker } from '@bsv/sdk'
import { merkleLevels, merklePathOf, merkleRootOf, tscNodesOf } from '../../devnet/merkle.ts'
import {
  coinbaseTx, DEVNET_BITS, headerHash, medianTimePast, meetsTarget, mineHeader, nextBlockTime, parseHeader, serializeHeader, targetOf,
} from '../../devnet/block-header.ts'
import { DevnetLedger } from '../../devnet/ledger.ts'
import { buildSignedP2pkhTx } from '../../devnet/p2pkh.ts'
import { tempDir } from '../support/host.ts'

const fakeTxids = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => createHash('sha256').update(`tx ${n} ${i}`).digest('hex'))

/** A chain tracker that knows one root: what MerklePath.verify asks a real one. */
const trackerFor = (root: string, height: number): ChainTracker => ({
  isValidRootForHeight: async (r, h) => r === root && h === height,
  currentHeight: async () => height + 1,
})

describe('merkle trees', () => {
  test('the root matches the SDK\'s for blocks of 1 to 33 txs, and every BUMP and TSC proof leads to it', async () => {
    for (let n = 1; n <= 33; n++) {
      const txids = fakeTxids(n)
      const levels = merkleLevels(txids)
      const root = merkleRootOf(levels)
      // The SDK's own computation over the whole block, all txids at level 0.
      const whole = new MerklePath(7, [txids.map((hash, offset) => ({ offset, hash, txid: true }))])
      assert.equal(whole.computeRoot(txids[0]), root, `root of ${n}`)
      for (let i = 0; i < n; i++) {
        const bump = merklePathOf(levels, i, 7)
        const parsed = MerklePath.fromHex(bump.toHex())
        assert.equal(parsed.blockHeight, 7)
        assert.equal(parsed.computeRoot(txids[i]), root, `BUMP of ${i} in ${n}`)
        if (i > 0) assert.equal(await parsed.verify(txids[i], trackerFor(root, 7)), true)
        // TSC: fold the nodes up, left or right by the index's bits.
        const folded = tscNodesOf(levels, i).reduce((hash, node, height) => {
          const [left, right] = ((i >> height) & 1) === 0 ? [hash, node] : [node, hash]
          const pair = Buffer.concat([Buffer.from(left, 'hex').reverse(), Buffer.from(right, 'hex').reverse()])
          return createHash('sha256').update(createHash('sha256').update(pair).digest()).digest().reverse().toString('hex')
        }, txids[i])
        assert.equal(folded, root, `TSC of ${i} in ${n}`)
      }
    }
  })

  test('a BUMP does not prove a tx it does not hold, nor lead to another block\'s root', async () => {
    const txids = fakeTxids(6)
    const bump = merklePathOf(merkleLevels(txids), 3, 2)
    assert.throws(() => bump.computeRoot(txids[0]), /not found/)
    assert.equal(await bump.verify(txids[3], trackerFor(merkleRootOf(merkleLevels(fakeTxids(5))), 2)), false)
  })
})

describe('block headers', () => {
  test('80 bytes that read back, hash by double SHA-256 and meet their own target', () => {
    const { header, hex, hash } = mineHeader({ version: 0x20000000, prevHash: 'ab'.repeat(32), merkleRoot: 'cd'.repeat(32), time: 1_700_000_000, bits: DEVNET_BITS })
    const bytes = Buffer.from(hex, 'hex')
    assert.equal(bytes.length, 80)
    assert.deepEqual(parseHeader(hex), header)
    assert.equal(serializeHeader(header).toString('hex'), hex)
    assert.equal(hash, createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest().reverse().toString('hex'))
    assert.equal(headerHash(bytes), hash)
    assert.ok(meetsTarget(hash, DEVNET_BITS))
    // The previous hash and merkle root sit reversed (internal byte order) at bytes 4 and 36.
    assert.equal(bytes.subarray(4, 36).toString('hex'), 'ab'.repeat(32))
    assert.equal(Buffer.from(bytes.subarray(36, 68)).reverse().toString('hex'), 'cd'.repeat(32))
    // Bitcoin's own difficulty-1 target, as a check on the compact decoding.
    assert.equal(targetOf(0x1d00ffff), 0xffffn << 208n)
  })

  test('block times stay above the median of the last eleven', () => {
    assert.equal(medianTimePast([5, 1, 3]), 3)
    assert.equal(medianTimePast(Array.from({ length: 20 }, (_, i) => i)), 14)
    assert.equal(nextBlockTime(100, [100, 100, 100]), 101)
    assert.equal(nextBlockTime(500, [100, 100, 100]), 500)
  })

  test('each coinbase carries its height (BIP34), so no two are alike', () => {
    assert.notEqual(coinbaseTx(1).id('hex'), coinbaseTx(2).id('hex'))
    assert.deepEqual(coinbaseTx(300).inputs[0].unlockingScript!.chunks[0].data, [0x2c, 0x01])
    assert.equal(coinbaseTx(1).inputs[0].sourceOutputIndex, 0xffffffff)
  })
})

describe('the ledger\'s blocks', () => {
  test('each block: coinbase first, a header over its txs, linked to the one before', async () => {
    const dir = tempDir('devnet-blocks')
    const ledger = DevnetLedger.open({ dataDir: dir })
    try {
      const paid = await ledger.faucet(PrivateKey.fromRandom().toAddress(), 5000)
      ledger.mine()
      ledger.mine()
      const [two, one, zero] = ledger.recentBlocks(3)
      assert.deepEqual([two.height, one.height, zero.height], [2, 1, 0])
      assert.equal(one.header.prevHash, zero.hash)
      assert.equal(two.header.prevHash, one.hash)
      assert.equal(zero.header.prevHash, '0'.repeat(64))
      assert.equal(one.txCount, 2)
      assert.equal(two.txCount, 1, 'an empty block still holds its coinbase')
      const proof = ledger.proofOf(paid.txid)!
      assert.deepEqual([proof.blockHeight, proof.index, proof.blockHash], [1, 1, one.hash])
      assert.equal(proof.merklePath.computeRoot(paid.txid), one.header.merkleRoot)
      for (const block of [zero, one, two]) assert.equal(headerHash(Buffer.from(block.headerHex, 'hex')), block.hash)
      assert.equal(ledger.blockByHash(one.hash)?.height, 1)
    } finally {
      ledger.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a data folder from before real headers opens with every block rebuilt, and keeps its coins', async () => {
    const dir = tempDir('devnet-old')
    const alice = PrivateKey.fromRandom()
    const fresh = DevnetLedger.open({ dataDir: dir })
    const paid = await fresh.faucet(alice.toAddress(), 40_000)
    fresh.mine()
    const spend = await buildSignedP2pkhTx({ key: alice, inputs: [paid], outputs: [{ address: alice.toAddress(), satoshis: 39_000 }] })
    fresh.submit(spend.toHex())
    fresh.mine()
    fresh.mine()
    fresh.close()
    // Turn it into what the previous devnet wrote: no coinbases, no headers, no block positions.
    const db = new Database(join(dir, 'devnet.sqlite'))
    db.exec(`
      DELETE FROM outputs WHERE txid IN (SELECT txid FROM txs WHERE block_pos = 0 AND block_height > 0);
      DELETE FROM txs WHERE block_pos = 0 AND block_height > 0;
      UPDATE blocks SET hash = lower(hex(randomblob(32)));
      ALTER TABLE blocks DROP COLUMN header;
      ALTER TABLE txs DROP COLUMN block_pos;
    `)
    db.close()
    const upgraded = DevnetLedger.open({ dataDir: dir })
    try {
      assert.equal(upgraded.height, 3)
      assert.deepEqual(upgraded.recentBlocks(4).map((b) => b.txCount), [1, 2, 2, 1])
      const status = upgraded.txStatus(spend.id('hex'))!
      assert.equal(status.blockHeight, 2)
      assert.equal(MerklePath.fromHex(status.merklePath!).computeRoot(spend.id('hex')), upgraded.block(2)?.header.merkleRoot)
      assert.equal(upgraded.block(3)?.header.prevHash, upgraded.block(2)?.hash)
      assert.deepEqual(upgraded.unspent(alice.toAddress()).map((u) => [u.txid, u.satoshis]), [[spend.id('hex'), 39_000]])
      assert.equal(upgraded.mine(), 4)
    } finally {
      upgraded.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
