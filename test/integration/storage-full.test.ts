// The data folder fills up mid-stream (a small tmpfs, then a file that takes the rest): payments are refused with
// storage_unavailable and nothing is served for them; the host keeps running and serves again once space returns.
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { test } from 'node:test'
import request from 'supertest'
import { startDevnetServer } from '../../devnet/server.ts'
import { fillUp, removeTmpfs, smallTmpfs } from '../../scripts/chaos/full-disk.ts'
import { startTestHost, tempDir } from '../support/host.ts'
import { writeTinyStream } from '../support/media.ts'
import { openRawViewer } from '../support/raw-viewer.ts'

test('a full data folder refuses payments with storage_unavailable, serves nothing unpaid, and recovers', async (t) => {
  const dataDir = smallTmpfs(16)
  if (!dataDir) return t.skip('mounting a tmpfs needs root')
  const devnet = await startDevnetServer({ port: 0, host: '127.0.0.1', dataDir: tempDir('full-devnet'), blockIntervalSeconds: 0, testMode: false })
  const stream = writeTinyStream([2, 2, 2, 2])
  const host = await startTestHost({ mediaDir: stream.mediaDir, dataDir, devnetUrl: devnet.url, durability: 'normal' })
  try {
    await request(host.url).get(stream.playlist).expect(200)
    const viewer = await openRawViewer(host.url, 5_000)
    const segment = (i: number) => request(host.url).get(stream.segments[i].path).set('X-Channel-Token', viewer.token)
    assert.equal((await viewer.pay(stream.segments[0].path, 20)).ok, true)
    viewer.delivered(stream.segments[0].path)
    await segment(0).expect(200)

    const filler = fillUp(dataDir)
    const refused = []
    for (const i of [1, 2]) refused.push(await viewer.pay(stream.segments[i].path, 20))
    for (const reply of refused) assert.equal(!reply.ok && reply.code, 'storage_unavailable', JSON.stringify(reply))
    await segment(1).expect(402)
    await segment(2).expect(402)
    const health = await request(host.url).get('/health').expect(200)
    assert.equal(health.body.ok, true, 'the host is still up')

    rmSync(filler)
    const resumed = await viewer.pay(stream.segments[1].path, 20)
    assert.ok(resumed.ok, JSON.stringify(resumed))
    assert.equal(resumed.paid, 40, 'the refused updates left no trace: the next one follows the last accepted')
    await segment(1).expect(200)
    const settled = await viewer.send('close', { channelId: viewer.channelId })
    assert.ok(settled.ok && settled.paid === 40, JSON.stringify(settled))
    viewer.disconnect()
  } finally {
    await host.dispose()
    await devnet.close()
    removeTmpfs(dataDir)
  }
})
