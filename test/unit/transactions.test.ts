// The channel's transactions end to end through @bsv/sdk's script interpreter: funding from a real P2PKH coin,
// refund, a run of updates accepted by the payee, and the close.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PrivateKey, Spend, Transaction, TransactionSignature, UnlockingScript, Utils } from '@bsv/sdk'
import { CLOSE_TX_BYTES, closeFee, DEFAULT_FEE_RATE, feeFor } from '../../protocol/fees.ts'
import { ChannelMultisig, p2pkhLockingScript, p2pkhScriptHex } from '../../protocol/scripts.ts'
import { checkPayerSignature, sdkVerifier } from '../../protocol/signature.ts'
import {
  buildFunding,
  buildRefund,
  buildUpdate,
  channelSighashPreimage,
  completeChannelSpend,
  InsufficientFundsError,
  signChannelInput,
  verifyWithInterpreter,
  withPayerSignature,
} from '../../protocol/transactions.ts'
import {
  hexToBytes,
  MalformedTxError,
  parseRawTx,
  rawSighashPreimage,
  txidOf,
  bytesToHex,
} from '../../protocol/raw-tx.ts'
import { acceptRefund, openPayerChannel } from '../../client/payer/channel-offer.ts'
import { markDelivered, signSegment, signTip, type PayerChannel } from '../../client/payer/payer.ts'
import { buildClose, checkFunding, checkRefundAndCosign, checkUpdate, type PayeeChannel } from '../../server/channels/payee.ts'
import { nativeHash256, nativeVerifier } from '../../server/crypto/verify.ts'
import type { Terms } from '../../protocol/messages.ts'

/** A confirmed-looking parent paying `amounts` to the payer's P2PKH: funding inputs then have real scripts to satisfy. */
function coinsFor(key: PrivateKey, amounts: number[]): { parent: Transaction; utxos: Array<{ txid: string; vout: number; satoshis: number }> } {
  const parent = new Transaction(
    1,
    [{ sourceTXID: '11'.repeat(32), sourceOutputIndex: 0, sequence: 0xffffffff, unlockingScript: new UnlockingScript() }],
    amounts.map((satoshis) => ({ satoshis, lockingScript: p2pkhLockingScript(key.toPublicKey().toString()) })),
    0,
  )
  const txid = parent.id('hex')
  return { parent, utxos: amounts.map((satoshis, vout) => ({ txid, vout, satoshis })) }
}

function spendOf(tx: Transaction, inputIndex: number, sourceSatoshis: number, lockingScript: ReturnType<typeof p2pkhLockingScript>): Spend {
  const input = tx.inputs[inputIndex]
  return new Spend({
    sourceTXID: input.sourceTXID!,
    sourceOutputIndex: input.sourceOutputIndex,
    sourceSatoshis,
    lockingScript,
    transactionVersion: tx.version,
    otherInputs: tx.inputs.filter((_, i) => i !== inputIndex),
    outputs: tx.outputs,
    inputIndex,
    unlockingScript: input.unlockingScript!,
    inputSequence: input.sequence!,
    lockTime: tx.lockTime,
  })
}

test('close fee is the fee of the worst-case signed 2-output close, rounded up', () => {
  assert.equal(CLOSE_TX_BYTES, 268)
  assert.equal(closeFee(DEFAULT_FEE_RATE), 27)
  assert.equal(feeFor(1000, { satoshis: 1, bytes: 1000 }), 1)
  assert.equal(feeFor(1001, { satoshis: 1, bytes: 1000 }), 2)
  assert.equal(feeFor(250, { satoshis: 50, bytes: 1000 }), 13)
})

