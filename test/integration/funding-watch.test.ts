// The funding is watched, not only accepted, and until the channel settles: a conflicting tx that wins after the
// channel opened (devnet test mode, as a miner could choose), or a tx that spends the funding output once it is mined
// (the viewer's own refund, sent the moment the chain reaches its lock time), stops the channel at once. The next
// payment is refused with the reason's code, no segment is served after it, the viewer hears why, and the dashboard's
// row says so. Bad parents for an EF funding are refused.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import request from 'supertest'
import { PrivateKey } from '@bsv/sdk'
import type { FundingLostNotice, SettlementSummary } from '../../protocol/messages.ts'
import { openPayerChannel } from '../../client/payer/channel-offer.ts'
import { buildSignedP2pkhTx } from '../../devnet/p2pkh.ts'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'
import { connect, openRawViewer, send } from '../support/raw-viewer.ts'

const ADMIN = { Authorization: 'Bearer test-admin-token-0123456789' }

describe('a channel whose funding is double-spent after it opened', () => {
  let host: TestHost
  let stream: TinyStream

  before(async () => {
    stream = writeTinyStream([2, 2, 2, 2])
    host = await startTestHost({ mediaDir: stream.mediaDir, price: 10, devnetTestMode: true }, { extend: attachDashboard })
    assert.equal((await request(host.url).get(stream.playlist)).status, 200)
  })
  after(() => host.dispose())

  test('is refused with funding_double_spent from the next payment on, and nothing is served after it', async () => {
    const viewer = await openRawViewer(host.url, 5_000)
    const [first, second] = stream.segments
    assert.ok((await viewer.pay(first.path, 20)).ok)
    viewer.delivered(first.path)
    assert.equal((await request(host.url).get(first.path).set('X-Channel-Token', viewer.token)).status, 200)
    // Watching an honest funding changes nothing.
    await host.channels.fundings.check()
    assert.equal((await request(host.url).get(first.path).set('X-Channel-Token', viewer.token)).status, 200)

    // The viewer spends the funding's coin elsewhere, and a miner takes that one instead.
    const settled = new Promise<SettlementSummary>((resolve) => viewer.socket.once('settled', resolve))
    const rival = await buildSignedP2pkhTx({ key: viewer.key, inputs: [viewer.coin], outputs: [{ address: PrivateKey.fromRandom().toAddress(), satoshis: viewer.coin.satoshis - 500 }] })
    const forced = await fetch(`${host.url}/devnet/test/double-spend`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rawTx: rival.toHex() }) })
    assert.equal(forced.status, 200)
    const status = (await (await fetch(`${host.url}/devnet/arc/v1/tx/${viewer.channel.funding.txid}`)).json()) as { txStatus: string }
    assert.equal(status.txStatus, 'DOUBLE_SPEND_ATTEMPTED')

    // The host's next round of status checks (every second on devnet) finds it; run it now rather than wait.
    await host.channels.fundings.check()
    const refused = await viewer.pay(second.path, 20)
    assert.deepEqual(refused.ok ? 'accepted' : refused.code, 'funding_double_spent')
    assert.equal((await request(host.url).get(first.path).set('X-Channel-Token', viewer.token)).status, 403, 'not even a segment paid before')
    assert.equal((await request(host.url).get(second.path).set('X-Channel-Token', viewer.token)).status, 403)
    const resumed = await viewer.send('resume', { channelId: viewer.channelId, token: viewer.token })
    assert.equal(!resumed.ok && resumed.code, 'funding_double_spent')

    const summary = await settled
    assert.equal(summary.reason, 'funding_double_spent')
    assert.equal(summary.closeTxid, null, 'the close had nothing left to spend')
    const { channels } = (await request(host.url).get('/api/channels').set(ADMIN)).body as { channels: Array<{ id: string; state: string; closeReason: string }> }
    const row = channels.find((c) => c.id === viewer.channelId)
    assert.deepEqual([row?.state, row?.closeReason], ['closed', 'funding_double_spent'])
    const stats = (await request(host.url).get('/api/host/stats').set(ADMIN)).body as { updates: { rejectedByCode: Record<string, number> } }
    assert.ok((stats.updates.rejectedByCode.funding_double_spent ?? 0) >= 1)
    viewer.disconnect()
  })

  test('a funding sent with parents that do not fit it is refused as bad_funding and never broadcast', async () => {
    const key = PrivateKey.fromRandom()
    const { socket, terms } = await connect(host.url)
    const coin = await host.ledger!.faucet(key.toAddress(), 20_000)
    const stranger = await host.ledger!.faucet(PrivateKey.fromRandom().toAddress(), 1_000)
    const opened = openPayerChannel({ payerKey: key, terms, cap: 5_000, utxos: [coin] })
    const open = await send(socket, 'open', opened.request)
    assert.ok(open.ok)
    const fund = await send(socket, 'fund', { channelId: open.channelId, fundingTx: opened.fundingHex, fundingParents: [host.ledger!.rawTx(stranger.txid)!] })
    assert.equal(!fund.ok && fund.code, 'bad_funding')
    assert.match(!fund.ok ? fund.message : '', /not among the parents given/)
    assert.equal(host.ledger!.txStatus(opened.channel.funding.txid), null, 'the funding never reached the ledger')
    const right = await send(socket, 'fund', { channelId: open.channelId, fundingTx: opened.fundingHex, fundingParents: [host.ledger!.rawTx(coin.txid)!] })
    assert.ok(right.ok, right.ok ? '' : right.message)
    assert.equal(right.ledgerStatus, 'SEEN_ON_NETWORK')
    socket.disconnect()
  })
})

