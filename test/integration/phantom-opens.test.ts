// A flood of unfunded opens against a real host with its dashboard: none of them reaches the dashboard's figures or
// its table, and the admin API pages through channels by state, so the real viewer's open channel is always found.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { ChannelPage, DashboardSnapshot } from '../../protocol/dashboard.ts'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { openRawViewer, type RawViewer } from '../support/raw-viewer.ts'
import { connectFrom, openRequests, sendOpen } from '../support/unfunded-opens.ts'

const ADMIN = { Authorization: 'Bearer test-admin-token-0123456789' }
const PHANTOMS = 40

async function admin<T>(host: TestHost, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${host.url}${path}`, { headers: ADMIN })
  return { status: res.status, body: (await res.json()) as T }
}

describe('phantom opens', () => {
  let host: TestHost
  let viewer: RawViewer

  before(async () => {
    host = await startTestHost({ pendingOpensPerConnection: PHANTOMS, pendingOpensPerAddress: PHANTOMS }, { extend: attachDashboard })
    viewer = await openRawViewer(host.url, 5_000)
    const { socket, terms } = await connectFrom(host.url)
    for (const request of await openRequests(host.url, terms, PHANTOMS)) assert.equal((await sendOpen(socket, request)).ok, true)
    socket.close()
  })
  after(async () => {
    viewer.disconnect()
    await host.dispose()
  })

  test('the dashboard counts and lists only funded channels', async () => {
    const { body: snapshot } = await admin<DashboardSnapshot>(host, '/api/host/stats')
    assert.equal(snapshot.channels.open, 1)
    assert.deepEqual(snapshot.channelRows.map((row) => row.id), [viewer.channelId])
    assert.equal(snapshot.channelCursor, null)
  })

  test('?state=open finds the open channel however many opens came after it', async () => {
    const { body } = await admin<ChannelPage>(host, '/api/channels?state=open&limit=5')
    assert.deepEqual(body.channels.map((row) => row.id), [viewer.channelId])
    assert.equal(body.nextCursor, null)
    const { body: opening } = await admin<ChannelPage>(host, '/api/channels?state=opening&limit=1000')
    assert.equal(opening.channels.length, PHANTOMS)
  })

  test('paging through every state visits each channel once, newest first', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = `/api/channels?limit=7${cursor ? `&cursor=${cursor}` : ''}`
      const { body } = await admin<ChannelPage>(host, query)
      seen.push(...body.channels.map((row) => row.id))
      cursor = body.nextCursor
      pages++
    } while (cursor && pages < 20)
    assert.equal(seen.length, PHANTOMS + 1)
    assert.equal(new Set(seen).size, PHANTOMS + 1)
    assert.equal(seen[seen.length - 1], viewer.channelId)
  })

  test('a bad state, cursor or limit is a 400 bad_query', async () => {
    for (const query of ['state=bogus', 'cursor=not-a-cursor', 'limit=0', 'limit=100000', 'state=']) {
      const { status, body } = await admin<{ error: string }>(host, `/api/channels?${query}`)
      assert.equal(status, 400, query)
      assert.equal(body.error, 'bad_query', query)
    }
  })
})