test('round trip: funding -> refund -> updates -> close, every spend valid in the SDK interpreter', () => {
  const payerKey = PrivateKey.fromRandom()
  const payeeKey = PrivateKey.fromRandom()
  const payerPublicKey = payerKey.toPublicKey().toString()
  const payeePublicKey = payeeKey.toPublicKey().toString()
  const payoutScript = p2pkhScriptHex(PrivateKey.fromRandom().toPublicKey().toString())
  const terms: Terms = {
    network: 'devnet',
    payeePublicKey,
    payoutScript,
    pricePerSecond: 10,
    renditionMultipliers: {},
    lifetimeBlocks: 144,
    height: 1000,
    feeRate: DEFAULT_FEE_RATE,
    minCapacity: 1000,
    maxCapacity: 1_000_000,
    accepting: true,
    streamPrices: [],
    previewSeconds: 0,
  }
  const { utxos } = coinsFor(payerKey, [3000, 8000])
  const cap = 5000
  const opened = openPayerChannel({ payerKey, terms, cap, utxos })
  const funding = opened.channel.funding
  assert.equal(funding.satoshis, cap + closeFee(DEFAULT_FEE_RATE))

  // Funding: each P2PKH input is satisfied, output 0 is the 2-of-2 holding the capacity, the host accepts it.
  const fundingTx = Transaction.fromHex(opened.fundingHex)
  assert.equal(fundingTx.version, 1)
  assert.equal(fundingTx.id('hex'), funding.txid)
  fundingTx.inputs.forEach((input, i) => {
    const utxo = utxos.find((u) => u.txid === input.sourceTXID && u.vout === input.sourceOutputIndex)!
    assert.equal(spendOf(fundingTx, i, utxo.satoshis, p2pkhLockingScript(payerPublicKey)).validate(), true)
  })
  const lock = new ChannelMultisig().lock(payerPublicKey, payeePublicKey)
  assert.equal(fundingTx.outputs[0].lockingScript.toHex(), lock.toHex())
  assert.equal(lock.toHex(), `5221${payerPublicKey}21${payeePublicKey}52ae`)
  const fundingCheck = checkFunding({ fundingHex: opened.fundingHex, fundingTxid: funding.txid, fundingVout: 0, capacity: funding.satoshis, payerPublicKey, payeePublicKey })
  assert.deepEqual(fundingCheck, { ok: true })
  const inputTotal = utxos.reduce((s, u) => s + u.satoshis, 0)
  const outputTotal = fundingTx.outputs.reduce((s, o) => s + o.satoshis!, 0)
  assert.ok(inputTotal - outputTotal >= feeFor(fundingTx.toBinary().length, DEFAULT_FEE_RATE), 'funding pays at least the policy fee')

  // Refund: host co-signs, payer completes it and the interpreter accepts it before funding would be broadcast.
  const cosigned = checkRefundAndCosign({
    payerPublicKey,
    payeeKey,
    fundingTxid: funding.txid,
    fundingVout: 0,
    capacity: funding.satoshis,
    refundHex: opened.refund.toHex(),
    expectedLockTime: terms.height + terms.lifetimeBlocks,
    lockTimeTolerance: 2,
    feeRate: DEFAULT_FEE_RATE,
  })
  assert.ok(cosigned.ok, cosigned.ok ? '' : cosigned.message)
  assert.equal(cosigned.lockTime, 1144)
  const refund = acceptRefund(opened.channel, opened.refund, opened.refundPayerSignature, cosigned.payeeSignature)
  assert.ok(refund.ok, refund.ok ? '' : refund.message)
  const refundTx = Transaction.fromHex(refund.refundHex)
  assert.equal(refundTx.lockTime, 1144)
  assert.equal(refundTx.inputs[0].sequence, 0)
  assert.equal(refundTx.outputs[0].satoshis, funding.satoshis - closeFee(DEFAULT_FEE_RATE))
  assert.deepEqual(verifyWithInterpreter(refundTx, funding, lock), { ok: true })

  // Updates: segments of 20 sat and a tip, each accepted by the host's checks with the native verifier.
  let payer: PayerChannel = { ...opened.channel, channelId: 'aaaaaaaaaaaaaaaaaaaaaaaa' }
  let host: PayeeChannel = {
    id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
    payerPublicKey,
    payeePublicKey,
    payoutScript,
    fundingTxid: funding.txid,
    fundingVout: 0,
    capacity: funding.satoshis,
    fee: closeFee(DEFAULT_FEE_RATE),
    lockTime: 1144,
    sequence: 0,
    paid: 0,
    tips: 0,
    lastTx: null,
    lastTxid: null,
  }
  const ctx = { height: 1001, feeRate: DEFAULT_FEE_RATE, deadlineMargin: 6, verify: nativeVerifier(), hash256: nativeHash256 }
  for (let i = 0; i < 5; i++) {
    const segment = `/media/sample/360p/seg_00${i}.ts`
    const signed = signSegment(payer, payerKey, segment, 20, DEFAULT_FEE_RATE)
    assert.ok(signed.ok)
    const verdict = checkUpdate(host, signed.tx, 20, ctx)
    assert.ok(verdict.ok, verdict.ok ? '' : `${verdict.code}: ${verdict.message}`)
    assert.equal(verdict.increment, 20)
    host = verdict.channel
    payer = markDelivered(signed.channel, segment)
  }
  const tipped = signTip(payer, payerKey, 7, DEFAULT_FEE_RATE)
  assert.ok(tipped.ok)
  const tipVerdict = checkUpdate(host, tipped.tx, 7, ctx)
  assert.ok(tipVerdict.ok)
  host = { ...tipVerdict.channel, tips: host.tips + 7 }
  assert.equal(host.paid, 107)
  assert.equal(host.sequence, 6)

  // Close: the last update with the payee's signature, valid in the interpreter, paying what was agreed.
  const close = buildClose(host, payeeKey)
  assert.ok(close.ok, close.ok ? '' : close.message)
  const closeTx = Transaction.fromHex(close.hex)
  assert.equal(closeTx.id('hex'), close.txid)
  assert.deepEqual(verifyWithInterpreter(closeTx, funding, lock), { ok: true })
  assert.equal(closeTx.outputs[0].satoshis, 107)
  assert.equal(closeTx.outputs[0].lockingScript.toHex(), payoutScript, 'the close pays the payout address; the channel key only co-signed')
  assert.equal(closeTx.outputs[1].satoshis, funding.satoshis - 107 - closeFee(DEFAULT_FEE_RATE))
  assert.equal(closeTx.outputs[1].lockingScript.toHex(), p2pkhLockingScript(payerPublicKey).toHex())
  const closeBytes = closeTx.toBinary().length
  assert.ok(closeBytes <= CLOSE_TX_BYTES, `close is ${closeBytes} bytes`)
  assert.ok(closeFee(DEFAULT_FEE_RATE) >= feeFor(closeBytes, DEFAULT_FEE_RATE))
})

