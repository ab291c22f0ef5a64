// Bounded resources against a real host: each limit holds at its flag's value and refuses with its own code, and
// what a limit refused is freed again when the thing it counted ends.
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { connect as connectTcp } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { io } from 'socket.io-client'
import { request } from '../../client/payer/host-request.ts'
import type { Reply } from '../../protocol/messages.ts'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { hlsForm } from '../support/hls-forms.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { connect, openRawViewer, type ViewerSocket } from '../support/raw-viewer.ts'
import { connectFrom, openRequest, openRequests, sendOpen } from '../support/unfunded-opens.ts'

const ADMIN_TOKEN = 'test-admin-token-0123456789'
const ADMIN = { Authorization: `Bearer ${ADMIN_TOKEN}` }
const hosts: TestHost[] = []
const sockets: ViewerSocket[] = []
after(async () => {
  sockets.forEach((socket) => socket.close())
  await Promise.all(hosts.map((host) => host.dispose()))
})

async function host(overrides: Parameters<typeof startTestHost>[0]): Promise<TestHost> {
  const started = await startTestHost(overrides, { extend: attachDashboard })
  hosts.push(started)
  return started
}

async function viewerFrom(url: string, address?: string) {
  const connected = await connectFrom(url, address)
  sockets.push(connected.socket)
  return connected
}

async function channelsIn(url: string, state: string) {
  const res = await fetch(`${url}/api/channels?state=${state}`, { headers: ADMIN })
  return ((await res.json()) as { channels: Array<{ id: string }> }).channels
}

