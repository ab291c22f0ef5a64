// A viewer may send its first update right behind "fund", without waiting for the answer: one round trip less before
// the first paid segment. The host runs the funding first and checks the update against what the funding left.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { signSegment } from '../../client/payer/payer.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'
import { offerRawChannel, send, type OfferedChannel } from '../support/raw-viewer.ts'

const PRICE = 10

function firstUpdate(offered: OfferedChannel, stream: TinyStream) {
  const segment = stream.segments[0]
  const signed = signSegment(offered.channel, offered.key, segment.path, PRICE * segment.duration, offered.terms.feeRate)
  assert.ok(signed.ok)
  return { channelId: offered.fund.channelId, tx: signed.tx, segment: segment.path }
}

async function paidOnHost(host: TestHost, id: string): Promise<number> {
  const res = await fetch(`${host.url}/api/channels`, { headers: { Authorization: `Bearer ${host.adminToken}` } })
  return ((await res.json()) as { channels: Array<{ id: string; paid: number }> }).channels.find((c) => c.id === id)?.paid ?? 0
}

describe('the first update sent right behind "fund"', () => {
  let host: TestHost
  let stream: TinyStream

  before(async () => {
    stream = writeTinyStream([2, 2])
    host = await startTestHost({ mediaDir: stream.mediaDir, price: PRICE })
    // The host sells only what a playlist it served lists.
    assert.equal((await fetch(`${host.url}/media/tiny/360p/index.m3u8`)).status, 200)
  })
  after(() => host.dispose())

  test('is taken once the funding made the channel live, and the segment is served with the funding\'s token', async () => {
    const offered = await offerRawChannel(host.url, 1_000)
    try {
      const [funded, paid] = await Promise.all([send(offered.socket, 'fund', offered.fund), send(offered.socket, 'update', firstUpdate(offered, stream))])
      assert.ok(funded.ok, JSON.stringify(funded))
      assert.ok(paid.ok, JSON.stringify(paid))
      assert.equal(paid.paid, PRICE * 2)
      assert.equal(await paidOnHost(host, offered.fund.channelId), PRICE * 2)
      const res = await fetch(`${host.url}${stream.segments[0].path}`, { headers: { 'X-Channel-Token': funded.token } })
      assert.equal(res.status, 200)
    } finally {
      offered.socket.disconnect()
    }
  })

  test('is refused, and nothing is recorded, when the funding is refused', async () => {
    const offered = await offerRawChannel(host.url, 1_000)
    try {
      // A funding without its parent, for an outpoint the funding does not create: the host refuses it before sending.
      const wrong = { ...offered.fund, fundingTx: offered.refundHex, fundingParents: [] }
      const [funded, paid] = await Promise.all([send(offered.socket, 'fund', wrong), send(offered.socket, 'update', firstUpdate(offered, stream))])
      assert.equal(funded.ok, false)
      assert.equal(paid.ok, false)
      if (!paid.ok) assert.equal(paid.code, 'channel_not_open')
      assert.equal(await paidOnHost(host, offered.fund.channelId), 0)
    } finally {
      offered.socket.disconnect()
    }
  })
})
