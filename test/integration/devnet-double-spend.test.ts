// The devnet's test-mode miner: a conflicting tx wins over a mempool tx, as a miner may choose. The loser and what
// spends it leave the mempool; the loser reads DOUBLE_SPEND_ATTEMPTED, then REJECTED once the winner is mined, with
// the winner as competingTxs, through ARC and through @bsv/sdk's own broadcaster. Off unless asked for.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ARC, isBroadcastFailure, PrivateKey, Transaction } from '@bsv/sdk'
import { ArcClient } from '../../protocol/chain/arc.ts'
import { buildSignedP2pkhTx, type SpendableOutput } from '../../devnet/p2pkh.ts'
import { rejectsWithCode, startTestDevnet, type TestDevnet } from '../support/devnet.ts'
import { startTestHost } from '../support/host.ts'

const force = (base: string, body: unknown) =>
  fetch(`${base}/test/double-spend`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })

describe('a forced double spend (devnet test mode)', () => {
  let devnet: TestDevnet
  let arc: ArcClient
  const alice = PrivateKey.fromRandom()
  const bob = PrivateKey.fromRandom()
  const carol = PrivateKey.fromRandom()
  const pay = (input: SpendableOutput, to: PrivateKey, satoshis: number, key = alice) =>
    buildSignedP2pkhTx({ key, inputs: [input], outputs: [{ address: to.toAddress(), satoshis }] })

  before(async () => {
    devnet = await startTestDevnet({ testMode: true })
    arc = new ArcClient({ baseUrl: `${devnet.base}/arc` })
  })
  after(() => devnet.close())

  test('the conflicting tx takes the mempool tx\'s place; once mined, the loser is REJECTED and its child is gone', async () => {
    const coin = await devnet.ledger.faucet(alice.toAddress(), 30_000)
    const loser = await pay(coin, bob, 29_000)
    const child = await pay({ txid: loser.id('hex'), vout: 0, satoshis: 29_000 }, carol, 28_000, bob)
    await arc.broadcast(loser.toHex())
    await arc.broadcast(child.toHex())
    const winner = await pay(coin, carol, 29_500)

    const res = await force(devnet.base, { rawTx: winner.toHex() })
    assert.equal(res.status, 200)
    // Until one is mined, ARC shows both sides of a double spend as DOUBLE_SPEND_ATTEMPTED.
    assert.deepEqual(await res.json(), { txid: winner.id('hex'), txStatus: 'DOUBLE_SPEND_ATTEMPTED' })
    assert.deepEqual((await arc.txStatus(winner.id('hex')))?.competingTxs, [loser.id('hex')])
    const before = await arc.txStatus(loser.id('hex'))
    assert.deepEqual([before?.status, before?.competingTxs], ['DOUBLE_SPEND_ATTEMPTED', [winner.id('hex')]])
    const orphaned = await arc.txStatus(child.id('hex'))
    assert.equal(orphaned?.status, 'REJECTED')
    assert.match(orphaned?.extraInfo ?? '', new RegExp(`spends an output of ${loser.id('hex')}, which lost a double spend`))
    // The loser's coins are no one's now: bob's and carol's views hold only what the winner paid.
    assert.deepEqual(devnet.ledger.unspent(bob.toAddress()), [])
    assert.deepEqual(devnet.ledger.unspent(carol.toAddress()).map((u) => u.txid), [winner.id('hex')])

    devnet.ledger.mine()
    assert.equal((await arc.txStatus(winner.id('hex')))?.status, 'MINED')
    const after = await arc.txStatus(loser.id('hex'))
    assert.deepEqual([after?.status, after?.competingTxs], ['REJECTED', [winner.id('hex')]])
    assert.match(after?.extraInfo ?? '', new RegExp(`competing tx ${winner.id('hex')} mined`))
    // Software we did not write sees the loser as a failure too.
    const sdk = await new ARC(`${devnet.base}/arc`).broadcast(Transaction.fromHex(loser.toHex()))
    assert.ok(isBroadcastFailure(sdk))
    assert.equal(sdk.code, 'REJECTED')
    await rejectsWithCode(arc.broadcast(loser.toHex()), 466, /REJECTED/)
  })

  test('a loser already seen can be made the winner; "mine": true mines it at once', async () => {
    const coin = await devnet.ledger.faucet(alice.toAddress(), 30_000)
    const first = await pay(coin, bob, 29_000)
    const second = await pay(coin, carol, 29_000)
    await arc.broadcast(first.toHex())
    await rejectsWithCode(arc.broadcast(second.toHex()), 466, /DOUBLE_SPEND_ATTEMPTED/)
    const res = await force(devnet.base, { rawTx: second.toHex(), mine: true })
    assert.deepEqual(await res.json(), { txid: second.id('hex'), txStatus: 'MINED', height: devnet.ledger.height })
    assert.equal((await arc.txStatus(first.id('hex')))?.status, 'REJECTED')
  })

  test('it refuses what no miner could do: nothing to conflict with, or a rival already mined', async () => {
    const coin = await devnet.ledger.faucet(alice.toAddress(), 30_000)
    const lone = await pay(coin, bob, 29_000)
    const nothing = await force(devnet.base, { rawTx: lone.toHex() })
    assert.equal(nothing.status, 400)
    assert.match(((await nothing.json()) as { error: string }).error, /conflicts with no mempool tx/)
    devnet.ledger.submit(lone.toHex())
    devnet.ledger.mine()
    const late = await force(devnet.base, { rawTx: (await pay(coin, carol, 29_000)).toHex() })
    assert.equal(late.status, 466)
    assert.match(((await late.json()) as { error: string }).error, /already mined/)
  })

  test('off by default: no route, and the ledger refuses', async () => {
    const plain = await startTestDevnet()
    try {
      assert.equal((await force(plain.base, { rawTx: '00' })).status, 404)
      assert.throws(() => plain.ledger.forceConflict('00'), /only in devnet test mode/)
    } finally {
      await plain.close()
    }
  })

  test('a host turns it on with devnetTestMode (--devnet-test-mode); without it, its devnet has no such route', async () => {
    const testing = await startTestHost({ devnetTestMode: true })
    const normal = await startTestHost()
    try {
      assert.equal(testing.ledger?.testMode, true)
      assert.equal((await force(`${testing.url}/devnet`, {})).status, 400)
      assert.equal(normal.ledger?.testMode, false)
      assert.equal((await force(`${normal.url}/devnet`, {})).status, 404)
    } finally {
      await testing.dispose()
      await normal.dispose()
    }
  })
})
