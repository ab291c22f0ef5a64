// The devnet ledger on a real SQLite file, with real signed transactions through the real script interpreter.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LockingScript, PrivateKey, Script, Transaction, TransactionSignature, UnlockingScript, Hash } from '@bsv/sdk'
import { DevnetLedger } from '../../devnet/ledger.ts'
import { buildSignedP2pkhTx } from '../../devnet/p2pkh.ts'
import { feeFor } from '../../protocol/fees.ts'
import { checkTransaction, isFinalAtHeight } from '../../devnet/validate.ts'
import { startMiner } from '../../devnet/miner.ts'
import { throwsWithCode } from '../support/devnet.ts'

/** Signs input 0 of `tx` (SIGHASH_ALL|FORKID) against `lockingScript` worth `satoshis`: checksig format bytes. */
function signInput(tx: Transaction, key: PrivateKey, lockingScript: Script, satoshis: number): number[] {
  const scope = TransactionSignature.SIGHASH_ALL | TransactionSignature.SIGHASH_FORKID
  const preimage = TransactionSignature.format({
    sourceTXID: tx.inputs[0].sourceTXID!,
    sourceOutputIndex: tx.inputs[0].sourceOutputIndex,
    sourceSatoshis: satoshis,
    transactionVersion: tx.version,
    otherInputs: [],
    inputIndex: 0,
    outputs: tx.outputs,
    inputSequence: tx.inputs[0].sequence!,
    subscript: lockingScript,
    lockTime: tx.lockTime,
    scope,
  })
  const sig = key.sign(Hash.sha256(preimage))
  return new TransactionSignature(sig.r, sig.s, scope).toChecksigFormat()
}

