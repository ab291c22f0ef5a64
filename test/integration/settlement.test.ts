// The host settles on its own: when a viewer goes idle and before the refund deadline, telling the viewer why.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import request from 'supertest'
import type { SettlementSummary } from '../../protocol/messages.ts'
import { startTestHost } from '../support/host.ts'
import { writeTinyStream } from '../support/media.ts'
import { openRawViewer } from '../support/raw-viewer.ts'

test('an idle channel is settled on chain and the viewer gets its summary', async () => {
  const stream = writeTinyStream([2, 2])
  const host = await startTestHost({ mediaDir: stream.mediaDir, idleTimeoutSeconds: 1 })
  try {
    await request(host.url).get(stream.playlist)
    const viewer = await openRawViewer(host.url, 5_000)
    const settled = new Promise<SettlementSummary>((resolve) => viewer.socket.once('settled', resolve))
    assert.equal((await viewer.pay(stream.segments[0].path, 20)).ok, true)
    viewer.delivered(stream.segments[0].path)
    const summary = await settled
    assert.equal(summary.reason, 'idle')
    assert.equal(summary.paid, 20)
    assert.ok(summary.closeTxid)
    assert.ok(host.ledger!.rawTx(summary.closeTxid!), 'the close is on the devnet')
    const late = await viewer.pay(stream.segments[1].path, 20)
    assert.equal(!late.ok && late.code, 'channel_not_open')
    viewer.disconnect()
  } finally {
    await host.dispose()
  }
})

test('near the refund deadline updates are refused and the channel settles before T', async () => {
  const stream = writeTinyStream([2, 2])
  const host = await startTestHost({ mediaDir: stream.mediaDir, lifetimeBlocks: 10, deadlineMarginBlocks: 3 })
  try {
    await request(host.url).get(stream.playlist)
    const viewer = await openRawViewer(host.url, 5_000)
    const settled = new Promise<SettlementSummary>((resolve) => viewer.socket.once('settled', resolve))
    assert.equal((await viewer.pay(stream.segments[0].path, 20)).ok, true)
    viewer.delivered(stream.segments[0].path)
    const lockTime = viewer.channel.lockTime
    while (host.ledger!.height < lockTime - 3) host.ledger!.mine()
    await host.chainView.refresh()
    const refused = await viewer.pay(stream.segments[1].path, 20)
    // Whichever comes first, the payee's deadline check or the scheduler's settlement, the update is refused.
    assert.ok(!refused.ok && ['past_deadline', 'channel_not_open'].includes(refused.code), JSON.stringify(refused))
    const summary = await settled
    assert.equal(summary.reason, 'deadline')
    assert.equal(summary.paid, 20)
    assert.ok(host.ledger!.height < lockTime, 'settled before the refund could be valid')
    assert.equal(host.ledger!.txStatus(summary.closeTxid!)?.status, 'SEEN_ON_NETWORK')
    viewer.disconnect()
  } finally {
    await host.dispose()
  }
})

test('a payment that crosses a host stop is refused only after the viewer has the settlement, and carries it', async () => {
  const stream = writeTinyStream([2, 2])
  const host = await startTestHost({ mediaDir: stream.mediaDir })
  try {
    await request(host.url).get(stream.playlist)
    const viewer = await openRawViewer(host.url, 5_000)
    assert.equal((await viewer.pay(stream.segments[0].path, 20)).ok, true)
    viewer.delivered(stream.segments[0].path)
    const heard: string[] = []
    let announced: SettlementSummary | null = null
    viewer.socket.once('settled', (summary) => {
      heard.push('settled')
      announced = summary
    })
    // The update is on the wire when the stop unloads the channel; the close is still on its way to the ledger.
    const crossing = viewer.pay(stream.segments[1].path, 20).then((reply) => (heard.push('reply'), reply))
    const [settlements, refused] = await Promise.all([host.channels.switch.set(false), crossing])
    assert.deepEqual(heard, ['settled', 'reply'])
    assert.equal(!refused.ok && refused.code, 'channel_not_open')
    assert.ok(!refused.ok && refused.settlement)
    assert.deepEqual(refused.settlement, announced)
    assert.deepEqual(refused.settlement, settlements[0])
    assert.equal(settlements[0].reason, 'host_stopped')
    assert.equal(settlements[0].paid, 20)
    assert.ok(host.ledger!.rawTx(settlements[0].closeTxid!), 'the close is on the devnet')
    viewer.disconnect()
  } finally {
    await host.dispose()
  }
})
