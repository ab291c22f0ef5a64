// The forms a tx travels in (raw, Extended Format, BEEF), checked against @bsv/sdk's own serializations, and the
// chain client sending Extended Format to a real devnet whenever it is given the parents.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Beef, PrivateKey, Transaction } from '@bsv/sdk'
import { HttpChain } from '../../protocol/chain/http-chain.ts'
import { toExtendedFormat, txFormatOf } from '../../protocol/chain/tx-formats.ts'
import { hexToBytes } from '../../protocol/raw-tx.ts'
import { buildSignedP2pkhTx } from '../../devnet/p2pkh.ts'
import { startTestDevnet, type TestDevnet } from '../support/devnet.ts'

describe('transaction formats', () => {
  let devnet: TestDevnet
  const alice = PrivateKey.fromRandom()
  let parents: Transaction[]
  let spend: Transaction

  before(async () => {
    devnet = await startTestDevnet()
    const coins = [await devnet.ledger.faucet(alice.toAddress(), 20_000), await devnet.ledger.faucet(alice.toAddress(), 30_000)]
    parents = coins.map((c) => Transaction.fromHex(devnet.ledger.rawTx(c.txid)!))
    spend = await buildSignedP2pkhTx({ key: alice, inputs: coins, outputs: [{ address: alice.toAddress(), satoshis: 49_000 }] })
  })
  after(() => devnet.close())

  test('tells raw, Extended Format and every BEEF version apart by their first bytes', () => {
    const withSources = Transaction.fromHex(spend.toHex())
    withSources.inputs.forEach((input, i) => (input.sourceTransaction = parents[i]))
    const v2 = new Beef()
    v2.mergeTransaction(withSources)
    assert.equal(txFormatOf(hexToBytes(spend.toHex())), 'raw')
    assert.equal(txFormatOf(hexToBytes(withSources.toHexEF())), 'ef')
    assert.equal(txFormatOf(new Uint8Array(withSources.toBEEF(true))), 'beef')
    assert.equal(txFormatOf(new Uint8Array(withSources.toAtomicBEEF(true))), 'beef')
    assert.equal(txFormatOf(new Uint8Array(v2.toBinary())), 'beef')
    assert.equal(txFormatOf(new Uint8Array([1, 0])), 'raw')
  })

  test('toExtendedFormat gives the SDK\'s own EF, whatever the order of the parents, ignoring extra ones', () => {
    const withSources = Transaction.fromHex(spend.toHex())
    withSources.inputs.forEach((input, i) => (input.sourceTransaction = parents[i]))
    const stranger = Transaction.fromHex(devnet.ledger.rawTx(devnet.ledger.unspent(devnet.ledger.faucetAddress)[0].txid)!)
    const ef = toExtendedFormat(spend.toHex(), [stranger.toHex(), parents[1].toHex(), parents[0].toHex()])
    assert.equal(ef, withSources.toHexEF())
    assert.equal(Transaction.fromHexEF(ef).id('hex'), spend.id('hex'))
  })

  test('toExtendedFormat names the input whose parent is missing, or lacks the output', () => {
    assert.throws(() => toExtendedFormat(spend.toHex(), [parents[0].toHex()]), /input 1 spends .*:0, but that transaction is not among the parents given/)
    const short = new Transaction(1, parents[1].inputs, [], 0)
    const inputs = Transaction.fromHex(spend.toHex()).inputs
    inputs[1].sourceTXID = short.id('hex')
    const tx = new Transaction(spend.version, inputs, spend.outputs, spend.lockTime)
    assert.throws(() => toExtendedFormat(tx.toHex(), [parents[0].toHex(), short.toHex()]), /input 1 .* has only 0 outputs/)
  })

  test('HttpChain.broadcast sends Extended Format when given the parents, raw otherwise; the devnet takes both', async () => {
    const sent: string[] = []
    const recording: typeof fetch = async (input, init) => {
      if (init?.method === 'POST') sent.push((JSON.parse(String(init.body)) as { rawTx: string }).rawTx)
      return fetch(input, init)
    }
    const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl: devnet.base, fetch: recording })
    const result = await chain.broadcast(spend.toHex(), { parents: parents.map((p) => p.toHex()) })
    assert.deepEqual(result, { txid: spend.id('hex'), status: 'SEEN_ON_NETWORK' })
    assert.equal(txFormatOf(hexToBytes(sent[0])), 'ef')
    const coin = await devnet.ledger.faucet(alice.toAddress(), 5000)
    const plain = await buildSignedP2pkhTx({ key: alice, inputs: [coin], outputs: [{ address: alice.toAddress(), satoshis: 4000 }] })
    assert.equal((await chain.broadcast(plain.toHex())).status, 'SEEN_ON_NETWORK')
    assert.equal(sent[1], plain.toHex())
    await assert.rejects(chain.broadcast(plain.toHex(), { parents: [spend.toHex()] }), /not among the parents given/)
  })
})