/** A 2-of-2 close of 300 sat, signed by both parties, with what it takes to tamper with it. */
function signedClose() {
  const payerKey = PrivateKey.fromRandom()
  const payeeKey = PrivateKey.fromRandom()
  const parties = { payerPublicKey: payerKey.toPublicKey().toString(), payeePublicKey: payeeKey.toPublicKey().toString() }
  const funding = { txid: 'cd'.repeat(32), vout: 1, satoshis: 10_000 }
  const lock = new ChannelMultisig().lock(parties.payerPublicKey, parties.payeePublicKey)
  const update = buildUpdate({ ...parties, payoutScript: p2pkhScriptHex(parties.payeePublicKey), funding, paid: 300, feeRate: DEFAULT_FEE_RATE })
  const payerSig = signChannelInput(update, funding, parties, payerKey)
  const payeeSig = signChannelInput(update, funding, parties, payeeKey)
  return { parties, funding, lock, update, payerSig, payeeSig }
}

for (const [curve, verify] of [['the SDK', undefined], ['libsecp256k1', nativeVerifier()]] as const) {
  test(`interpreter (curve math by ${curve}) rejects a close whose signatures are swapped or whose outputs changed after signing`, () => {
    const { parties, funding, lock, update, payerSig, payeeSig } = signedClose()
    assert.deepEqual(verifyWithInterpreter(completeChannelSpend(update, payerSig, payeeSig), funding, lock, verify), { ok: true })
    const swapped = verifyWithInterpreter(completeChannelSpend(update, payeeSig, payerSig), funding, lock, verify)
    assert.equal(swapped.ok, false)
    const richer = buildUpdate({ ...parties, payoutScript: p2pkhScriptHex(parties.payeePublicKey), funding, paid: 3000, feeRate: DEFAULT_FEE_RATE })
    assert.equal(verifyWithInterpreter(completeChannelSpend(richer, payerSig, payeeSig), funding, lock, verify).ok, false)
    const elsewhere = verifyWithInterpreter(completeChannelSpend(update, payerSig, payeeSig), { ...funding, vout: 0 }, lock, verify)
    assert.equal(elsewhere.ok, false)
  })
}

