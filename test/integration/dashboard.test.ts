import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import request from 'supertest'
import { io as connectSocket, type Socket } from 'socket.io-client'
import type { SettlementSummary } from '../../protocol/messages.ts'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { buildClient } from '../../scripts/build-client.ts'
import type { DashboardSnapshot } from '../../protocol/dashboard.ts'
import { startTestHost, tempDir, type TestHost } from '../support/host.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'
import { openRawViewer, type RawViewer } from '../support/raw-viewer.ts'

const TOKEN = 'test-admin-token-0123456789'
const ADMIN = { Authorization: `Bearer ${TOKEN}` }
const PRICE = 10

/** One sample's value from Prometheus text, e.g. value(text, 'p2p_channels{state="open"}'). */
function metric(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `))
  assert.ok(line, `no sample ${sample} in /metrics`)
  return Number(line.slice(sample.length + 1))
}

function dashboardSocket(url: string, token: string | undefined): Socket {
  return connectSocket(`${url}/host`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: token === undefined ? {} : { token } })
}

function nextSnapshot(socket: Socket, until: (s: DashboardSnapshot) => boolean): Promise<DashboardSnapshot> {
  return new Promise((resolve) => {
    const listener = (snapshot: DashboardSnapshot) => {
      if (!until(snapshot)) return
      socket.off('snapshot', listener)
      resolve(snapshot)
    }
    socket.on('snapshot', listener)
  })
}

describe('host dashboard', () => {
  let host: TestHost
  let stream: TinyStream
  const dataDir = tempDir('dashboard')

  before(async () => {
    await buildClient()
    stream = writeTinyStream([2, 2, 2, 1.5])
    host = await startTestHost({ mediaDir: stream.mediaDir, price: PRICE, dataDir }, { extend: attachDashboard })
    assert.equal((await request(host.url).get(stream.playlist)).status, 200)
  })
  after(async () => {
    await host.dispose()
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('every admin endpoint refuses a missing or wrong token', async () => {
    const calls = [
      () => request(host.url).get('/api/host/stats'),
      () => request(host.url).get('/metrics'),
      () => request(host.url).post('/api/host/stop'),
      () => request(host.url).post('/api/host/start'),
    ]
    for (const call of calls) {
      const missing = await call()
      assert.equal(missing.status, 401)
      assert.equal(missing.body.error, 'unauthorized')
      const wrong = await call().set('Authorization', 'Bearer not-the-admin-token')
      assert.equal(wrong.status, 403)
      assert.equal(wrong.body.error, 'forbidden')
    }
    // The wrong-token stop above must not have stopped anything.
    assert.equal((await request(host.url).get('/health')).body.accepting, true)
  })

  test('the live namespace refuses a missing or wrong token and admits the admin', async () => {
    for (const token of [undefined, 'not-the-admin-token']) {
      const socket = dashboardSocket(host.url, token)
      const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve))
      assert.match(error.message, token === undefined ? /^unauthorized/ : /^forbidden/)
      socket.close()
    }
    const socket = dashboardSocket(host.url, TOKEN)
    const first = await nextSnapshot(socket, () => true)
    assert.equal(first.network, 'devnet')
    assert.equal(first.accepting, true)
    assert.equal(first.earningsPerMinute.sats.length, 60)
    socket.close()
  })

  test('the page is served as HTML without the token; it carries no data', async () => {
    const page = await request(host.url).get('/host')
    assert.equal(page.status, 200)
    assert.match(page.type, /html/)
    const script = page.text.match(/src="(\/assets\/dashboard-[A-Z0-9]+\.js)"/)?.[1]
    assert.ok(script, 'the page names its hashed bundle')
    assert.doesNotMatch(page.text, new RegExp(TOKEN))
    assert.equal((await request(host.url).get(script)).status, 200)
  })

  test('a paying viewer moves the counters in /metrics, the stats and the live feed; Stop settles it; Start lets viewers in', async () => {
    const before = (await request(host.url).get('/metrics').set(ADMIN)).text
    const live = dashboardSocket(host.url, TOKEN)
    await nextSnapshot(live, () => true)

    const unpaid = await request(host.url).get(stream.segments[0].path)
    assert.equal(unpaid.status, 402)

    const viewer: RawViewer = await openRawViewer(host.url, 2_000)
    let paid = 0
    for (const segment of stream.segments.slice(0, 3)) {
      const price = Math.round(segment.duration * PRICE)
      const reply = await viewer.pay(segment.path, price)
      assert.ok(reply.ok, JSON.stringify(reply))
      paid += price
      const res = await request(host.url).get(segment.path).set('X-Channel-Token', viewer.token)
      assert.equal(res.status, 200)
      viewer.delivered(segment.path)
    }
    const tip = await viewer.tip(15)
    assert.ok(tip.ok)
    paid += 15
    // The host refuses an update that pays less than the segment costs; the reason is counted.
    const cheap = await viewer.pay(stream.segments[3].path, 1)
    assert.equal(cheap.ok, false)

    const pushed = await nextSnapshot(live, (s) => s.earned.accepted === paid)
    assert.equal(pushed.channels.open, 1)
    assert.equal(pushed.watchingNow, 1)
    assert.equal(pushed.earned.tips, 15)
    const row = pushed.channelRows.find((r) => r.id === viewer.channelId)
    assert.ok(row)
    assert.equal(row.paid, paid)
    assert.equal(row.state, 'open')
    // The stream it paid for, though the viewer loaded a rendition's playlist without the master.
    assert.deepEqual(pushed.streams.find((r) => r.stream === '/media/tiny/master.m3u8'), { stream: '/media/tiny/master.m3u8', name: 'tiny', pricePerSecond: PRICE, secondsSold: 6, earned: paid - 15 })

    const now = (await request(host.url).get('/metrics').set(ADMIN)).text
    const delta = (sample: string) => metric(now, sample) - (before.includes(`${sample} `) ? metric(before, sample) : 0)
    assert.equal(delta('p2p_updates_accepted_total{kind="segment"}'), 3)
    assert.equal(delta('p2p_updates_accepted_total{kind="tip"}'), 1)
    assert.equal(delta('p2p_updates_rejected_total{reason="underpaid"}'), 1)
    assert.equal(delta('p2p_satoshis_accepted_total'), paid)
    assert.equal(delta('p2p_segments_served_total'), 3)
    assert.equal(delta('p2p_bytes_served_total'), stream.segments.slice(0, 3).reduce((sum, s) => sum + s.bytes.length, 0))
    assert.ok(delta('p2p_payment_required_total') >= 1)
    assert.ok(delta('p2p_verify_seconds_count') >= 5)
    assert.equal(metric(now, 'p2p_channels{state="open"}'), 1)
    assert.equal(metric(now, 'p2p_socket_connections{namespace="viewer"}'), 1)
    assert.equal(metric(now, 'p2p_socket_connections{namespace="dashboard"}'), 1)

    // Stop: the viewer is told why, with its summary; the dashboard sees the money move on chain.
    const told = new Promise<SettlementSummary>((resolve) => viewer.socket.once('settled', resolve))
    const status = new Promise<{ accepting: boolean; reason?: string }>((resolve) => viewer.socket.once('hostStatus', resolve))
    const stop = await request(host.url).post('/api/host/stop').set(ADMIN)
    assert.equal(stop.status, 200)
    assert.equal(stop.body.accepting, false)
    assert.equal(stop.body.settled, 1)
    const summary = await told
    assert.equal(summary.reason, 'host_stopped')
    assert.equal(summary.paid, paid)
    assert.ok(summary.closeTxid)
    assert.deepEqual(stop.body.closeTxids, [summary.closeTxid])
    assert.equal((await status).accepting, false)
    assert.equal((await request(host.url).get(`/devnet/woc/v1/bsv/devnet/tx/${summary.closeTxid}/hex`)).status, 200)

    const settled = await nextSnapshot(live, (s) => s.earned.settled === paid)
    assert.equal(settled.earned.accepted, 0)
    assert.equal(settled.accepting, false)
    assert.deepEqual(settled.channels, { open: 0, settled: 1 })
    const afterStop = (await request(host.url).get('/metrics').set(ADMIN)).text
    assert.equal(metric(afterStop, 'p2p_satoshis_settled_total'), paid)
    assert.equal(metric(afterStop, 'p2p_channels_settled_total{reason="host_stopped"}'), 1)
    assert.equal(metric(afterStop, 'p2p_accepting'), 0)
    viewer.disconnect()

    // While stopped, a new viewer is refused.
    await assert.rejects(openRawViewer(host.url, 2_000), /host_stopped/)
    const start = await request(host.url).post('/api/host/start').set(ADMIN)
    assert.deepEqual(start.body, { accepting: true })
    const next = await openRawViewer(host.url, 2_000)
    assert.ok((await next.pay(stream.segments[0].path, 20)).ok)
    next.disconnect()
    live.close()
  })

  test('the stopped state and the earnings survive a restart', async () => {
    const stats = (await request(host.url).get('/api/host/stats').set(ADMIN)).body as DashboardSnapshot
    assert.equal((await request(host.url).post('/api/host/stop').set(ADMIN)).status, 200)
    await host.close()
    // Same data folder, a second host in the same process: its metrics registry is its own.
    host = await startTestHost({ mediaDir: stream.mediaDir, price: PRICE, dataDir }, { extend: attachDashboard })
    const again = (await request(host.url).get('/api/host/stats').set(ADMIN)).body as DashboardSnapshot
    assert.equal(again.accepting, false)
    assert.equal(again.earned.total, stats.earned.total)
    assert.equal(again.earned.settled, stats.earned.total)
    assert.deepEqual(again.channels, { open: 0, settled: 2 })
    assert.equal(metric((await request(host.url).get('/metrics').set(ADMIN)).text, 'p2p_accepting'), 0)
  })
})
