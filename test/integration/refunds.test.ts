// A channel that settles with nothing paid leaves the viewer's coins in the 2-of-2 until the refund's lock time;
// the viewer's session keeps the co-signed refund and sends it once the chain gets there.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PrivateKey } from '@bsv/sdk'
import request from 'supertest'
import { io } from 'socket.io-client'
import { WhatsOnChainClient } from '../../protocol/chain/whatsonchain.ts'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import { p2pkhLockingScript } from '../../protocol/scripts.ts'
import { hexToBytes, parseRawTx, bytesToHex } from '../../protocol/raw-tx.ts'
import { pendingRefunds, reclaimRefunds } from '../../client/payer/refunds.ts'
import type { HostSocket } from '../../client/payer/host-request.ts'
import { ChannelSession } from '../../client/payer/session.ts'
import { keyWallet } from '../../client/payer/key-wallet.ts'
import { MemoryStorage } from '../../client/payer/storage.ts'
import { startTestHost } from '../support/host.ts'
import { writeTinyStream } from '../support/media.ts'
import { openRawViewer } from '../support/raw-viewer.ts'

const LIFETIME = 8

test('a channel closed with nothing paid gets its refund sent once the chain reaches its lock time, and only then', async () => {
  const host = await startTestHost({ lifetimeBlocks: LIFETIME, deadlineMarginBlocks: 2 })
  const socket: HostSocket = io(host.url, { transports: ['websocket'], reconnection: false, forceNew: true })
  try {
    const key = PrivateKey.fromRandom()
    const coin = await requestFaucet(`${host.url}/devnet`, key.toAddress(), 20_000)
    const session = new ChannelSession({ socket, wallet: keyWallet({ key, utxos: async () => [coin] }), storage: new MemoryStorage() })
    await session.waitForTerms()
    await session.open(5_000)
    const summary = await session.close()
    assert.equal(summary.closeTxid, null, 'nothing paid: the host has nothing to close with')
    const [waiting] = pendingRefunds(session.history())
    assert.ok(waiting, 'the refund waits in the history')
    assert.equal(waiting.unlocksAt, summary.refundAfterHeight)

    const woc = new WhatsOnChainClient({ baseUrl: `${host.url}/devnet/woc/v1/bsv/devnet` })
    while (host.ledger!.height < waiting.unlocksAt - 1) host.ledger!.mine()
    assert.deepEqual(await reclaimRefunds(session.history(), woc), [], 'one block early, nothing is sent')
    assert.equal(pendingRefunds(session.history()).length, 1)

    host.ledger!.mine()
    const outcomes = await reclaimRefunds(session.history(), woc)
    assert.equal(outcomes.length, 1)
    const [reclaimed] = outcomes
    assert.equal(reclaimed.kind, 'reclaimed')
    if (reclaimed.kind !== 'reclaimed') return
    for (const outcome of outcomes) session.recordRefund(outcome)

    // On the ledger: the refund pays the viewer's own address everything but its fee.
    const refundTx = parseRawTx(hexToBytes(host.ledger!.rawTx(reclaimed.txid)!))
    assert.equal(refundTx.outputs.length, 1)
    assert.equal(bytesToHex(refundTx.outputs[0].script), p2pkhLockingScript(key.toPublicKey().toString()).toHex())
    assert.equal(refundTx.outputs[0].satoshis, reclaimed.satoshis)
    assert.ok(reclaimed.satoshis > summary.capacity - 1_000, 'only a fee is kept back')
    const utxos = await woc.unspent(key.toAddress())
    assert.ok(utxos.some((u) => u.txid === reclaimed.txid && u.satoshis === reclaimed.satoshis))

    // Recorded: the history shows the refund's txid and nothing waits any more.
    assert.deepEqual(session.history()[0].refund, { status: 'reclaimed', txid: reclaimed.txid })
    assert.deepEqual(pendingRefunds(session.history()), [])
    assert.deepEqual(await reclaimRefunds(session.history(), woc), [])
    session.dispose()
  } finally {
    socket.disconnect()
    await host.dispose()
  }
})

test('a refund whose funding the host already spent with its close is recognised as not needed', async () => {
  const stream = writeTinyStream([2])
  const host = await startTestHost({ mediaDir: stream.mediaDir, lifetimeBlocks: LIFETIME, deadlineMarginBlocks: 2 })
  try {
    await request(host.url).get(stream.playlist)
    const viewer = await openRawViewer(host.url, 5_000)
    assert.equal((await viewer.pay(stream.segments[0].path, 20)).ok, true)
    const closed = await viewer.send('close', { channelId: viewer.channelId })
    assert.ok(closed.ok && closed.closeTxid)
    while (host.ledger!.height < viewer.channel.lockTime) host.ledger!.mine()

    const entry = { summary: { ...closed, closeTxid: null }, settledAt: Date.now(), refundHex: viewer.refundHex }
    const woc = new WhatsOnChainClient({ baseUrl: `${host.url}/devnet/woc/v1/bsv/devnet` })
    assert.deepEqual(await reclaimRefunds([entry], woc), [{ kind: 'nothing_left', channelId: viewer.channelId }])
    viewer.disconnect()
  } finally {
    await host.dispose()
  }
})