test("a verifier given to the interpreter does the curve math of every channel signature: the SDK's check is not run", () => {
  const { parties, funding, lock, update, payerSig, payeeSig } = signedClose()
  const close = completeChannelSpend(update, payerSig, payeeSig)
  const asked: Array<{ key: string; sdkSays: boolean }> = []
  const recording = (preimage: Uint8Array, der: Uint8Array, key: string) => {
    asked.push({ key, sdkSays: sdkVerifier(preimage, der, key) })
    return nativeVerifier()(preimage, der, key)
  }
  assert.deepEqual(verifyWithInterpreter(close, funding, lock, recording), { ok: true })
  const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key)
  const expected = [{ key: parties.payerPublicKey, sdkSays: true }, { key: parties.payeePublicKey, sdkSays: true }]
  assert.deepEqual(asked.sort(byKey), expected.sort(byKey), 'each signature, with the preimage it signed')
  assert.equal(verifyWithInterpreter(close, funding, lock, () => false).ok, false, 'a verifier that refuses fails a valid close')
})

test('update shape: final, nLockTime 0, payee first, payer change omitted when zero', () => {
  const parties = { payerPublicKey: PrivateKey.fromRandom().toPublicKey().toString(), payeePublicKey: PrivateKey.fromRandom().toPublicKey().toString() }
  const funding = { txid: 'ef'.repeat(32), vout: 0, satoshis: 1000 }
  const update = buildUpdate({ ...parties, payoutScript: p2pkhScriptHex(parties.payeePublicKey), funding, paid: 400, feeRate: DEFAULT_FEE_RATE })
  assert.equal(update.version, 1)
  assert.equal(update.lockTime, 0)
  assert.equal(update.inputs[0].sequence, 0xffffffff)
  assert.deepEqual(update.outputs.map((o) => o.satoshis), [400, 1000 - 400 - 27])
  const all = buildUpdate({ ...parties, payoutScript: p2pkhScriptHex(parties.payeePublicKey), funding, paid: 1000 - 27, feeRate: DEFAULT_FEE_RATE })
  assert.deepEqual(all.outputs.map((o) => o.satoshis), [973])
  assert.throws(() => buildUpdate({ ...parties, payoutScript: p2pkhScriptHex(parties.payeePublicKey), funding, paid: 974, feeRate: DEFAULT_FEE_RATE }), /exceeds the channel capacity/)
  const refund = buildRefund({ ...parties, funding, lockTime: 500, feeRate: DEFAULT_FEE_RATE })
  assert.equal(refund.inputs[0].sequence, 0)
  assert.equal(refund.lockTime, 500)
  assert.deepEqual(refund.outputs.map((o) => o.satoshis), [973])
})

test('raw sighash preimage and txid equal the SDK for multi-input transactions', () => {
  const payerKey = PrivateKey.fromRandom()
  const payeePublicKey = PrivateKey.fromRandom().toPublicKey().toString()
  const { utxos } = coinsFor(payerKey, [1500, 1500, 1500])
  const funded = buildFunding({ payerKey, payeePublicKey, capacity: 4000, utxos, feeRate: DEFAULT_FEE_RATE })
  assert.equal(funded.tx.inputs.length, 3)
  const bytes = hexToBytes(funded.hex)
  const raw = parseRawTx(bytes)
  assert.equal(txidOf(bytes), funded.txid)
  assert.equal(txidOf(bytes, nativeHash256), funded.txid)
  const script = p2pkhLockingScript(payerKey.toPublicKey().toString())
  for (let i = 0; i < 3; i++) {
    const sdk = TransactionSignature.formatBytes({
      sourceTXID: funded.tx.inputs[i].sourceTXID!,
      sourceOutputIndex: funded.tx.inputs[i].sourceOutputIndex,
      sourceSatoshis: 1500,
      transactionVersion: 1,
      otherInputs: funded.tx.inputs.filter((_, j) => j !== i),
      outputs: funded.tx.outputs,
      inputIndex: i,
      subscript: script,
      inputSequence: 0xffffffff,
      lockTime: 0,
      scope: 0x41,
    })
    assert.equal(bytesToHex(rawSighashPreimage(bytes, raw, i, script.toUint8Array(), 1500)), bytesToHex(sdk))
  }
  // And for a channel spend, against channelSighashPreimage.
  const parties = { payerPublicKey: payerKey.toPublicKey().toString(), payeePublicKey }
  const funding = { txid: funded.txid, vout: 0, satoshis: 4000 }
  const update = withPayerSignature(buildUpdate({ ...parties, payoutScript: p2pkhScriptHex(parties.payeePublicKey), funding, paid: 10, feeRate: DEFAULT_FEE_RATE }), '30' + '06020101020101' + '41')
  const updateBytes = hexToBytes(update.toHex())
  const lock = new ChannelMultisig().lock(parties.payerPublicKey, parties.payeePublicKey)
  assert.equal(
    bytesToHex(rawSighashPreimage(updateBytes, parseRawTx(updateBytes), 0, lock.toUint8Array(), 4000, nativeHash256)),
    bytesToHex(channelSighashPreimage(update, funding, parties)),
  )
})