async function until(condition: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`)
    await sleep(50)
  }
}

describe('pending opens and the open timeout', () => {
  test('unfunded opens are capped per connection, per address and in total, each with its code; expiry frees them and deletes them', async () => {
    const h = await host({ pendingOpensPerConnection: 2, pendingOpensPerAddress: 3, pendingOpensTotal: 4, openTimeoutSeconds: 1.5 })
    const a = await viewerFrom(h.url)
    const requests = await openRequests(h.url, a.terms, 9)
    const next = () => requests.shift()!
    assert.equal((await sendOpen(a.socket, next())).ok, true)
    assert.equal((await sendOpen(a.socket, next())).ok, true)
    const perConnection = await sendOpen(a.socket, next())
    assert.equal(perConnection.ok, false)
    assert.equal(!perConnection.ok && perConnection.code, 'pending_opens_connection')

    const b = await viewerFrom(h.url)
    assert.equal((await sendOpen(b.socket, next())).ok, true)
    const perAddress = await sendOpen(b.socket, next())
    assert.equal(!perAddress.ok && perAddress.code, 'pending_opens_address')

    const c = await viewerFrom(h.url, '127.0.0.2')
    assert.equal((await sendOpen(c.socket, next())).ok, true)
    const d = await viewerFrom(h.url, '127.0.0.3')
    const total = await sendOpen(d.socket, next())
    assert.equal(!total.ok && total.code, 'pending_opens_host')
    assert.equal((await channelsIn(h.url, 'opening')).length, 4)

    // Past the timeout every unfunded open is gone from the store, refund and all, and the slots are free again.
    await until(async () => (await channelsIn(h.url, 'opening')).length === 0, 5_000)
    const again = await sendOpen(d.socket, next())
    assert.equal(again.ok, true)
  })

  test('funding a channel frees its slot at once; an expired open cannot be funded', async () => {
    const h = await host({ pendingOpensPerConnection: 1, openTimeoutSeconds: 1 })
    // openRawViewer opens and funds on one socket: with one pending slot per connection, funding must free it.
    const viewer = await openRawViewer(h.url, 5_000)
    sockets.push(viewer.socket)
    assert.equal((await sendOpen(viewer.socket, await openRequest(h.url, viewer.terms))).ok, true)

    const { socket, terms } = await viewerFrom(h.url)
    const opened = await sendOpen(socket, await openRequest(h.url, terms))
    assert.ok(opened.ok)
    await until(async () => !(await channelsIn(h.url, 'opening')).some((row) => row.id === opened.channelId), 5_000)
    const late = await new Promise<{ ok: boolean; code?: string }>((resolve) => socket.emit('fund', { channelId: opened.channelId, fundingTx: '00'.repeat(60) }, resolve))
    assert.equal(late.ok, false)
    assert.ok(late.code === 'unknown_channel' || late.code === 'open_expired', `refused with ${late.code}`)
    assert.equal((await channelsIn(h.url, 'open')).length, 1)
  })
})

describe('connections and messages per client address', () => {
  test('connections are capped per address with too_many_connections; a closed one frees its place', async () => {
    const h = await host({ connectionsPerAddress: 3 })
    const held = [await viewerFrom(h.url), await viewerFrom(h.url), await viewerFrom(h.url)]
    await assert.rejects(connectFrom(h.url), /too_many_connections/)
    // Another address is not affected.
    await viewerFrom(h.url, '127.0.0.2')
    held[0].socket.close()
    await until(async () => connectFrom(h.url).then((c) => (sockets.push(c.socket), true), () => false), 3_000)
  })

  test('messages from all connections of one address share one rate: address_rate_limited', async () => {
    const h = await host({ messagesPerSecondPerAddress: 5, messagesPerSecond: 40 })
    const viewers = [await viewerFrom(h.url), await viewerFrom(h.url), await viewerFrom(h.url)]
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => viewers.map(({ socket }) => request(socket, 'close', { channelId: '00'.repeat(12) }, 3_000))).flat(),
    )
    const codes = replies.map((reply) => (reply.ok ? 'ok' : reply.code))
    assert.ok(codes.includes('address_rate_limited'), codes.join(','))
    assert.ok(codes.every((code) => code === 'address_rate_limited' || code === 'unknown_channel'), codes.join(','))
    // A socket alone at this rate would be far under its own limit of 40/s: the address's bucket refused it.
    const other = await viewerFrom(h.url, '127.0.0.2')
    const reply = await new Promise<{ ok: boolean; code?: string }>((resolve) => other.socket.emit('close', { channelId: '00'.repeat(12) }, resolve))
    assert.equal(reply.code, 'unknown_channel')
  })
})

describe('rate-limited messages', () => {
  test('a flood past the limit gets its acknowledgements with rate_limited at once, and what they asked for is not done', async () => {
    const form = await hlsForm('ts-files')
    const h = await host({ mediaDir: form.mediaDir, price: 10, messagesPerSecond: 4 })
    const playlist = await (await fetch(`${h.url}/media/ts-files/180p/index.m3u8`)).text()
    const segment = `/media/ts-files/180p/${playlist.split('\n').find((line) => line.endsWith('.ts'))}`
    const viewer = await openRawViewer(h.url, 5_000)
    sockets.push(viewer.socket)
    // The flood: a bucket's worth of harmless messages, then a real payment, all at once. Each is answered well within
    // a second; the payment past the limit too, with the code, so the viewer knows to send it again.
    const started = Date.now()
    const flood = Array.from({ length: 12 }, () => request(viewer.socket, 'close', { channelId: '00'.repeat(12) }, 2_000))
    const payment = viewer.pay(segment, 20)
    const replies: Array<Reply<object>> = [...(await Promise.all(flood)), await payment]
    assert.ok(Date.now() - started < 2_000, `answered after ${Date.now() - started} ms`)
    const codes = replies.map((reply) => (reply.ok ? 'ok' : reply.code))
    assert.ok(codes.every((code) => code === 'unknown_channel' || code === 'rate_limited'), codes.join(','))
    assert.equal(codes.at(-1), 'rate_limited', 'the payment past the limit')
    // The host did nothing with it: the channel, read from another connection, has no payment.
    const other = await connect(h.url)
    sockets.push(other.socket)
    const snapshot = await request(other.socket, 'resume', { channelId: viewer.channelId, token: viewer.token }, 5_000)
    assert.ok(snapshot.ok)
    assert.deepEqual([snapshot.paid, snapshot.segments, snapshot.lastUpdate], [0, 0, null])
    // Sent again once the bucket refilled, the same payment is taken.
    await sleep(1_500)
    const again = await viewer.pay(segment, 20)
    assert.ok(again.ok, JSON.stringify(again))
  })
})

describe('slow clients (slowloris)', () => {
  test('a Socket.IO connection that never joins is dropped after the handshake timeout', async () => {
    const h = await host({ handshakeTimeoutSeconds: 0.5 })
    const open = await fetch(`${h.url}/socket.io/?EIO=4&transport=polling`)
    const sid = /"sid":"([^"]+)"/.exec(await open.text())?.[1]
    assert.ok(sid)
    await sleep(1_500)
    const poll = await fetch(`${h.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`)
    const body = await poll.text()
    // Either the close packet ("1") or the session already gone.
    assert.ok(poll.status === 400 || body.includes('1'), `${poll.status} ${body}`)
  })

  test('HTTP headers that never finish, and an idle keep-alive, are cut off', async () => {
    const h = await host({ headersTimeoutSeconds: 1, requestTimeoutSeconds: 2, keepAliveTimeoutSeconds: 1 })
    let answered = ''
    const closedWithin = (write: (socket: ReturnType<typeof connectTcp>) => void) =>
      new Promise<number>((resolve, reject) => {
        const started = Date.now()
        answered = ''
        const socket = connectTcp(h.port, '127.0.0.1', () => write(socket))
        socket.on('data', (chunk) => (answered += String(chunk)))
        socket.on('close', () => resolve(Date.now() - started))
        socket.on('error', () => {})
        setTimeout(() => reject(new Error('still open after 8 s')), 8_000).unref()
      })
    const slowHeaders = await closedWithin((socket) => socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '))
    assert.ok(slowHeaders < 6_000, `closed after ${slowHeaders} ms`)
    assert.match(answered, /^HTTP\/1\.1 408 /)
    const idle = await closedWithin((socket) => socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'))
    assert.ok(idle < 6_000, `closed after ${idle} ms`)
  })
})

describe('admin sign-in attempts', () => {
  test('wrong tokens are limited per address: then 429 too_many_attempts, even for the right token, on HTTP and the live feed', async () => {
    const h = await host({ adminAttemptsPerMinute: 3 })
    assert.equal((await fetch(`${h.url}/api/channels`, { headers: ADMIN })).status, 200)
    for (let i = 0; i < 3; i++) {
      const wrong = await fetch(`${h.url}/api/channels`, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })
      assert.equal(wrong.status, 403)
    }
    const limited = await fetch(`${h.url}/api/channels`, { headers: ADMIN })
    assert.equal(limited.status, 429)
    assert.ok(Number(limited.headers.get('retry-after')) > 0)
    const body = (await limited.json()) as { error: string; message: string }
    assert.equal(body.error, 'too_many_attempts')
    assert.match(body.message, /at most 3 a minute/)
    const feed = io(`${h.url}/host`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: ADMIN_TOKEN } })
    const refused = await new Promise<Error>((resolve) => feed.once('connect_error', resolve))
    feed.close()
    assert.match(refused.message, /^too_many_attempts/)
  })

  test('an IPv6 client is counted by its /64: new addresses from the same /64 do not get new attempts', async () => {
    // Behind nginx (--trust-proxy) the client is the address nginx appends to X-Forwarded-For.
    const h = await host({ adminAttemptsPerMinute: 3, trustProxy: true })
    const from = (address: string, token: string) => fetch(`${h.url}/api/channels`, { headers: { Authorization: `Bearer ${token}`, 'X-Forwarded-For': address } })
    for (const address of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff:ffff:ffff:fffe']) assert.equal((await from(address, 'wrong-token-0123456789')).status, 403)
    assert.equal((await from('2001:db8:1:2::abcd', ADMIN_TOKEN)).status, 429, 'the same /64')
    assert.equal((await from('2001:0db8:0001:0002:0000:0000:0000:0009', ADMIN_TOKEN)).status, 429, 'the same /64, written out')
    assert.equal((await from('2001:db8:1:3::1', ADMIN_TOKEN)).status, 200, 'the next /64')
    assert.equal((await from('192.0.2.1', ADMIN_TOKEN)).status, 200, 'an IPv4 client')
  })

  test('the admin token is never taken from the query string', async () => {
    const h = await host({})
    const res = await fetch(`${h.url}/api/channels?token=${ADMIN_TOKEN}`)
    assert.equal(res.status, 401)
  })
})
