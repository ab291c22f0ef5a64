// The HTTP chain clients (ArcClient, WhatsOnChainClient, HttpChain, requestFaucet) against the devnet router
// served by a real express server, with real signed transactions and a real SQLite ledger on disk.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MerklePath, PrivateKey, type Transaction } from '@bsv/sdk'
import { ArcClient } from '../../protocol/chain/arc.ts'
import { WhatsOnChainClient } from '../../protocol/chain/whatsonchain.ts'
import { HttpChain, chainEndpoints } from '../../protocol/chain/http-chain.ts'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import { DevnetLedger } from '../../devnet/ledger.ts'
import { buildSignedP2pkhTx, type SpendableOutput } from '../../devnet/p2pkh.ts'
import { rejectsWithCode, serve, type Served } from '../support/devnet.ts'

describe('devnet over HTTP', () => {
  let dir: string
  let ledger: DevnetLedger
  let served: Served
  let chain: HttpChain
  const alice = PrivateKey.fromRandom()
  const bob = PrivateKey.fromRandom()

  const fund = async (satoshis: number): Promise<SpendableOutput> => requestFaucet(served.base, alice.toAddress(), satoshis)
  const pay = (coin: SpendableOutput, satoshis: number, extra: Partial<Parameters<typeof buildSignedP2pkhTx>[0]> = {}): Promise<Transaction> =>
    buildSignedP2pkhTx({ key: alice, inputs: [coin], outputs: [{ address: bob.toAddress(), satoshis }], ...extra })
  const mine = async (): Promise<number> => {
    const res = await fetch(`${served.base}/mine`, { method: 'POST' })
    assert.equal(res.status, 200)
    return ((await res.json()) as { height: number }).height
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'devnet-http-'))
    ledger = DevnetLedger.open({ dataDir: dir })
    served = await serve(ledger)
    chain = HttpChain.forNetwork('devnet', { devnetBaseUrl: served.base })
  })
  after(async () => {
    await served.close()
    ledger.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('endpoints: devnet under the host, public ones for testnet and mainnet', () => {
    assert.deepEqual(chainEndpoints('devnet', 'http://h:1/devnet/'), { arc: 'http://h:1/devnet/arc', woc: 'http://h:1/devnet/woc/v1/bsv/devnet' })
    assert.equal(chainEndpoints('mainnet').woc, 'https://api.whatsonchain.com/v1/bsv/main')
    assert.equal(chainEndpoints('testnet').woc, 'https://api.whatsonchain.com/v1/bsv/test')
    assert.match(chainEndpoints('mainnet').arc, /^https:\/\/arc\./)
    assert.throws(() => chainEndpoints('devnet'), /devnet needs the URL/)
  })

  test('policy, health and height come from the ledger', async () => {
    assert.deepEqual(await chain.feeRate(), { satoshis: 100, bytes: 1000 })
    assert.equal(await chain.arc.health(), true)
    assert.equal(await chain.height(), ledger.height)
  })

  test('faucet funds arrive as unspent outputs with a visible tx', async () => {
    const paid = await requestFaucet(served.base, alice.toAddress(), 100_000)
    assert.equal(paid.satoshis, 100_000)
    const utxos = await chain.unspent(alice.toAddress())
    assert.ok(utxos.some((u) => u.txid === paid.txid && u.vout === paid.vout && u.satoshis === 100_000 && u.height === 0))
    assert.equal((await chain.txStatus(paid.txid))?.status, 'SEEN_ON_NETWORK')
    const raw = await chain.rawTx(paid.txid)
    assert.equal(raw, ledger.rawTx(paid.txid))
  })

  test('what spends an output, in the mempool and mined, as WhatsOnChain answers it; nothing for an unspent output or an unknown tx', async () => {
    const coin = await fund(30_000)
    assert.equal(await chain.spender(coin.txid, coin.vout), null)
    const tx = await pay(coin, 20_000, { changeAddress: alice.toAddress() })
    await chain.broadcast(tx.toHex())
    assert.deepEqual(await chain.spender(coin.txid, coin.vout), { txid: tx.id('hex'), vin: 0 })
    const unconfirmed = await (await fetch(`${served.base}/woc/v1/bsv/devnet/tx/${coin.txid}/${coin.vout}/spent`)).json()
    assert.deepEqual(unconfirmed, { txid: tx.id('hex'), vin: 0, status: 'unconfirmed' })
    ledger.mine()
    const confirmed = await (await fetch(`${served.base}/woc/v1/bsv/devnet/tx/${coin.txid}/${coin.vout}/spent`)).json()
    assert.deepEqual(confirmed, { txid: tx.id('hex'), vin: 0, status: 'confirmed' })
    assert.equal(await chain.spender(tx.id('hex'), 0), null, 'its own outputs are unspent')
    assert.equal(await chain.spender('ab'.repeat(32), 0), null)
    assert.equal((await fetch(`${served.base}/woc/v1/bsv/devnet/tx/${coin.txid}/x/spent`)).status, 400)
  })

  test('a valid P2PKH spend is accepted, then mined', async () => {
    const coin = await fund(50_000)
    const tx = await pay(coin, 20_000, { changeAddress: alice.toAddress() })
    const result = await chain.broadcast(tx.toHex())
    assert.deepEqual(result, { txid: tx.id('hex'), status: 'SEEN_ON_NETWORK' })
    // Broadcasting the same tx again is harmless.
    assert.deepEqual(await chain.broadcast(tx.toHex()), result)
    assert.equal(await chain.rawTx(tx.id('hex')), tx.toHex())
    assert.ok((await chain.unspent(bob.toAddress())).some((u) => u.txid === tx.id('hex') && u.satoshis === 20_000))
    const height = await mine()
    assert.equal(await chain.height(), height)
    const mined = await chain.txStatus(tx.id('hex'))
    assert.equal(mined?.status, 'MINED')
    assert.equal(mined?.blockHeight, height)
    assert.equal(mined?.blockHash, ledger.block(height)?.hash)
    // The merkle path leads from the tx to the root in the block's header.
    assert.equal(MerklePath.fromHex(mined!.merklePath!).computeRoot(tx.id('hex')), ledger.block(height)?.header.merkleRoot)
    const page = await (await fetch(`${served.base}/tx/${tx.id('hex')}`)).text()
    assert.match(page, new RegExp(tx.id('hex')))
    assert.match(page, /MINED/)
    assert.match(page, /20,000/)
  })

  test('a double spend fails with 466; both read DOUBLE_SPEND_ATTEMPTED until the first is mined, then the second is REJECTED', async () => {
    const coin = await fund(30_000)
    const first = await pay(coin, 10_000)
    await chain.broadcast(first.toHex())
    const conflicting = await pay(coin, 11_000)
    const err = await rejectsWithCode(chain.broadcast(conflicting.toHex()), 466, /DOUBLE_SPEND_ATTEMPTED/)
    assert.equal(err.txid, conflicting.id('hex'))
    assert.ok(err.message.includes(first.id('hex')), err.message)
    assert.deepEqual(await chain.txStatus(conflicting.id('hex')).then((s) => [s?.status, s?.competingTxs]), ['DOUBLE_SPEND_ATTEMPTED', [first.id('hex')]])
    assert.deepEqual(await chain.txStatus(first.id('hex')).then((s) => [s?.status, s?.competingTxs]), ['DOUBLE_SPEND_ATTEMPTED', [conflicting.id('hex')]])
    await mine()
    assert.equal((await chain.txStatus(first.id('hex')))?.status, 'MINED')
    const loser = await chain.txStatus(conflicting.id('hex'))
    assert.deepEqual([loser?.status, loser?.competingTxs], ['REJECTED', [first.id('hex')]])
    assert.match(loser?.extraInfo ?? '', /competing tx .* mined/)
    // Broadcasting the loser again, or a new spend of the mined-spent coin, still fails with 466.
    await rejectsWithCode(chain.broadcast(conflicting.toHex()), 466, /REJECTED/)
    await rejectsWithCode(chain.broadcast((await pay(coin, 12_000)).toHex()), 466, /already spent by .* mined in block/)
  })

  test('a bad signature is rejected by the interpreter (461)', async () => {
    const coin = await fund(30_000)
    const forged = await buildSignedP2pkhTx({ key: bob, inputs: [coin], outputs: [{ address: bob.toAddress(), satoshis: 25_000 }] })
    await rejectsWithCode(chain.broadcast(forged.toHex()), 461, /input 0/)
  })

  test('below-fee (465) and dust (464) are rejected', async () => {
    const coin = await fund(30_000)
    await rejectsWithCode(chain.broadcast((await pay(coin, 29_990)).toHex()), 465, /Fees are insufficient: fee 10 sat is below/)
    const dust = await buildSignedP2pkhTx({
      key: alice,
      inputs: [coin],
      outputs: [{ address: bob.toAddress(), satoshis: 0 }, { address: alice.toAddress(), satoshis: 29_000 }],
    })
    await rejectsWithCode(chain.broadcast(dust.toHex()), 464, /dust/)
  })

  test('a tx with nLockTime = height + 2 and nSequence 0 waits for two blocks', async () => {
    const coin = await fund(30_000)
    const lockTime = (await chain.height()) + 2
    const tx = await pay(coin, 29_000, { lockTime, sequence: 0 })
    await rejectsWithCode(chain.broadcast(tx.toHex()), 463, /non-final/)
    await mine()
    await rejectsWithCode(chain.broadcast(tx.toHex()), 463, /non-final/)
    await mine()
    assert.equal((await chain.broadcast(tx.toHex())).status, 'SEEN_ON_NETWORK')
  })

  test('the WhatsOnChain broadcast route and a raw-bytes ARC body work too', async () => {
    const coin = await fund(30_000)
    const tx = await pay(coin, 25_000)
    const res = await fetch(`${served.base}/woc/v1/bsv/devnet/tx/raw`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ txhex: tx.toHex() }),
    })
    assert.equal(res.status, 200)
    assert.equal(await res.json(), tx.id('hex'))
    const again = await fetch(`${served.base}/arc/v1/tx`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array(tx.toBinary()),
    })
    assert.equal(again.status, 200)
    assert.equal(((await again.json()) as { txid: string }).txid, tx.id('hex'))
  })

  test('unknown txs are null, not errors', async () => {
    const unknown = 'cd'.repeat(32)
    assert.equal(await chain.txStatus(unknown), null)
    assert.equal(await chain.rawTx(unknown), null)
    assert.deepEqual(await chain.unspent(PrivateKey.fromRandom().toAddress()), [])
  })

  test('garbage gets a 400 with a message, never a crash', async () => {
    const post = (path: string, body: string, type: string) =>
      fetch(`${served.base}${path}`, { method: 'POST', headers: { 'Content-Type': type }, body })
    for (const [path, body, type] of [
      ['/arc/v1/tx', 'hello', 'text/plain'],
      ['/arc/v1/tx', '{"rawTx": 5', 'application/json'],
      ['/arc/v1/tx', '{"nope": "0100"}', 'application/json'],
      ['/arc/v1/tx', '01000000', 'text/plain'],
      ['/woc/v1/bsv/devnet/tx/raw', '[]', 'application/json'],
      ['/faucet', '{"address": "1abc", "satoshis": 5}', 'application/json'],
      ['/faucet', `{"address": "${alice.toAddress()}", "satoshis": -5}`, 'application/json'],
      ['/faucet', 'not json', 'application/json'],
    ] as const) {
      const res = await post(path, body, type)
      assert.equal(res.status, 400, `${path} ${body}`)
      const answer = (await res.json()) as { extraInfo?: string; error?: string }
      assert.ok((answer.extraInfo ?? answer.error ?? '').length > 5, `${path} ${body} explains itself`)
    }
    assert.equal((await fetch(`${served.base}/woc/v1/bsv/devnet/tx/xyz/hex`)).status, 400)
    assert.equal((await fetch(`${served.base}/woc/v1/bsv/devnet/address/0OIl/unspent/all`)).status, 400)
    assert.equal((await fetch(`${served.base}/arc/v1/tx/${'z'.repeat(64)}`)).status, 400)
    assert.equal((await fetch(`${served.base}/tx/nope`)).status, 400)
    await rejectsWithCode(chain.broadcast('00'), 400, /not a transaction/)
    // Still serving after all that.
    assert.equal(await chain.arc.health(), true)
  })

  test('the faucet is rate limited per client', async () => {
    const limited = await serve(ledger, { faucetPerMinute: 2 })
    try {
      await requestFaucet(limited.base, bob.toAddress(), 1000)
      await requestFaucet(limited.base, bob.toAddress(), 1000)
      await rejectsWithCode(requestFaucet(limited.base, bob.toAddress(), 1000), 429, /rate limit/)
    } finally {
      await limited.close()
    }
  })

  test('an unreachable ledger: code 0 naming the URL; feeRate falls back to 100 sat/kB', async () => {
    const dead = await serve(ledger)
    await dead.close()
    const deadChain = HttpChain.forNetwork('devnet', { devnetBaseUrl: dead.base, timeoutMs: 2000 })
    const err = await rejectsWithCode(deadChain.broadcast('00'), 0)
    assert.ok(err.message.includes(`${dead.base}/arc/v1/tx`), err.message)
    assert.match(err.message, /Check the URL/)
    await rejectsWithCode(deadChain.height(), 0, /WhatsOnChain/)
    assert.deepEqual(await deadChain.feeRate(), { satoshis: 100, bytes: 1000 })
    assert.equal(await new ArcClient({ baseUrl: `${dead.base}/arc` }).health(), false)
    await rejectsWithCode(requestFaucet(dead.base, alice.toAddress(), 1000), 0)
  })

  test('a restart keeps height, utxos and txs', async () => {
    const woc = new WhatsOnChainClient({ baseUrl: chainEndpoints('devnet', served.base).woc })
    const height = await woc.height()
    const utxos = await woc.unspent(alice.toAddress())
    const someTxid = utxos[0].txid
    const raw = await woc.rawTx(someTxid)
    await served.close()
    ledger.close()

    ledger = DevnetLedger.open({ dataDir: dir })
    served = await serve(ledger)
    chain = HttpChain.forNetwork('devnet', { devnetBaseUrl: served.base })
    assert.equal(await chain.height(), height)
    assert.deepEqual(await chain.unspent(alice.toAddress()), utxos)
    assert.equal(await chain.rawTx(someTxid), raw)
    // And the chain keeps working: spend a pre-restart coin.
    const coin = utxos.find((u) => u.satoshis > 5000)!
    const tx = await pay(coin, coin.satoshis - 1000)
    assert.equal((await chain.broadcast(tx.toHex())).status, 'SEEN_ON_NETWORK')
  })
})
