// No token, admin or channel, ever appears in a log line: a whole viewing session runs against a real host whose log
// is captured at its most verbose, and the log is searched for every token the session used.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import pino from 'pino'
import { io } from 'socket.io-client'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { startTestHost } from '../support/host.ts'
import { writeTinyStream } from '../support/media.ts'
import { openRawViewer } from '../support/raw-viewer.ts'

const ADMIN_TOKEN = 'test-admin-token-0123456789'
const WRONG_TOKEN = 'a-wrong-admin-token-guessed-9876'

test('a viewing session, the dashboard and failed sign-ins leave no token in the log', async () => {
  const lines: string[] = []
  const capture = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  const stream = writeTinyStream([2, 2, 2])
  const host = await startTestHost({ mediaDir: stream.mediaDir, logLevel: 'trace', adminToken: ADMIN_TOKEN }, { logger: pino({ level: 'trace' }, capture), extend: attachDashboard })
  const viewer = await openRawViewer(host.url, 5_000)
  try {
    await fetch(`${host.url}${stream.playlist}`)
    const [first, second] = stream.segments
    assert.equal((await viewer.pay(first.path, 20)).ok, true)
    assert.equal((await fetch(`${host.url}${first.path}`, { headers: { 'X-Channel-Token': viewer.token } })).status, 200)
    viewer.delivered(first.path)
    // The token in the query string (as hls.js may send it), unpaid, and a token that is wrong.
    assert.equal((await fetch(`${host.url}${second.path}?token=${viewer.token}`)).status, 402)
    // Its first character changed (a token that began with Z stayed itself before: a 402, one run in 64).
    const wrongToken = `${viewer.token.startsWith('Z') ? 'Y' : 'Z'}${viewer.token.slice(1)}`
    assert.equal((await fetch(`${host.url}${second.path}`, { headers: { 'X-Channel-Token': wrongToken } })).status, 403)
    assert.equal((await viewer.tip(30)).ok, true)
    assert.equal((await viewer.send('resume', { channelId: viewer.channelId, token: viewer.token })).ok, true)

    const asAdmin = { Authorization: `Bearer ${ADMIN_TOKEN}` }
    assert.equal((await fetch(`${host.url}/api/host/stats`, { headers: asAdmin })).status, 200)
    assert.equal((await fetch(`${host.url}/api/channels?state=open`, { headers: asAdmin })).status, 200)
    assert.equal((await fetch(`${host.url}/metrics`, { headers: asAdmin })).status, 200)
    assert.equal((await fetch(`${host.url}/api/channels`, { headers: { Authorization: `Bearer ${WRONG_TOKEN}` } })).status, 403)
    for (const token of [ADMIN_TOKEN, WRONG_TOKEN]) {
      const feed = io(`${host.url}/host`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } })
      await new Promise((resolve) => {
        feed.once('snapshot', resolve)
        feed.once('connect_error', resolve)
      })
      feed.close()
    }
    const closed = await viewer.send('close', { channelId: viewer.channelId })
    assert.equal(closed.ok, true)
  } finally {
    viewer.disconnect()
    await host.dispose()
  }

  // The access log saw the session's requests, media with a token among them: the search below had something to search.
  assert.ok(lines.some((line) => line.includes(stream.segments[1].path)), 'the host logged no request: the capture is not wired')
  const log = lines.join('\n')
  for (const [name, token] of [['admin', ADMIN_TOKEN], ['wrong admin', WRONG_TOKEN], ['channel', viewer.token]] as const) {
    assert.equal(log.includes(token), false, `the ${name} token appears in the log`)
  }
})
