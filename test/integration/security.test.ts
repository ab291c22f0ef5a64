// Security by default against a real host: the headers every response carries, the frame policy a host may loosen,
// other origins refused unless listed, and untrusted tip notes bounded and shown as sent.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { io } from 'socket.io-client'
import { TIP_NOTE_MAX_CHARS } from '../../protocol/message-limits.ts'
import type { DashboardSnapshot } from '../../protocol/dashboard.ts'
import { signTip } from '../../client/payer/payer.ts'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'
import { openRawViewer } from '../support/raw-viewer.ts'
import { connectFrom } from '../support/unfunded-opens.ts'

const ADMIN = { Authorization: 'Bearer test-admin-token-0123456789' }

function directives(csp: string | null): Map<string, string> {
  return new Map((csp ?? '').split(';').map((part) => part.trim()).filter(Boolean).map((part) => [part.split(' ')[0], part.slice(part.indexOf(' ') + 1)]))
}

describe('security headers and origins, by default', () => {
  let host: TestHost
  let stream: TinyStream
  before(async () => {
    stream = writeTinyStream([2, 2])
    host = await startTestHost({ mediaDir: stream.mediaDir }, { extend: attachDashboard })
  })
  after(() => host.dispose())

  test('the player, the dashboard and the APIs carry a CSP without inline scripts or styles, and frame-ancestors self', async () => {
    for (const path of ['/', '/host', '/api/info', '/health']) {
      const res = await fetch(`${host.url}${path}`)
      const csp = directives(res.headers.get('content-security-policy'))
      assert.equal(csp.get('script-src'), "'self'", path)
      assert.equal(csp.get('style-src'), "'self'", path)
      assert.equal(csp.get('frame-ancestors'), "'self'", path)
      assert.equal(csp.get('object-src'), "'none'", path)
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN', path)
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path)
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path)
    }
  })

  test('the pages hold no inline script or style for the CSP to block', async () => {
    for (const path of ['/', '/host']) {
      const html = await (await fetch(`${host.url}${path}`)).text()
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${path} has an inline script`)
      assert.doesNotMatch(html, /<style\b|\sstyle=|\son[a-z]+=/i, `${path} has an inline style or handler`)
    }
  })

  test('media answers with Referrer-Policy: no-referrer, paid or not', async () => {
    const playlist = await fetch(`${host.url}${stream.playlist}`)
    assert.equal(playlist.status, 200)
    assert.equal(playlist.headers.get('referrer-policy'), 'no-referrer')
    const segment = await fetch(`${host.url}${stream.segments[0].path}`)
    assert.equal(segment.status, 402)
    assert.equal(segment.headers.get('referrer-policy'), 'no-referrer')
  })

  test('another origin is refused by the APIs and by Socket.IO; the host\'s own origin passes', async () => {
    const foreign = await fetch(`${host.url}/api/info`, { headers: { Origin: 'http://evil.example' } })
    assert.equal(foreign.status, 403)
    assert.equal(((await foreign.json()) as { error: string }).error, 'origin_not_allowed')
    const own = await fetch(`${host.url}/api/info`, { headers: { Origin: host.url } })
    assert.equal(own.status, 200)
    await assert.rejects(connectFrom(host.url, '127.0.0.1', { Origin: 'http://evil.example' }))
    const { socket } = await connectFrom(host.url, '127.0.0.1', { Origin: host.url })
    socket.close()
  })

  test('tip notes are bounded by the protocol, stored, and come back in the snapshot as sent', async () => {
    const viewer = await openRawViewer(host.url, 5_000)
    const note = '<img src=x onerror="alert(1)"> thanks & <b>bye</b>'
    const tip = (text: string) => {
      const signed = signTip(viewer.channel, viewer.key, 50, viewer.terms.feeRate)
      assert.ok(signed.ok)
      return { signed, reply: viewer.send('tip', { channelId: viewer.channelId, tx: signed.tx, amount: 50, note: text }) }
    }
    const tooLong = await tip('x'.repeat(TIP_NOTE_MAX_CHARS + 1)).reply
    assert.equal(!tooLong.ok && tooLong.code, 'malformed')
    const sent = tip(note)
    assert.equal((await sent.reply).ok, true)
    viewer.channel = sent.signed.channel
    const snapshot = (await (await fetch(`${host.url}/api/host/stats`, { headers: ADMIN })).json()) as DashboardSnapshot
    assert.deepEqual(snapshot.tips.map(({ channelId, amount, note }) => ({ channelId, amount, note })), [{ channelId: viewer.channelId, amount: 50, note }])
    viewer.disconnect()
  })
})

describe('a host that loosens its policies', () => {
  let host: TestHost
  before(async () => {
    host = await startTestHost({ frameAncestors: ["'self'", 'https://blog.example'], allowOrigins: ['https://blog.example'] })
  })
  after(() => host.dispose())

  test('--frame-ancestors lets the listed site frame the player (and drops X-Frame-Options, which cannot say so)', async () => {
    const res = await fetch(`${host.url}/`)
    assert.equal(directives(res.headers.get('content-security-policy')).get('frame-ancestors'), "'self' https://blog.example")
    assert.equal(res.headers.get('x-frame-options'), null)
  })

  test('--allow-origin admits that origin to the APIs (with CORS headers) and to Socket.IO, and no other', async () => {
    const allowed = await fetch(`${host.url}/api/info`, { headers: { Origin: 'https://blog.example' } })
    assert.equal(allowed.status, 200)
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://blog.example')
    assert.equal((await fetch(`${host.url}/api/info`, { headers: { Origin: 'https://other.example' } })).status, 403)
    const { socket } = await connectFrom(host.url, '127.0.0.1', { Origin: 'https://blog.example' })
    socket.close()
    const refused = io(host.url, { transports: ['polling'], reconnection: false, forceNew: true, extraHeaders: { Origin: 'https://other.example' } })
    await new Promise((resolve) => refused.once('connect_error', resolve))
    refused.close()
  })
})
