// Every refusal of the devnet's ARC POST /v1/tx, over HTTP: ARC's status code, and ARC's RFC 7807 body
// (type, title, status, detail, instance, txid, extraInfo) with the specific reason in extraInfo.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Beef, LockingScript, MerklePath, OP, PrivateKey, Transaction, UnlockingScript } from '@bsv/sdk'
import type { ArcProblem as Problem } from '../../devnet/arc-problems.ts'
import { buildSignedP2pkhTx, type SpendableOutput } from '../../devnet/p2pkh.ts'
import { startTestDevnet, type TestDevnet } from '../support/devnet.ts'

describe('devnet ARC refusals', () => {
  let devnet: TestDevnet
  const alice = PrivateKey.fromRandom()
  const bob = PrivateKey.fromRandom()

  const post = (body: string, type = 'text/plain', path = '/arc/v1/tx') =>
    fetch(`${devnet.base}${path}`, { method: 'POST', headers: { 'Content-Type': type }, body })

  /** Posts `hex` and checks the answer is ARC's problem `status`, its reason matching `reason`. */
  async function refused(hex: string, status: number, reason: RegExp, txid?: string): Promise<Problem> {
    const res = await post(JSON.stringify({ rawTx: hex }), 'application/json')
    const body = (await res.json()) as Problem
    assert.equal(res.status, status, `${status} expected, got ${res.status}: ${JSON.stringify(body)}`)
    assert.deepEqual(Object.keys(body).sort(), ['detail', 'extraInfo', 'instance', 'status', 'title', 'txid', 'type'])
    assert.equal(body.status, status)
    assert.equal(body.type, `https://bitcoin-sv.github.io/arc/#/errors?id=_${status}`)
    assert.ok(body.title.length > 3 && body.detail.length > 10)
    assert.match(body.extraInfo, reason)
    if (txid !== undefined) assert.equal(body.txid, txid)
    return body
  }

  const coin = (satoshis = 20_000): Promise<SpendableOutput> => devnet.ledger.faucet(alice.toAddress(), satoshis)
  const pay = (input: SpendableOutput, satoshis: number, extra: Partial<Parameters<typeof buildSignedP2pkhTx>[0]> = {}) =>
    buildSignedP2pkhTx({ key: alice, inputs: [input], outputs: [{ address: bob.toAddress(), satoshis }], ...extra })

  before(async () => {
    devnet = await startTestDevnet()
  })
  after(() => devnet.close())

  test('400: not hex, not a transaction, no rawTx, an unknown content type; 404: an unknown txid', async () => {
    for (const [body, type, reason] of [
      ['hello', 'text/plain', /must be hex/],
      ['0100', 'text/plain', /not a transaction: truncated/],
      ['{"nope": "0100"}', 'application/json', /send JSON \{"rawTx"/],
      ['<tx/>', 'application/xml', /content-type application\/xml/],
      ['', 'application/octet-stream', /empty request body/],
    ] as const) {
      const res = await post(body, type)
      const problem = (await res.json()) as Problem
      assert.equal(res.status, 400, body)
      assert.equal(problem.title, 'Bad request')
      assert.match(problem.extraInfo, reason)
    }
    const unknown = await fetch(`${devnet.base}/arc/v1/tx/${'ab'.repeat(32)}`)
    assert.equal(unknown.status, 404)
    assert.equal(((await unknown.json()) as Problem).title, 'Not found')
  })

  test('400 at once for nine bytes that claim 268 million inputs (the SDK alone would be busy with them for minutes)', async () => {
    const started = Date.now()
    await refused('01000000feffffff0f', 400, /count 268435455 .* more than the bytes left/)
    assert.ok(Date.now() - started < 2000)
  })

  test('460: a parent the ledger does not know', async () => {
    const tx = await pay({ txid: 'ab'.repeat(32), vout: 0, satoshis: 10_000 }, 9_000)
    await refused(tx.toHex(), 460, /does not know/, tx.id('hex'))
  })

  test('461: an unlocking script that fails (signed by the wrong key)', async () => {
    const forged = await buildSignedP2pkhTx({ key: bob, inputs: [await coin()], outputs: [{ address: bob.toAddress(), satoshis: 15_000 }] })
    const problem = await refused(forged.toHex(), 461, /input 0/, forged.id('hex'))
    assert.equal(problem.title, 'Malformed transaction')
  })

  test('462: a coinbase input', async () => {
    const tx = new Transaction(1, [{ sourceTXID: '00'.repeat(32), sourceOutputIndex: 0xffffffff, unlockingScript: new UnlockingScript([{ op: OP.OP_1 }]), sequence: 0xffffffff }], [
      { lockingScript: LockingScript.fromHex('76a914' + '11'.repeat(20) + '88ac'), satoshis: 1000 },
    ], 0)
    await refused(tx.toHex(), 462, /coinbase input/)
  })

  test('463: non-final, an input spent twice, an unlocking script that does more than push, a lying Extended Format', async () => {
    const input = await coin()
    await refused((await pay(input, 19_000, { lockTime: devnet.ledger.height + 5, sequence: 0 })).toHex(), 463, /non-final/)
    const twice = await buildSignedP2pkhTx({ key: alice, inputs: [input, input], outputs: [{ address: bob.toAddress(), satoshis: 30_000 }] })
    await refused(twice.toHex(), 463, /a second time/)
    const signed = await pay(input, 19_000)
    const notPushOnly = new Transaction(1, [{ ...signed.inputs[0], unlockingScript: new UnlockingScript([...signed.inputs[0].unlockingScript!.chunks, { op: OP.OP_DUP }]) }], signed.outputs, 0)
    await refused(notPushOnly.toHex(), 463, /may only push/)
    // EF whose input claims more satoshis than the coin holds.
    const parent = Transaction.fromHex(devnet.ledger.rawTx(input.txid)!)
    parent.outputs[input.vout].satoshis = 50_000
    signed.inputs[0].sourceTransaction = parent
    await refused(signed.toHexEF(), 463, /holds 50000 sat .* but it holds 20000 sat/)
  })

  test('464: a spendable output below 1 satoshi', async () => {
    const dust = await buildSignedP2pkhTx({ key: alice, inputs: [await coin()], outputs: [{ address: bob.toAddress(), satoshis: 0 }, { address: alice.toAddress(), satoshis: 19_000 }] })
    await refused(dust.toHex(), 464, /dust/)
  })

  test('465: a fee below the policy rate, and outputs above the inputs', async () => {
    const input = await coin()
    await refused((await pay(input, 19_999)).toHex(), 465, /fee 1 sat is below/)
    await refused((await pay(input, 25_000)).toHex(), 465, /outputs \(25000 sat\) exceed inputs \(20000 sat\)/)
  })

  test('466: spending what a mined tx already spent', async () => {
    const input = await coin()
    const first = await pay(input, 15_000)
    devnet.ledger.submit(first.toHex())
    devnet.ledger.mine()
    const late = await pay(input, 14_000)
    const problem = await refused(late.toHex(), 466, new RegExp(`already spent by ${first.id('hex')}, mined in block`), late.id('hex'))
    assert.equal(problem.title, 'Conflicting tx found')
  })

  test('467, 468, 469: a BEEF without its ancestors, with a merkle path that does not hold its tx, with a root not in the chain', async () => {
    const input = await coin()
    devnet.ledger.mine()
    const other = await coin(1000)
    devnet.ledger.mine()
    const parent = Transaction.fromHex(devnet.ledger.rawTx(input.txid)!)
    const child = await pay(input, 19_000)
    // 467: the child alone, its parent neither carried nor proven.
    const orphan = new Beef()
    orphan.mergeRawTx(child.toBinary())
    await refused(orphan.toHex(), 467, /mined ancestors not found in BEEF/)
    // 468: the parent points at a merkle path that proves another tx.
    const wrongBump = new Beef()
    wrongBump.mergeBump(devnet.ledger.proofOf(other.txid)!.merklePath)
    wrongBump.mergeRawTx(parent.toBinary(), 0)
    wrongBump.mergeRawTx(child.toBinary())
    await refused(wrongBump.toHex(), 468, /does not hold it/)
    // 469: a merkle path that holds the parent but leads to a root the chain does not have.
    parent.merklePath = new MerklePath(1, [[{ offset: 0, hash: parent.id('hex'), txid: true }]])
    child.inputs[0].sourceTransaction = parent
    await refused(child.toHexBEEF(), 469, /is not in the chain/)
  })

  test('463: a BEEF that does not decode', async () => {
    await refused('0100beef' + 'ff'.repeat(9), 463, /error while decoding BEEF/)
  })

  test('474: a transaction over the 1 MB policy; 413: a body over the limit', async () => {
    const input = await coin()
    const data = new Uint8Array(1_000_001)
    const big = new Transaction(1, [{ sourceTXID: input.txid, sourceOutputIndex: input.vout, unlockingScript: new UnlockingScript([]), sequence: 0xffffffff }], [
      { lockingScript: new LockingScript([{ op: OP.OP_FALSE }, { op: OP.OP_RETURN }, { op: OP.OP_PUSHDATA4, data: [...data] }]), satoshis: 0 },
    ], 0)
    const problem = await refused(big.toHex(), 474, /policy allows 1000000/)
    assert.equal(problem.title, 'Transaction size validation failed')
    const tooLarge = await post('00'.repeat(1_100_000))
    assert.equal(tooLarge.status, 413)
    assert.equal(((await tooLarge.json()) as Problem).status, 413)
  })

  test('/v1/txs answers each tx in order, refusals among them', async () => {
    const good = await pay(await coin(), 15_000)
    const bad = await pay(await coin(), 19_999)
    const res = await post(`${good.toHex()}\n${bad.toHex()}\n`, 'text/plain', '/arc/v1/txs')
    assert.equal(res.status, 200)
    const answers = (await res.json()) as Array<{ txid: string; status: number; txStatus?: string }>
    assert.deepEqual(answers.map((a) => [a.txid, a.status, a.txStatus]), [[good.id('hex'), 200, 'SEEN_ON_NETWORK'], [bad.id('hex'), 465, undefined]])
  })
})
