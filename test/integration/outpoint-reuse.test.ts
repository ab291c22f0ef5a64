// One funding outpoint backs one channel for life: the two attacks of issue 18, step by step, against a real host and
// its devnet. A: a second channel on a funded outpoint (opened with a fresh payer-signed refund, funded with the same
// funding tx), then a third on the outpoint once the first's close spent it. B: an open never funded, whose co-signed
// refund the viewer keeps, expires; a later channel on the same outpoint would be undercut by that refund.
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, test } from 'node:test'
import Database from 'better-sqlite3'
import request from 'supertest'
import { PrivateKey } from '@bsv/sdk'
import type { DashboardSnapshot } from '../../protocol/dashboard.ts'
import type { Terms } from '../../protocol/messages.ts'
import { acceptRefund, openPayerChannel } from '../../client/payer/channel-offer.ts'
import type { FaucetPayment } from '../../protocol/chain/faucet.ts'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { startTestHost, tempDir, type TestHost } from '../support/host.ts'
import { writeTinyStream } from '../support/media.ts'
import { connect, openRawViewer, send } from '../support/raw-viewer.ts'

const ADMIN = { Authorization: 'Bearer test-admin-token-0123456789' }
const stream = writeTinyStream([2, 2, 2])
const dataDir = tempDir('outpoint')
after(() => rmSync(dataDir, { recursive: true, force: true }))

const startHost = (overrides: Parameters<typeof startTestHost>[0] = {}) =>
  startTestHost({ dataDir, mediaDir: stream.mediaDir, price: 10, ...overrides }, { extend: attachDashboard })

/** The same funding (one coin, one cap: the same tx), with a fresh payer-signed refund whose lock time is `later` blocks on. */
function sameOutpoint(key: PrivateKey, coin: FaucetPayment, terms: Terms, later: number) {
  return openPayerChannel({ payerKey: key, terms: { ...terms, height: terms.height + later }, cap: 5_000, utxos: [coin] })
}

/** Writes into a stopped host's data folder as an earlier version would have left it. */
function inDataFolder(write: (db: Database.Database) => void): void {
  const db = new Database(join(dataDir, 'host.sqlite'))
  try {
    write(db)
  } finally {
    db.close()
  }
}

