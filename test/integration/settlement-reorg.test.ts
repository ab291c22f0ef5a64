// A settled close in a block that a chain reorganisation orphans (devnet test mode, POST /devnet/test/reorg): back in
// the mempool it is fine as it is; dropped, the host sends the same close again; and when the new chain gave the
// funding's coin to another tx, the host records the channel as lost, with the reason, and tells the viewer.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import request from 'supertest'
import { PrivateKey } from '@bsv/sdk'
import type { SettlementSummary } from '../../protocol/messages.ts'
import { buildSignedP2pkhTx } from '../../devnet/p2pkh.ts'
import type { ReorgOutcome } from '../../devnet/reorg.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'
import { openRawViewer, type RawViewer } from '../support/raw-viewer.ts'

/** The host asks about settled closes when the height moves (its chain view refreshes every second on devnet). */
const NOTICE_MS = 15_000

async function until<T>(what: string, read: () => T | Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read()
  for (const start = Date.now(); !done(value); value = await read()) {
    if (Date.now() - start > NOTICE_MS) assert.fail(`${what}: still ${JSON.stringify(value)} after ${NOTICE_MS} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return value
}

describe('a settled close that a chain reorganisation orphans', () => {
  let host: TestHost
  let stream: TinyStream

  before(async () => {
    stream = writeTinyStream([2, 2])
    host = await startTestHost({ mediaDir: stream.mediaDir, price: 10, devnetTestMode: true })
    assert.equal((await request(host.url).get(stream.playlist)).status, 200)
  })
  after(() => host.dispose())

  const reorg = async (body: unknown): Promise<ReorgOutcome> => {
    const res = await fetch(`${host.url}/devnet/test/reorg`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    assert.equal(res.status, 200, await res.clone().text())
    return (await res.json()) as ReorgOutcome
  }
  /** A viewer pays for one segment and closes; the funding and the close are then mined together. */
  const settledAndMined = async (): Promise<{ viewer: RawViewer; summary: SettlementSummary }> => {
    const viewer = await openRawViewer(host.url, 5_000)
    assert.ok((await viewer.pay(stream.segments[0].path, 20)).ok)
    viewer.delivered(stream.segments[0].path)
    const closed = await viewer.send('close', { channelId: viewer.channelId })
    assert.ok(closed.ok, JSON.stringify(closed))
    host.ledger!.mine()
    assert.equal(host.ledger!.txStatus(closed.closeTxid!)?.status, 'MINED')
    return { viewer, summary: closed }
  }
  /** The channel as the host's store has it (the dashboard's list). */
  const stored = async (id: string) => {
    const record = (await host.channels.list({ states: null, before: null, limit: 100 })).find((r) => r.id === id)!
    return { state: record.state, closeTxid: record.closeTxid, closeReason: record.closeReason }
  }

  test('back in the mempool, it stays settled as it was, and is mined again', async () => {
    const { viewer, summary } = await settledAndMined()
    const states = new Set<string>()
    const outcome = await reorg({ blocks: 1 })
    assert.ok(outcome.mempool.includes(summary.closeTxid!))
    assert.equal(host.ledger!.txStatus(summary.closeTxid!)?.status, 'SEEN_ON_NETWORK')
    // Past the host's next look at its closes: the channel never left 'closed'.
    const until = Date.now() + 3_000
    while (Date.now() < until) {
      states.add((await stored(viewer.channelId)).state)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.deepEqual([...states], ['closed'])
    assert.deepEqual(await stored(viewer.channelId), { state: 'closed', closeTxid: summary.closeTxid, closeReason: 'viewer' })
    host.ledger!.mine()
    assert.equal(host.ledger!.txStatus(summary.closeTxid!)?.status, 'MINED')
    viewer.disconnect()
  })

  test('dropped by the new chain, the same close is sent again', async () => {
    const { viewer, summary } = await settledAndMined()
    const outcome = await reorg({ blocks: 1, drop: [summary.closeTxid!] })
    assert.deepEqual(outcome.dropped, [summary.closeTxid])
    assert.equal(host.ledger!.txStatus(summary.closeTxid!), null)

    const resent = await until('the close on the ledger', () => host.ledger!.txStatus(summary.closeTxid!)?.status ?? null, (s) => s !== null)
    assert.equal(resent, 'SEEN_ON_NETWORK')
    await until('the channel settled again', () => stored(viewer.channelId), (s) => s.state === 'closed')
    assert.deepEqual(await stored(viewer.channelId), { state: 'closed', closeTxid: summary.closeTxid, closeReason: 'viewer' })
    host.ledger!.mine()
    assert.equal(host.ledger!.txStatus(summary.closeTxid!)?.status, 'MINED')
    viewer.disconnect()
  })

  test("replaced: the new chain spent the funding's coin elsewhere, so the channel is lost, with the reason, and the viewer is told", async () => {
    const { viewer, summary } = await settledAndMined()
    const told = new Promise<SettlementSummary>((resolve) => viewer.socket.once('settled', resolve))
    const rival = await buildSignedP2pkhTx({ key: viewer.key, inputs: [viewer.coin], outputs: [{ address: PrivateKey.fromRandom().toAddress(), satoshis: viewer.coin.satoshis - 500 }] })
    const outcome = await reorg({ blocks: 1, replace: [{ txid: viewer.channel.funding.txid, rawTx: rival.toHex() }] })
    assert.deepEqual(outcome.replaced, [summary.closeTxid, viewer.channel.funding.txid])
    assert.equal(host.ledger!.txStatus(summary.closeTxid!)?.status, 'REJECTED')

    const lost = await until('the channel recorded as lost', () => stored(viewer.channelId), (s) => s.closeReason === 'funding_double_spent' && s.state === 'closed')
    assert.deepEqual(lost, { state: 'closed', closeTxid: null, closeReason: 'funding_double_spent' })
    const heard = await told
    assert.deepEqual([heard.channelId, heard.reason, heard.closeTxid], [viewer.channelId, 'funding_double_spent', null])
    viewer.disconnect()
  })
})
