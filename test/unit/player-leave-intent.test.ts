// Which navigations keep the viewer with the host (the channel stays open for the next page) and which leave it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { staysWithHost } from '../../client/player/leave-intent.ts'

const ORIGIN = 'http://127.0.0.1:8080'

test('a reload or a page of the same host stays; another origin, or an unknown destination, leaves', () => {
  assert.equal(staysWithHost('reload', undefined, ORIGIN), true)
  assert.equal(staysWithHost('push', `${ORIGIN}/?stream=%2Fmedia%2Fshow%2Fmaster.m3u8`, ORIGIN), true, 'another stream of the host')
  assert.equal(staysWithHost('traverse', `${ORIGIN}/host`, ORIGIN), true, 'back to another page of the host')
  assert.equal(staysWithHost('push', 'http://127.0.0.1:8081/', ORIGIN), false, 'another port is another host')
  assert.equal(staysWithHost('push', 'http://example.com/', ORIGIN), false)
  assert.equal(staysWithHost('push', undefined, ORIGIN), false)
  assert.equal(staysWithHost('push', 'not a url', ORIGIN), false)
})
