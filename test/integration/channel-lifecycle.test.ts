// The whole channel on the devnet ledger: the pure payer and payee cores, checked by the ledger's real interpreter.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { rmSync } from 'node:fs'
import { PrivateKey, Transaction } from '@bsv/sdk'
import type { Terms } from '../../protocol/messages.ts'
import { p2pkhScriptHex } from '../../protocol/scripts.ts'
import { DEFAULT_FEE_RATE } from '../../protocol/fees.ts'
import { ChainError } from '../../protocol/chain/chain.ts'
import { acceptRefund, openPayerChannel } from '../../client/payer/channel-offer.ts'
import { markDelivered, signSegment, type PayerChannel } from '../../client/payer/payer.ts'
import { buildClose, checkFunding, checkRefundAndCosign, checkUpdate, type PayeeChannel } from '../../server/channels/payee.ts'
import { nativeVerifier } from '../../server/crypto/verify.ts'
import { DevnetLedger } from '../../devnet/ledger.ts'
import { tempDir } from '../support/host.ts'

const LIFETIME = 10

interface OpenChannel {
  payer: PayerChannel
  payee: PayeeChannel
  payerKey: PrivateKey
  fundingHex: string
  refundHex: string
}

describe('a channel on the devnet ledger', () => {
  const dataDir = tempDir('lifecycle')
  const payeeKey = PrivateKey.fromRandom()
  const payoutKey = PrivateKey.fromRandom()
  let ledger: DevnetLedger

  before(() => {
    ledger = DevnetLedger.open({ dataDir })
  })
  after(() => {
    ledger.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const terms = (): Terms => ({
    network: 'devnet',
    payeePublicKey: payeeKey.toPublicKey().toString(),
    payoutScript: p2pkhScriptHex(payoutKey.toPublicKey().toString()),
    pricePerSecond: 10,
    renditionMultipliers: {},
    lifetimeBlocks: LIFETIME,
    height: ledger.height,
    feeRate: DEFAULT_FEE_RATE,
    minCapacity: 1_000,
    maxCapacity: 10_000_000,
    accepting: true,
    streamPrices: [],
    previewSeconds: 0,
  })

  /** Open exactly as the host does: co-sign the refund first, check it, and only then broadcast the funding. */
  async function open(cap: number): Promise<OpenChannel> {
    const payerKey = PrivateKey.fromRandom()
    const coin = await ledger.faucet(payerKey.toAddress(), cap + 5_000)
    const opened = openPayerChannel({ payerKey, terms: terms(), cap, utxos: [coin] })
    const cosigned = checkRefundAndCosign({
      payerPublicKey: opened.channel.payerPublicKey,
      payeeKey,
      fundingTxid: opened.channel.funding.txid,
      fundingVout: opened.channel.funding.vout,
      capacity: opened.channel.funding.satoshis,
      refundHex: opened.refund.toHex(),
      expectedLockTime: ledger.height + LIFETIME,
      lockTimeTolerance: 0,
      feeRate: DEFAULT_FEE_RATE,
    })
    assert.ok(cosigned.ok, !cosigned.ok ? cosigned.message : '')
    const refund = acceptRefund(opened.channel, opened.refund, opened.refundPayerSignature, cosigned.payeeSignature)
    assert.ok(refund.ok, !refund.ok ? refund.message : '')
    const funding = checkFunding({
      fundingHex: opened.fundingHex,
      fundingTxid: opened.channel.funding.txid,
      fundingVout: opened.channel.funding.vout,
      capacity: opened.channel.funding.satoshis,
      payerPublicKey: opened.channel.payerPublicKey,
      payeePublicKey: opened.channel.payeePublicKey,
    })
    assert.ok(funding.ok)
    assert.equal(ledger.submit(opened.fundingHex).status, 'SEEN_ON_NETWORK')
    return {
      payerKey,
      fundingHex: opened.fundingHex,
      refundHex: refund.refundHex,
      payer: { ...opened.channel, channelId: 'c'.repeat(24) },
      payee: {
        id: 'c'.repeat(24),
        payerPublicKey: opened.channel.payerPublicKey,
        payeePublicKey: opened.channel.payeePublicKey,
        payoutScript: opened.channel.payoutScript,
        fundingTxid: opened.channel.funding.txid,
        fundingVout: opened.channel.funding.vout,
        capacity: opened.channel.funding.satoshis,
        fee: opened.channel.fee,
        lockTime: cosigned.lockTime,
        sequence: 0,
        paid: 0,
        tips: 0,
        lastTx: null,
        lastTxid: null,
      },
    }
  }

  test('open, 100 updates, close: the ledger accepts the close and it pays exactly what was signed', async () => {
    const channel = await open(50_000)
    const verify = nativeVerifier()
    let { payer, payee } = channel
    for (let k = 1; k <= 100; k++) {
      const segment = `/media/sample/360p/seg_${k}.ts`
      const signed = signSegment(payer, channel.payerKey, segment, 20, DEFAULT_FEE_RATE)
      assert.ok(signed.ok, !signed.ok ? signed.message : '')
      const verdict = checkUpdate(payee, signed.tx, 20, { height: ledger.height, feeRate: DEFAULT_FEE_RATE, deadlineMargin: 2, verify })
      assert.ok(verdict.ok, !verdict.ok ? `${verdict.code}: ${verdict.message}` : '')
      payee = verdict.channel
      payer = markDelivered(signed.channel, segment)
    }
    assert.equal(payee.paid, 2_000)
    assert.equal(payee.sequence, 100)
    const close = buildClose(payee, payeeKey)
    assert.ok(close.ok)
    assert.equal(ledger.submit(close.hex).status, 'SEEN_ON_NETWORK')
    ledger.mine()
    assert.equal(ledger.txStatus(close.txid)?.status, 'MINED')
    const tx = Transaction.fromHex(close.hex)
    assert.equal(tx.outputs[0].satoshis, 2_000)
    assert.equal(tx.outputs[1].satoshis, payee.capacity - 2_000 - payee.fee)
  })

  test('the refund is rejected before T and accepted from T on', async () => {
    const channel = await open(5_000)
    const lockTime = channel.payee.lockTime
    assert.throws(() => ledger.submit(channel.refundHex), (error: unknown) => error instanceof ChainError && /final|locktime/i.test(error.message))
    while (ledger.height < lockTime - 1) ledger.mine()
    assert.throws(() => ledger.submit(channel.refundHex), ChainError, 'still one block early')
    ledger.mine()
    assert.equal(ledger.height, lockTime)
    assert.equal(ledger.submit(channel.refundHex).status, 'SEEN_ON_NETWORK')
    const refund = Transaction.fromHex(channel.refundHex)
    assert.equal(refund.outputs.length, 1)
    assert.equal(refund.outputs[0].satoshis, channel.payee.capacity - channel.payee.fee)
  })

  test('the ledger rejects a double spend of the funding', async () => {
    const channel = await open(5_000)
    const signed = signSegment(channel.payer, channel.payerKey, '/media/x/360p/a.ts', 100, DEFAULT_FEE_RATE)
    assert.ok(signed.ok)
    const verdict = checkUpdate(channel.payee, signed.tx, 100, { height: ledger.height, feeRate: DEFAULT_FEE_RATE, deadlineMargin: 2, verify: nativeVerifier() })
    assert.ok(verdict.ok)
    const close = buildClose(verdict.channel, payeeKey)
    assert.ok(close.ok)
    ledger.submit(close.hex)
    // The same funding output spent again: the payer's refund after T, competing with the close.
    while (ledger.height < channel.payee.lockTime) ledger.mine()
    assert.throws(() => ledger.submit(channel.refundHex), (error: unknown) => error instanceof ChainError && error.code === 466)
  })
})