test('funding refuses coins that cannot cover capacity + fee, and reports how much is missing', () => {
  const payerKey = PrivateKey.fromRandom()
  const { utxos } = coinsFor(payerKey, [500, 400])
  assert.throws(
    () => buildFunding({ payerKey, payeePublicKey: PrivateKey.fromRandom().toPublicKey().toString(), capacity: 900, utxos, feeRate: DEFAULT_FEE_RATE }),
    (error: unknown) => error instanceof InsufficientFundsError && error.available === 900 && error.needed > 900,
  )
  // Exactly enough without change: no change output is created.
  const needed = 900 - feeFor(4 + 1 + 2 * 149 + 1 + 80 + 4, DEFAULT_FEE_RATE)
  const funded = buildFunding({ payerKey, payeePublicKey: PrivateKey.fromRandom().toPublicKey().toString(), capacity: needed, utxos, feeRate: DEFAULT_FEE_RATE })
  assert.equal(funded.tx.outputs.length, 1)
  assert.equal(funded.tx.outputs[0].satoshis, needed)
})

test('raw parser rejects garbage, truncation and trailing bytes', () => {
  const payerKey = PrivateKey.fromRandom()
  const { utxos } = coinsFor(payerKey, [5000])
  const funded = buildFunding({ payerKey, payeePublicKey: PrivateKey.fromRandom().toPublicKey().toString(), capacity: 1000, utxos, feeRate: DEFAULT_FEE_RATE })
  assert.equal(parseRawTx(hexToBytes(funded.hex)).outputs[0].satoshis, 1000)
  assert.throws(() => parseRawTx(hexToBytes(funded.hex + '00')), MalformedTxError)
  assert.throws(() => parseRawTx(hexToBytes(funded.hex.slice(0, -2))), MalformedTxError)
  assert.throws(() => hexToBytes('zz'), MalformedTxError)
  assert.throws(() => parseRawTx(hexToBytes('deadbeef')), MalformedTxError)
})

test('signature shape: strict DER, low S, sighash 0x41', () => {
  const key = PrivateKey.fromRandom()
  const parties = { payerPublicKey: key.toPublicKey().toString(), payeePublicKey: PrivateKey.fromRandom().toPublicKey().toString() }
  const funding = { txid: '12'.repeat(32), vout: 0, satoshis: 5000 }
  const update = buildUpdate({ ...parties, payoutScript: p2pkhScriptHex(parties.payeePublicKey), funding, paid: 100, feeRate: DEFAULT_FEE_RATE })
  const good = Uint8Array.from(Utils.toArray(signChannelInput(update, funding, parties, key), 'hex'))
  const checked = checkPayerSignature(good)
  assert.ok(checked.ok)
  assert.equal(checked.der.length, good.length - 1)
  // R padded with a needless zero byte: valid for OpenSSL, not strict DER.
  const lenR = good[3]
  const padded = Uint8Array.from([0x30, good[1] + 1, 0x02, lenR + 1, 0x00, ...good.subarray(4)])
  const paddedCheck = checkPayerSignature(padded)
  assert.equal(paddedCheck.ok ? 'ok' : paddedCheck.code, 'bad_signature_encoding')
  const anyoneCanPay = Uint8Array.from([...good.subarray(0, good.length - 1), 0xc1])
  const sighashCheck = checkPayerSignature(anyoneCanPay)
  assert.equal(sighashCheck.ok ? 'ok' : sighashCheck.code, 'wrong_sighash')
  const short = checkPayerSignature(good.subarray(0, 8))
  assert.equal(short.ok ? 'ok' : short.code, 'bad_signature_encoding')
})