describe('DevnetLedger', () => {
  let dir: string
  let ledger: DevnetLedger
  const alice = PrivateKey.fromRandom()
  const bob = PrivateKey.fromRandom()

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'devnet-ledger-'))
    ledger = DevnetLedger.open({ dataDir: dir })
  })
  after(() => {
    ledger.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('starts at height 0 with a funded faucet', () => {
    assert.equal(ledger.height, 0)
    const coins = ledger.unspent(ledger.faucetAddress)
    assert.equal(coins.length, 1)
    assert.ok(coins[0].satoshis > 1e12)
  })

  test('faucet pays a real tx that shows up as an unspent output', async () => {
    const paid = await ledger.faucet(alice.toAddress(), 50_000)
    assert.equal(paid.satoshis, 50_000)
    const utxos = ledger.unspent(alice.toAddress())
    assert.deepEqual(utxos.map((u) => [u.txid, u.vout, u.satoshis, u.height]), [[paid.txid, paid.vout, 50_000, 0]])
    assert.equal(ledger.txStatus(paid.txid)?.status, 'SEEN_ON_NETWORK')
    // The testnet-prefixed address names the same key hash.
    assert.equal(ledger.unspent(alice.toAddress('testnet')).length, 1)
  })

  test('concurrent faucet payments do not collide on the faucet coin', async () => {
    const payments = await Promise.all([1, 2, 3].map((n) => ledger.faucet(bob.toAddress(), 1000 * n)))
    assert.equal(new Set(payments.map((p) => p.txid)).size, 3)
    assert.equal(ledger.unspent(bob.toAddress()).reduce((s, u) => s + u.satoshis, 0), 6000)
  })

  test('faucet refuses more than its cap and bad addresses', async () => {
    await assert.rejects(ledger.faucet(alice.toAddress(), 10_000_001), /between 1 and 10000000/)
    await assert.rejects(ledger.faucet('not-an-address', 1000), /not a P2PKH address/)
  })

  test('accepts a valid spend of an unconfirmed output, idempotently, and mines it', async () => {
    const [coin] = ledger.unspent(alice.toAddress())
    const tx = await buildSignedP2pkhTx({
      key: alice,
      inputs: [coin],
      outputs: [{ address: bob.toAddress(), satoshis: 10_000 }],
      changeAddress: alice.toAddress(),
    })
    const first = ledger.submit(tx.toHex())
    assert.deepEqual(first, { txid: tx.id('hex'), status: 'SEEN_ON_NETWORK' })
    assert.deepEqual(ledger.submit(tx.toHex()), first)
    assert.equal(ledger.rawTx(tx.id('hex')), tx.toHex())
    const height = ledger.mine()
    assert.equal(height, 1)
    const status = ledger.txStatus(tx.id('hex'))
    assert.equal(status?.status, 'MINED')
    assert.equal(status?.blockHeight, 1)
    assert.deepEqual(ledger.submit(tx.toHex()), { txid: tx.id('hex'), status: 'MINED' })
    assert.equal(ledger.unspent(alice.toAddress()).every((u) => u.height === 1), true)
  })

  test('a double spend of a mempool tx is DOUBLE_SPEND_ATTEMPTED and spends nothing; of a mined one, refused with 466', async () => {
    const paid = await ledger.faucet(alice.toAddress(), 20_000)
    const spend = (to: PrivateKey) =>
      buildSignedP2pkhTx({ key: alice, inputs: [paid], outputs: [{ address: to.toAddress(), satoshis: 15_000 }], changeAddress: alice.toAddress() })
    const first = await spend(bob)
    ledger.submit(first.toHex())
    const conflicting = await spend(PrivateKey.fromRandom())
    assert.deepEqual(ledger.submit(conflicting.toHex()), { txid: conflicting.id('hex'), status: 'DOUBLE_SPEND_ATTEMPTED' })
    assert.deepEqual(ledger.txStatus(conflicting.id('hex'))?.competingTxs, [first.id('hex')])
    // The loser holds no outputs; the ledger's tx list (WhatsOnChain's view) does not have it.
    assert.equal(ledger.outputsOf(conflicting.id('hex')).length, 0)
    assert.equal(ledger.rawTx(conflicting.id('hex')), null)
    assert.equal(ledger.rawTx(conflicting.id('hex'), true), conflicting.toHex())
    ledger.mine()
    assert.equal(ledger.txStatus(first.id('hex'))?.extraInfo, 'previously double spend attempted')
    const late = await spend(PrivateKey.fromRandom())
    throwsWithCode(() => ledger.submit(late.toHex()), 466, /already spent by .* mined in block/)
  })

  test('rejects a spend of an unknown output with 460', async () => {
    const tx = await buildSignedP2pkhTx({
      key: alice,
      inputs: [{ txid: 'ab'.repeat(32), vout: 0, satoshis: 10_000 }],
      outputs: [{ address: bob.toAddress(), satoshis: 9_000 }],
    })
    throwsWithCode(() => ledger.submit(tx.toHex()), 460, /does not know/)
  })

  test('rejects a signature by the wrong key through the interpreter (461)', async () => {
    const paid = await ledger.faucet(alice.toAddress(), 20_000)
    const forged = await buildSignedP2pkhTx({ key: bob, inputs: [paid], outputs: [{ address: bob.toAddress(), satoshis: 15_000 }] })
    throwsWithCode(() => ledger.submit(forged.toHex()), 461, /input 0/)
  })

  test('rejects a signature over different outputs (tampered after signing)', async () => {
    const paid = await ledger.faucet(alice.toAddress(), 20_000)
    const tx = await buildSignedP2pkhTx({ key: alice, inputs: [paid], outputs: [{ address: alice.toAddress(), satoshis: 15_000 }] })
    const toBob = await buildSignedP2pkhTx({ key: alice, inputs: [paid], outputs: [{ address: bob.toAddress(), satoshis: 15_000 }] })
    // Alice's signature over "pay alice", grafted onto "pay bob".
    const tampered = new Transaction(1, tx.inputs, toBob.outputs, 0)
    throwsWithCode(() => ledger.submit(tampered.toHex()), 461, /input 0/)
  })

  test('rejects a fee below the policy rate (465)', async () => {
    const paid = await ledger.faucet(alice.toAddress(), 20_000)
    const tx = await buildSignedP2pkhTx({ key: alice, inputs: [paid], outputs: [{ address: bob.toAddress(), satoshis: 19_999 }] })
    throwsWithCode(() => ledger.submit(tx.toHex()), 465, /below/)
    // The same spend paying exactly the policy fee is accepted.
    const exact = await buildSignedP2pkhTx({ key: alice, inputs: [paid], outputs: [{ address: bob.toAddress(), satoshis: 20_000 - feeFor(tx.toBinary().length + 3, ledger.feeRate) }] })
    assert.equal(ledger.submit(exact.toHex()).status, 'SEEN_ON_NETWORK')
  })

  test('rejects a 0-sat spendable output but allows a 0-sat OP_RETURN (464)', async () => {
    const paid = await ledger.faucet(alice.toAddress(), 20_000)
    const dust = await buildSignedP2pkhTx({
      key: alice,
      inputs: [paid],
      outputs: [{ address: bob.toAddress(), satoshis: 0 }, { address: alice.toAddress(), satoshis: 19_000 }],
    })
    throwsWithCode(() => ledger.submit(dust.toHex()), 464, /dust/)
    const data = await buildSignedP2pkhTx({
      key: alice,
      inputs: [paid],
      outputs: [{ lockingScriptHex: '006a0568656c6c6f', satoshis: 0 }, { address: alice.toAddress(), satoshis: 19_000 }],
    })
    assert.equal(ledger.submit(data.toHex()).status, 'SEEN_ON_NETWORK')
  })

  test('holds a height-timelocked tx until its block', async () => {
    const paid = await ledger.faucet(alice.toAddress(), 20_000)
    const lockTime = ledger.height + 2
    const tx = await buildSignedP2pkhTx({
      key: alice,
      inputs: [paid],
      outputs: [{ address: bob.toAddress(), satoshis: 19_000 }],
      lockTime,
      sequence: 0,
    })
    throwsWithCode(() => ledger.submit(tx.toHex()), 463, /non-final/)
    ledger.mine()
    throwsWithCode(() => ledger.submit(tx.toHex()), 463, /non-final/)
    ledger.mine()
    assert.equal(ledger.height, lockTime)
    assert.equal(ledger.submit(tx.toHex()).status, 'SEEN_ON_NETWORK')
  })

  test('garbage is a 400, not a crash', () => {
    throwsWithCode(() => ledger.submit('zz'), 400, /hex/)
    throwsWithCode(() => ledger.submit('0100'), 400, /not a transaction/)
    const [coin] = ledger.unspent(ledger.faucetAddress)
    const raw = ledger.rawTx(coin.txid)!
    throwsWithCode(() => ledger.submit(raw + '00'), 400, /left over/)
  })

  test('accepts the channel construction: 2-of-2 funding, then a timelocked co-signed spend of it', async () => {
    const payer = alice
    const payee = bob
    const coin = await ledger.faucet(payer.toAddress(), 100_000)
    const multisig = `5221${payer.toPublicKey().toString()}21${payee.toPublicKey().toString()}52ae`
    const funding = await buildSignedP2pkhTx({
      key: payer,
      inputs: [coin],
      outputs: [{ lockingScriptHex: multisig, satoshis: 60_000 }],
      changeAddress: payer.toAddress(),
    })
    ledger.submit(funding.toHex())
    const lockTime = ledger.height + 1
    const refund = new Transaction(
      1,
      [{ sourceTXID: funding.id('hex'), sourceOutputIndex: 0, sequence: 0 }],
      [{ lockingScript: funding.outputs[1].lockingScript, satoshis: 59_000 }],
      lockTime,
    )
    const lock = new LockingScript(Script.fromHex(multisig).chunks)
    const payerSig = signInput(refund, payer, lock, 60_000)
    const payeeSig = signInput(refund, payee, lock, 60_000)
    // Signatures in the wrong order fail CHECKMULTISIG.
    refund.inputs[0].unlockingScript = new UnlockingScript([{ op: 0 }, { op: payeeSig.length, data: payeeSig }, { op: payerSig.length, data: payerSig }])
    const swapped = new Transaction(1, refund.inputs, refund.outputs, lockTime)
    throwsWithCode(() => ledger.submit(swapped.toHex()), 463, /non-final/)
    ledger.mine()
    throwsWithCode(() => ledger.submit(swapped.toHex()), 461, /input 0/)
    refund.inputs[0].unlockingScript = new UnlockingScript([{ op: 0 }, { op: payerSig.length, data: payerSig }, { op: payeeSig.length, data: payeeSig }])
    const good = new Transaction(1, refund.inputs, refund.outputs, lockTime)
    assert.equal(ledger.submit(good.toHex()).status, 'SEEN_ON_NETWORK')
  })

  test('the miner advances the height on its own and stops when told', async () => {
    assert.throws(() => startMiner(ledger, { intervalMs: 0 }), /positive interval/)
    const start = ledger.height
    const stop = startMiner(ledger, { intervalMs: 10 })
    try {
      for (let i = 0; i < 500 && ledger.height < start + 2; i++) await new Promise((r) => setTimeout(r, 10))
      assert.ok(ledger.height >= start + 2, 'the miner mined two blocks')
    } finally {
      stop()
    }
    const stopped = ledger.height
    await new Promise((r) => setTimeout(r, 50))
    assert.equal(ledger.height, stopped)
  })

  test('a restart keeps height, utxos, txs and the faucet key', async () => {
    const height = ledger.height
    const aliceCoins = ledger.unspent(alice.toAddress())
    const faucetAddress = ledger.faucetAddress
    const someTx = aliceCoins[0].txid
    ledger.close()
    ledger = DevnetLedger.open({ dataDir: dir })
    assert.equal(ledger.height, height)
    assert.deepEqual(ledger.unspent(alice.toAddress()), aliceCoins)
    assert.equal(ledger.faucetAddress, faucetAddress)
    assert.ok(ledger.rawTx(someTx))
    // Still able to pay and mine after the restart.
    const paid = await ledger.faucet(bob.toAddress(), 1234)
    assert.equal(ledger.txStatus(paid.txid)?.status, 'SEEN_ON_NETWORK')
    assert.equal(ledger.mine(), height + 1)
  })
})

