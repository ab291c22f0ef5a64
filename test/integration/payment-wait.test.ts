// A segment request sent beside its payment (X-Payment-Wait): the host holds it until the payment is stored, then
// serves it, so a purchase takes one round trip instead of two; it never serves what is not paid, refuses at once when
// the payment is refused, gives up after the time asked for, holds a bounded number, and holds a request for a channel
// still being funded until it opens.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { MAX_PAYMENT_WAIT_MS, PAYMENT_WAIT_HEADER, TOKEN_HEADER } from '../../protocol/paywall.ts'
import { PrivateKey } from '@bsv/sdk'
import { io } from 'socket.io-client'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import type { PaidEntries } from '../../protocol/hls/entry-charge.ts'
import { PAYMENT_WAIT_LIMITS } from '../../server/paywall/payment-waits.ts'
import type { HostSocket } from '../../client/payer/host-request.ts'
import { keyWallet } from '../../client/payer/key-wallet.ts'
import { signSegment } from '../../client/payer/payer.ts'
import { ChannelSession } from '../../client/payer/session.ts'
import { MemoryStorage } from '../../client/payer/storage.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'
import { offerRawChannel, openRawViewer, send } from '../support/raw-viewer.ts'

const PRICE = 20
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('a segment request held for its payment', () => {
  let host: TestHost
  let stream: TinyStream

  before(async () => {
    stream = writeTinyStream([2, 2, 2, 2, 2, 2, 2, 2])
    host = await startTestHost({ mediaDir: stream.mediaDir, price: 10 })
    assert.equal((await fetch(host.url + stream.playlist)).status, 200)
  })
  after(() => host.dispose())

  const get = async (path: string, headers: Record<string, string>) => {
    const started = performance.now()
    const res = await fetch(host.url + path, { headers })
    const body = Buffer.from(await res.arrayBuffer())
    return { status: res.status, body, ms: performance.now() - started, json: () => JSON.parse(body.toString()) as { error: string } }
  }

  test('is served once its update is stored, with the segment\'s bytes; without the header the same request is a 402 at once', async () => {
    const viewer = await openRawViewer(host.url, 5_000)
    const [first] = stream.segments
    assert.equal((await get(first.path, { [TOKEN_HEADER]: viewer.token })).status, 402, 'no wait asked: refused at once')
    const held = get(first.path, { [TOKEN_HEADER]: viewer.token, [PAYMENT_WAIT_HEADER]: '3000' })
    // The update leaves after the request: the request is already waiting at the host.
    await pause(200)
    const paid = await viewer.pay(first.path, PRICE)
    assert.ok(paid.ok)
    const answer = await held
    assert.equal(answer.status, 200)
    assert.deepEqual(answer.body, first.bytes)
    assert.ok(answer.ms >= 200 && answer.ms < 3_000, `held until the payment, not the whole wait (${Math.round(answer.ms)} ms)`)
    viewer.delivered(first.path)
    viewer.disconnect()
  })

  test('a refused payment ends the hold at once with the 402; no payment, the 402 comes when the wait is over', async () => {
    const viewer = await openRawViewer(host.url, 5_000)
    const [, second, third] = stream.segments
    const held = get(second.path, { [TOKEN_HEADER]: viewer.token, [PAYMENT_WAIT_HEADER]: '4000' })
    await pause(100)
    // Too little for the segment: refused, and nothing is served for it.
    const cheap = signSegment(viewer.channel, viewer.key, second.path, 1, viewer.terms.feeRate)
    assert.ok(cheap.ok)
    const refused = await send(viewer.socket, 'update', { channelId: viewer.channelId, tx: cheap.tx, segment: second.path })
    assert.equal(refused.ok, false, JSON.stringify(refused))
    const answer = await held
    assert.equal(answer.status, 402)
    assert.equal(answer.json().error, 'payment_required')
    assert.ok(answer.ms < 2_000, `refused as soon as the payment was (${Math.round(answer.ms)} ms)`)

    const unpaid = await get(third.path, { [TOKEN_HEADER]: viewer.token, [PAYMENT_WAIT_HEADER]: '400' })
    assert.equal(unpaid.status, 402)
    assert.ok(unpaid.ms >= 390, `held for the wait asked (${Math.round(unpaid.ms)} ms)`)
    viewer.disconnect()
  })

  test('a bad header is a 400; a wait past the host\'s longest is held only that long', async () => {
    const viewer = await openRawViewer(host.url, 5_000)
    const [first] = stream.segments
    for (const bad of ['-1', '1.5', 'soon', '']) {
      const answer = await get(first.path, { [TOKEN_HEADER]: viewer.token, [PAYMENT_WAIT_HEADER]: bad })
      assert.equal(answer.status, 400, `"${bad}"`)
      assert.equal(answer.json().error, 'bad_wait')
    }
    assert.equal(MAX_PAYMENT_WAIT_MS, 5_000)
    viewer.disconnect()
  })

  test(`at most ${PAYMENT_WAIT_LIMITS.perChannel} requests wait for one channel: the next is answered at once`, async () => {
    const viewer = await openRawViewer(host.url, 5_000)
    const [, , , fourth] = stream.segments
    const waiting = Array.from({ length: PAYMENT_WAIT_LIMITS.perChannel }, () => get(fourth.path, { [TOKEN_HEADER]: viewer.token, [PAYMENT_WAIT_HEADER]: '1500' }))
    await pause(200)
    const over = await get(fourth.path, { [TOKEN_HEADER]: viewer.token, [PAYMENT_WAIT_HEADER]: '1500' })
    assert.equal(over.status, 402)
    assert.ok(over.ms < 1_000, `not held (${Math.round(over.ms)} ms)`)
    const held = await Promise.all(waiting)
    assert.deepEqual(held.map((answer) => answer.status), Array(PAYMENT_WAIT_LIMITS.perChannel).fill(402))
    viewer.disconnect()
  })

  test('the token "open" gives is held while the channel is funded, and served with the first update', async () => {
    const offered = await offerRawChannel(host.url, 5_000)
    const [first] = stream.segments
    assert.equal((await get(first.path, { [TOKEN_HEADER]: offered.token })).status, 403, 'before funding the token opens nothing')
    const held = get(first.path, { [TOKEN_HEADER]: offered.token, [PAYMENT_WAIT_HEADER]: '5000' })
    await pause(100)
    const funding = send(offered.socket, 'fund', offered.fund)
    const signed = signSegment(offered.channel, offered.key, first.path, PRICE, offered.terms.feeRate)
    assert.ok(signed.ok)
    const update = send(offered.socket, 'update', { channelId: offered.fund.channelId, tx: signed.tx, segment: first.path })
    const funded = await funding
    assert.ok(funded.ok)
    assert.equal(funded.token, offered.token, 'the same token')
    assert.ok((await update).ok)
    const answer = await held
    assert.equal(answer.status, 200)
    assert.deepEqual(answer.body, first.bytes)

    const stranger = await get(first.path, { [TOKEN_HEADER]: 'x'.repeat(43), [PAYMENT_WAIT_HEADER]: '300' })
    assert.equal(stranger.status, 403, 'a token no channel will ever have: refused when the wait is over')
    offered.socket.disconnect()
  })

  test('the player\'s session hands the token over as soon as each update is on its way, the first behind the funding: each request sent then is served', async () => {
    // The session hears the host's terms itself: a socket of its own from the start.
    const socket: HostSocket = io(host.url, { transports: ['websocket'], forceNew: true })
    const key = PrivateKey.fromRandom()
    const coin = await requestFaucet(`${host.url}/devnet`, key.toAddress(), 20_000)
    const session = new ChannelSession({ socket, wallet: keyWallet({ key, utxos: async () => [coin] }), storage: new MemoryStorage() })
    await session.waitForTerms()
    let fundSent = () => {}
    const fundOnItsWay = new Promise<void>((resolve) => (fundSent = resolve))
    const opened = session.open(5_000, fundSent)
    let funded = false
    void opened.then(() => (funded = true))
    await fundOnItsWay
    const sentBeforeFunded: boolean[] = []
    for (const segment of stream.segments.slice(5, 7)) {
      const chargeOf = (paid: PaidEntries | null) => ([...(paid?.ids() ?? [])].includes(segment.path) ? ({ kind: 'paid', reason: 'paid' } as const) : ({ kind: 'due', amount: PRICE, seconds: 2 } as const))
      const requests: Array<ReturnType<typeof get>> = []
      const paid = await session.payForSegment(segment.path, chargeOf, undefined, (token) => {
        sentBeforeFunded.push(!funded)
        requests.push(get(segment.path, { [TOKEN_HEADER]: token, [PAYMENT_WAIT_HEADER]: String(MAX_PAYMENT_WAIT_MS) }))
      })
      assert.equal(requests.length, 1, 'the request went with the update')
      const answer = await requests[0]
      assert.equal(answer.status, 200)
      assert.deepEqual(answer.body, segment.bytes)
      assert.equal(paid.charged, PRICE)
      session.markDelivered(segment.path)
    }
    await opened
    assert.deepEqual(sentBeforeFunded, [true, false], 'the first request went while "fund" was on its way, with the token "open" gave')
    assert.equal(session.snapshot().spent, 2 * PRICE, 'two segments, paid once each')
    const summary = await session.close()
    assert.equal(summary.paid, 2 * PRICE)
    socket.disconnect()
  })
})