test('attack A: a second channel on a funded outpoint is refused at open and at fund, and one on the outpoint once spent too', async () => {
  let host: TestHost = await startHost()
  try {
    await request(host.url).get(stream.playlist)
    // 1. A opens, funds and pays for a segment.
    const a = await openRawViewer(host.url, 5_000)
    assert.ok((await a.pay(stream.segments[0].path, 20)).ok)

    // 2. B: the same outpoint, a fresh payer-signed refund. Refused, and no co-signature leaves the host.
    const b = sameOutpoint(a.key, a.coin, a.terms, 1)
    assert.deepEqual([b.request.fundingTxid, b.request.fundingVout], [a.channel.funding.txid, a.channel.funding.vout])
    const openB = await a.send('open', b.request)
    assert.equal(openB.ok ? 'accepted' : openB.code, 'outpoint_reused')
    assert.equal('refundPayeeSignature' in openB, false)

    // 3. B's fund with the same funding tx. The open above stored nothing, so B is the row an earlier version stored
    //    for it, in a data folder upgraded since: A claimed the outpoint first, and B may not be funded on it.
    a.disconnect()
    await host.dispose()
    const bId = 'b'.repeat(24)
    inDataFolder((db) =>
      db.prepare(`INSERT INTO channels (id, token, payer_public_key, funding_txid, funding_vout, capacity, fee, lock_time, refund_tx, payout_script,
        state, created_at, last_activity_at) SELECT ?, ?, payer_public_key, funding_txid, funding_vout, capacity, fee, lock_time + 1, ?, payout_script,
        'opening', ?, ? FROM channels WHERE id = ?`).run(bId, 'B'.repeat(43), b.request.refundTx, Date.now(), Date.now(), a.channelId),
    )
    host = await startHost()
    const fundB = await host.channels.opening.fund({ channelId: bId, fundingTx: b.fundingHex })
    assert.equal(fundB.ok ? 'funded' : fundB.code, 'outpoint_reused')
    assert.deepEqual(host.channels.live.records().map((record) => record.id), [a.channelId], 'only A is live')

    // A closes; its close spends the outpoint and is mined.
    const { socket } = await connect(host.url)
    assert.ok((await send(socket, 'resume', { channelId: a.channelId, token: a.token })).ok)
    const closedA = await send(socket, 'close', { channelId: a.channelId })
    assert.ok(closedA.ok && closedA.closeTxid)
    host.ledger!.mine()
    assert.equal(host.ledger!.txStatus(closedA.closeTxid)?.status, 'MINED')

    // 4. C on the spent outpoint: refused at open.
    const c = sameOutpoint(a.key, a.coin, a.terms, 2)
    const openC = await send(socket, 'open', c.request)
    assert.equal(openC.ok ? 'accepted' : openC.code, 'outpoint_reused')

    // The dashboard's payout tally counts A alone, for what A paid.
    const snapshot = (await request(host.url).get('/api/host/stats').set(ADMIN)).body as DashboardSnapshot
    assert.deepEqual([snapshot.payout.channels, snapshot.payout.settled], [1, 20])
    socket.disconnect()

    // 5. A host that does not remember the outpoint (a data folder whose opens on it expired before claims were kept)
    //    still asks the ledger before C goes live: the output is spent, so C is refused, and keeps no funding.
    await host.dispose()
    inDataFolder((db) => db.prepare('DELETE FROM funding_outpoints').run())
    host = await startHost()
    const fresh = await connect(host.url)
    const reopened = await send(fresh.socket, 'open', c.request)
    assert.ok(reopened.ok, 'nothing remembers the outpoint now')
    const fundC = await send(fresh.socket, 'fund', { channelId: reopened.channelId, fundingTx: c.fundingHex })
    assert.equal(fundC.ok ? 'funded' : fundC.code, 'outpoint_reused')
    assert.match(!fundC.ok ? fundC.message : '', new RegExp(`already spent \\(by ${closedA.closeTxid}\\)`))
    const [rowC] = await host.channels.list({ states: ['opening'], before: null, limit: 10 })
    assert.deepEqual([rowC?.id, rowC?.fundingTx], [reopened.channelId, null])
    assert.equal(host.channels.live.records().length, 0)
    fresh.socket.disconnect()
  } finally {
    await host.dispose()
  }
})

test("attack B: an open that expired unfunded keeps its outpoint, so no later channel on it can be undercut by the old refund", async () => {
  const host = await startTestHost({ openTimeoutSeconds: 1 })
  try {
    const { socket, terms } = await connect(host.url)
    const key = PrivateKey.fromRandom()
    const coin = await host.ledger!.faucet(key.toAddress(), 20_000)
    // 1. Y opens and is never funded; the viewer keeps Y's co-signed refund.
    const y = sameOutpoint(key, coin, terms, 0)
    const openY = await send(socket, 'open', y.request)
    assert.ok(openY.ok)
    assert.ok(acceptRefund(y.channel, y.refund, y.refundPayerSignature, openY.refundPayeeSignature).ok, 'a valid co-signed refund for the outpoint')
    // The open's timeout deletes Y.
    for (let i = 0; i < 100 && (await host.channels.list({ states: null, before: null, limit: 10 })).length > 0; i++) await sleep(50)
    assert.equal((await host.channels.list({ states: null, before: null, limit: 10 })).length, 0, 'Y expired')

    // 2. X on the same outpoint, with a later lock time than Y's refund: refused.
    const x = sameOutpoint(key, coin, terms, 2)
    assert.equal(x.request.fundingTxid, y.request.fundingTxid)
    const openX = await send(socket, 'open', x.request)
    assert.equal(openX.ok ? 'accepted' : openX.code, 'outpoint_reused')
    assert.equal(host.ledger!.txStatus(x.request.fundingTxid), null, 'the funding was never broadcast')
    socket.disconnect()
  } finally {
    await host.dispose()
  }
})