describe('checkTransaction (pure)', () => {
  test('version 1 enforces low-S; the same high-S signature is refused by the interpreter', async () => {
    const key = PrivateKey.fromRandom()
    const prevScript = (await buildSignedP2pkhTx({ key, inputs: [{ txid: '11'.repeat(32), vout: 0, satoshis: 5000 }], outputs: [{ address: key.toAddress(), satoshis: 1 }] })).outputs[0].lockingScript.toHex()
    const tx = await buildSignedP2pkhTx({ key, inputs: [{ txid: '22'.repeat(32), vout: 0, satoshis: 5000 }], outputs: [{ address: key.toAddress(), satoshis: 4000 }] })
    const ctx = {
      lookup: () => ({ satoshis: 5000, lockingScriptHex: prevScript, spentBy: null }),
      height: 10,
      feeRate: { satoshis: 100, bytes: 1000 },
    }
    const parsed = Transaction.fromHex(tx.toHex())
    assert.equal(checkTransaction(parsed, parsed.toBinary().length, ctx).ok, true)
    // Flip S to n - S: still a valid ECDSA signature, but not low-S.
    const chunks = tx.inputs[0].unlockingScript!.chunks
    const sig = chunks[0].data!
    const rLen = sig[3]
    const sStart = 4 + rLen + 2
    const sLen = sig[4 + rLen + 1]
    const n = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141')
    const s = BigInt('0x' + Buffer.from(sig.slice(sStart, sStart + sLen)).toString('hex'))
    let hs = (n - s).toString(16)
    if (hs.length % 2) hs = '0' + hs
    if (parseInt(hs.slice(0, 2), 16) & 0x80) hs = '00' + hs
    const sBytes = [...Buffer.from(hs, 'hex')]
    const r = sig.slice(4, 4 + rLen)
    const der = [0x30, 4 + r.length + sBytes.length, 0x02, r.length, ...r, 0x02, sBytes.length, ...sBytes, sig[sig.length - 1]]
    chunks[0] = { op: der.length, data: der }
    const highS = new Transaction(1, tx.inputs, tx.outputs, 0)
    const verdict = checkTransaction(highS, highS.toBinary().length, ctx)
    assert.equal(verdict.ok, false)
    assert.equal(!verdict.ok && verdict.code, 461)
  })

  test('finality: all-final sequences ignore nLockTime; otherwise nLockTime must be below the next height', () => {
    const tx = new Transaction(1, [{ sourceTXID: '33'.repeat(32), sourceOutputIndex: 0, sequence: 0xffffffff }], [], 100)
    assert.equal(isFinalAtHeight(tx, 5), true)
    tx.inputs[0].sequence = 0
    assert.equal(isFinalAtHeight(tx, 98), false)
    assert.equal(isFinalAtHeight(tx, 99), false)
    assert.equal(isFinalAtHeight(tx, 100), true)
    tx.lockTime = 600_000_000
    assert.equal(isFinalAtHeight(tx, 1_000_000), false)
  })
})