/** The promise, or a failure naming what never happened within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms).unref())])
}

describe("a channel whose mined funding output is spent by the viewer's refund", () => {
  let host: TestHost
  let stream: TinyStream

  before(async () => {
    stream = writeTinyStream([2, 2, 2, 2])
    host = await startTestHost({ mediaDir: stream.mediaDir, price: 10, lifetimeBlocks: 4, deadlineMarginBlocks: 1 }, { extend: attachDashboard })
    assert.equal((await request(host.url).get(stream.playlist)).status, 200)
  })
  after(() => host.dispose())

  test('stops at once: the viewer is told, the next payment is refused with funding_spent, nothing more is served', async () => {
    const viewer = await openRawViewer(host.url, 5_000)
    const [first, second] = stream.segments
    assert.ok((await viewer.pay(first.path, 20)).ok)
    viewer.delivered(first.path)
    assert.equal((await request(host.url).get(first.path).set('X-Channel-Token', viewer.token)).status, 200)
    const told = new Promise<FundingLostNotice>((resolve) => viewer.socket.once('fundingLost', resolve))
    const settled = new Promise<SettlementSummary>((resolve) => viewer.socket.once('settled', resolve))

    // The viewer mines to the refund's lock time before the host looks, and its refund is mined: the coins are back.
    while (host.ledger!.height < viewer.channel.lockTime) host.ledger!.mine()
    const refund = host.ledger!.submit(viewer.refundHex)
    host.ledger!.mine()
    assert.equal(host.ledger!.txStatus(refund.txid)?.status, 'MINED')
    assert.equal(host.ledger!.txStatus(viewer.channel.funding.txid)?.status, 'MINED', 'the funding was mined long before')

    // The host's next round of checks (every second on devnet) finds it; run it now rather than wait.
    await host.channels.fundings.check()
    assert.deepEqual(await within(told, 10_000, 'the fundingLost event'), { channelId: viewer.channelId, reason: 'funding_spent', txid: refund.txid })
    assert.equal((await request(host.url).get(first.path).set('X-Channel-Token', viewer.token)).status, 403, 'not even a segment paid before')

    const summary = await within(settled, 10_000, 'the settlement')
    assert.deepEqual([summary.reason, summary.closeTxid], ['funding_spent', null])
    const refused = await viewer.pay(second.path, 20)
    assert.equal(refused.ok ? 'accepted' : refused.code, 'funding_spent')
    assert.equal((await request(host.url).get(second.path).set('X-Channel-Token', viewer.token)).status, 403)
    const { channels } = (await request(host.url).get('/api/channels').set(ADMIN)).body as { channels: Array<{ id: string; state: string; closeReason: string }> }
    const row = channels.find((c) => c.id === viewer.channelId)
    assert.deepEqual([row?.state, row?.closeReason], ['closed', 'funding_spent'])
    viewer.disconnect()
  })
})
