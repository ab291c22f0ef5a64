import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createServer, type Server } from 'node:http'
import { connect as connectTcp, type AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import express from 'express'
import request from 'supertest'
import { PrivateKey, Transaction } from '@bsv/sdk'
import { p2pkhLockingScript } from '../../protocol/scripts.ts'
import { signSegment } from '../../client/payer/payer.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'
import { connect, openRawViewer, send } from '../support/raw-viewer.ts'

const PRICE = 10
const ADMIN = { Authorization: 'Bearer test-admin-token-0123456789' }

async function loadPlaylist(host: TestHost, stream: TinyStream) {
  const res = await request(host.url).get(stream.playlist)
  assert.equal(res.status, 200)
}

describe('paywall with the built-in static origin', () => {
  let host: TestHost
  let stream: TinyStream

  before(async () => {
    stream = writeTinyStream([2, 2, 2, 2, 1.5])
    host = await startTestHost({ mediaDir: stream.mediaDir, price: PRICE })
    await loadPlaylist(host, stream)
  })
  after(() => host.dispose())

  test('an unpaid segment answers 402 with the price, the channel and how to pay', async () => {
    const res = await request(host.url).get(stream.segments[0].path)
    assert.equal(res.status, 402)
    assert.equal(res.body.error, 'payment_required')
    assert.equal(res.body.price, 20)
    assert.equal(res.body.segment, stream.segments[0].path)
    assert.match(res.body.howToPay, /update/)

    const viewer = await openRawViewer(host.url, 5_000)
    const withToken = await request(host.url).get(stream.segments[0].path).set('X-Channel-Token', viewer.token)
    assert.equal(withToken.status, 402)
    assert.equal(withToken.body.channelId, viewer.channelId)
    assert.equal(withToken.body.required, 20)
    assert.equal(withToken.body.lastUpdate, null)
    viewer.disconnect()
  })

  test('a paid segment is served with exactly the origin bytes; asking again is free', async () => {
    const viewer = await openRawViewer(host.url, 5_000)
    const [first] = stream.segments
    const paid = await viewer.pay(first.path, 20)
    assert.deepEqual(paid, { ok: true, sequence: 1, paid: 20 })
    const res = await request(host.url).get(first.path).set('X-Channel-Token', viewer.token).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = []
      r.on('data', (c: Buffer) => chunks.push(c))
      r.on('end', () => cb(null, Buffer.concat(chunks)))
    })
    assert.equal(res.status, 200)
    assert.ok(Buffer.compare(res.body as Buffer, first.bytes) === 0)
    const again = await request(host.url).get(first.path).set('X-Channel-Token', viewer.token)
    assert.equal(again.status, 200)
    // The token in a URL is not read: it would end up in logs on the way (docs/security.md).
    const inQuery = await request(host.url).get(`${first.path}?token=${viewer.token}`)
    assert.equal(inQuery.status, 402)
    assert.doesNotMatch(inQuery.body.message, /query/)
    viewer.delivered(first.path)

    const next = await request(host.url).get(stream.segments[1].path).set('X-Channel-Token', viewer.token)
    assert.equal(next.status, 402)
    assert.equal(next.body.paid, 20)
    assert.equal(next.body.required, 40)
    assert.equal(next.body.lastUpdate.sequence, 1)
    viewer.disconnect()
  })

  test('replayed, stale and wrongly signed updates are rejected and change nothing', async () => {
    const viewer = await openRawViewer(host.url, 5_000)
    const [a, b, c] = stream.segments
    const first = signSegment(viewer.channel, viewer.key, a.path, 20, viewer.terms.feeRate)
    assert.ok(first.ok)
    assert.equal((await viewer.send('update', { channelId: viewer.channelId, tx: first.tx, segment: a.path })).ok, true)
    viewer.channel = first.channel
    viewer.delivered(a.path)

    const replay = await viewer.send('update', { channelId: viewer.channelId, tx: first.tx, segment: b.path })
    assert.equal(replay.ok, false)
    assert.equal(!replay.ok && replay.code, 'replay')

    const second = await viewer.pay(b.path, 20)
    assert.equal(second.ok, true)
    viewer.delivered(b.path)
    const stale = await viewer.send('update', { channelId: viewer.channelId, tx: first.tx, segment: c.path })
    assert.equal(!stale.ok && stale.code, 'stale')

    const stranger = PrivateKey.fromRandom()
    const forged = signSegment(viewer.channel, stranger, c.path, 20, viewer.terms.feeRate)
    assert.ok(forged.ok)
    const wrongKey = await viewer.send('update', { channelId: viewer.channelId, tx: forged.tx, segment: c.path })
    assert.equal(!wrongKey.ok && wrongKey.code, 'bad_signature')

    const rows = (await request(host.url).get('/api/channels').set(ADMIN)).body.channels
    const row = rows.find((r: { id: string }) => r.id === viewer.channelId)
    assert.equal(row.paid, 40)
    assert.equal(row.segments, 2)
    const refused = await request(host.url).get(c.path).set('X-Channel-Token', viewer.token)
    assert.equal(refused.status, 402)
    viewer.disconnect()
  })

  test('updates sent back to back on one channel are checked in order, each against the state the last one left', async () => {
    const viewer = await openRawViewer(host.url, 5_000)
    const [a, b, c] = stream.segments
    const first = signSegment(viewer.channel, viewer.key, a.path, 20, viewer.terms.feeRate)
    assert.ok(first.ok)
    const second = signSegment({ ...first.channel, awaitingDelivery: null }, viewer.key, b.path, 20, viewer.terms.feeRate)
    assert.ok(second.ok)
    const replayOfFirst = signSegment(viewer.channel, viewer.key, c.path, 20, viewer.terms.feeRate)
    assert.ok(replayOfFirst.ok)
    const replies = await Promise.all([
      viewer.send('update', { channelId: viewer.channelId, tx: first.tx, segment: a.path }),
      viewer.send('update', { channelId: viewer.channelId, tx: second.tx, segment: b.path }),
      viewer.send('update', { channelId: viewer.channelId, tx: replayOfFirst.tx, segment: c.path }),
    ])
    assert.deepEqual(replies[0], { ok: true, sequence: 1, paid: 20 })
    assert.deepEqual(replies[1], { ok: true, sequence: 2, paid: 40 })
    assert.equal(!replies[2].ok && replies[2].code, 'stale', 'an update paying no more than the last accepted one is refused')
    viewer.disconnect()
  })

  test("another channel's token, an unknown token and a closed channel's token never get the bytes", async () => {
    const alice = await openRawViewer(host.url, 5_000)
    const bob = await openRawViewer(host.url, 5_000)
    const [a] = stream.segments
    assert.equal((await alice.pay(a.path, 20)).ok, true)
    const bobTries = await request(host.url).get(a.path).set('X-Channel-Token', bob.token)
    assert.equal(bobTries.status, 402)
    assert.equal(bobTries.body.channelId, bob.channelId)
    const unknown = await request(host.url).get(a.path).set('X-Channel-Token', 'x'.repeat(43))
    assert.equal(unknown.status, 403)

    const closed = await alice.send('close', { channelId: alice.channelId })
    assert.equal(closed.ok, true)
    const afterClose = await request(host.url).get(a.path).set('X-Channel-Token', alice.token)
    assert.equal(afterClose.status, 403)
    assert.equal(afterClose.body.error, 'invalid_token')
    alice.disconnect()
    bob.disconnect()
  })

  test('pay, serve and close: the close tx pays the host price x seconds served and the viewer the rest minus the fee', async () => {
    const viewer = await openRawViewer(host.url, 2_000)
    let seconds = 0
    for (const segment of stream.segments) {
      const price = Math.round(PRICE * segment.duration)
      assert.equal((await viewer.pay(segment.path, price)).ok, true)
      assert.equal((await request(host.url).get(segment.path).set('X-Channel-Token', viewer.token)).status, 200)
      viewer.delivered(segment.path)
      seconds += segment.duration
    }
    assert.equal((await viewer.tip(25)).ok, true)
    const summary = await viewer.send('close', { channelId: viewer.channelId })
    assert.ok(summary.ok)
    assert.equal(summary.seconds, seconds)
    assert.equal(summary.segments, stream.segments.length)
    assert.equal(summary.tips, 25)
    assert.equal(summary.paid, PRICE * seconds + 25)
    assert.ok(summary.closeTxid)

    const raw = host.ledger!.rawTx(summary.closeTxid!)
    assert.ok(raw, 'the devnet has the close tx')
    const close = Transaction.fromHex(raw)
    const hostScript = viewer.terms.payoutScript
    const viewerScript = p2pkhLockingScript(viewer.key.toPublicKey().toString()).toHex()
    assert.equal(close.outputs[0].lockingScript.toHex(), hostScript)
    assert.equal(close.outputs[0].satoshis, PRICE * seconds + 25)
    assert.equal(close.outputs[1].lockingScript.toHex(), viewerScript)
    assert.equal(close.outputs[1].satoshis, viewer.channel.funding.satoshis - (PRICE * seconds + 25) - summary.fee)
    assert.equal(summary.change, close.outputs[1].satoshis)

    const again = await viewer.send('close', { channelId: viewer.channelId })
    assert.ok(again.ok)
    assert.equal(again.closeTxid, summary.closeTxid, 'settling twice returns the same settlement')
    viewer.disconnect()
  })

  test('malformed, unknown and unauthorised messages get specific errors and the server keeps serving', async () => {
    const { socket, terms } = await connect(host.url)
    const viewer0Script = terms.payoutScript
    const malformed = await send(socket, 'update', { channelId: 'nope', tx: 'zz', segment: '/etc/passwd' } as never)
    assert.equal(!malformed.ok && malformed.code, 'malformed')
    const garbageTx = await send(socket, 'open', { payerPublicKey: '02' + '11'.repeat(32), fundingTxid: 'ab'.repeat(32), fundingVout: 0, capacity: 5000, refundTx: 'deadbeef', payoutScript: viewer0Script })
    assert.equal(garbageTx.ok, false)
    const notMine = await send(socket, 'close', { channelId: 'a'.repeat(24) })
    assert.equal(!notMine.ok && notMine.code, 'unknown_channel')
    const protocolError = new Promise<{ code: string }>((resolve) => socket.once('protocolError', resolve))
    ;(socket.emit as (event: string, payload: unknown) => void)('launch_missiles', {})
    assert.equal((await protocolError).code, 'malformed')
    socket.disconnect()
    assert.equal((await request(host.url).get('/health')).status, 200)
  })

  test('an oversized message is cut off at the transport and changes nothing', async () => {
    const { socket } = await connect(host.url)
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve))
    socket.emit('update', { channelId: 'a'.repeat(24), tx: 'ab'.repeat(200_000), segment: '/media/tiny/360p/seg_000.ts' }, () => {})
    assert.match(await closed, /transport (close|error)/)
    assert.equal((await request(host.url).get('/health')).status, 200)
  })

  test('a flood of messages is rate limited: with an acknowledgement it carries the code, without one a protocolError does', async () => {
    const { socket } = await connect(host.url)
    const limited = new Promise<{ code: string }>((resolve) => socket.once('protocolError', resolve))
    const replies = Array.from({ length: 200 }, () => send(socket, 'close', { channelId: 'a'.repeat(24) }))
    ;(socket.emit as (event: string, payload: unknown) => void)('close', { channelId: 'a'.repeat(24) })
    const codes = new Set((await Promise.all(replies)).map((reply) => (reply.ok ? 'ok' : reply.code)))
    assert.deepEqual([...codes].sort(), ['rate_limited', 'unknown_channel'])
    assert.equal((await limited).code, 'rate_limited')
    socket.disconnect()
  })

  test('path traversal never leaves the media root', async () => {
    for (const path of ['/media/../package.json', '/media/%2e%2e/package.json', '/media/tiny/..%2f..%2fpackage.json', '/media/.%2e/.%2e/etc/passwd', '/media/..\\package.json']) {
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const socket = connectTcp(host.port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`))
        let data = ''
        socket.on('data', (chunk) => (data += chunk))
        socket.on('end', () => resolve({ status: Number(data.split(' ')[1]), body: data }))
        socket.on('error', reject)
      })
      assert.ok(res.status === 400 || res.status === 404, `${path} -> ${res.status}`)
      assert.doesNotMatch(res.body, /"name": "p2p-channels"|root:x:0/)
    }
  })

  test('garbage HTTP gets a 400 and the host stays up', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connectTcp(host.port, '127.0.0.1', () => socket.write('\x16\x03\x01garbage that is not http\r\n\r\n'))
      let data = ''
      socket.on('data', (chunk) => (data += chunk))
      socket.on('close', () => resolve(data))
    })
    assert.match(reply, /^HTTP\/1\.1 400/)
    assert.equal((await request(host.url).get('/health')).status, 200)
  })

  test('the admin API refuses a missing or wrong token', async () => {
    assert.equal((await request(host.url).get('/api/channels')).status, 401)
    assert.equal((await request(host.url).get('/api/channels').set('Authorization', 'Bearer wrong-token-000000000')).status, 403)
  })
})

describe('paywall in front of an external origin', () => {
  let origin: Server
  let host: TestHost
  let stream: TinyStream

  before(async () => {
    stream = writeTinyStream([2, 2])
    const app = express()
    app.use('/', express.static(stream.mediaDir))
    origin = createServer(app)
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
    const originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/`
    host = await startTestHost({ mediaDir: stream.mediaDir, origin: originUrl, originTimeoutMs: 2_000 })
  })
  after(async () => {
    await host.dispose()
    origin.close()
  })

  test('proxies playlists free, segments against payment, Range passes through; a dead origin gives 502', async () => {
    await loadPlaylist(host, stream)
    const viewer = await openRawViewer(host.url, 5_000)
    const [first] = stream.segments
    assert.equal((await viewer.pay(first.path, 20)).ok, true)
    const whole = await request(host.url).get(first.path).set('X-Channel-Token', viewer.token).buffer(true)
    assert.equal(whole.status, 200)
    const bytes = readFileSync(join(stream.mediaDir, 'tiny', '360p', 'seg_000.ts'))
    assert.equal(Number(whole.headers['content-length']), bytes.length)
    const range = await request(host.url).get(first.path).set('X-Channel-Token', viewer.token).set('Range', 'bytes=10-19')
    assert.equal(range.status, 206)
    assert.equal(range.headers['content-range'], `bytes 10-19/${bytes.length}`)

    await new Promise<void>((resolve) => {
      origin.closeAllConnections()
      origin.close(() => resolve())
    })
    const down = await request(host.url).get(first.path).set('X-Channel-Token', viewer.token)
    assert.equal(down.status, 502)
    assert.match(down.body.message, /could not be reached/)
    const playlistDown = await request(host.url).get(stream.playlist)
    assert.equal(playlistDown.status, 502)
    viewer.disconnect()
  })
})
