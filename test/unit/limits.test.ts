import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkFundable } from '../../server/channels/open-checks.ts'
import { ClientLimits } from '../../server/socket/client-limits.ts'
import { AdminGate } from '../../server/api/require-admin.ts'
import { encodeCursor, parsePageQuery } from '../../server/api/channel-pages.ts'
import { parseConfig } from '../../server/config.ts'
import { clientAddress } from '../../server/security/client-address.ts'
import type { ChannelRecord } from '../../server/store/channel-store.ts'

const opening = { state: 'opening', fundingTx: null, createdAt: 1_000 } as ChannelRecord
const fundable = { accepting: true, fundingInFlight: false, openTimeoutMs: 60_000 }

test('a first funding after the open timeout is open_expired; one already sent is not', () => {
  assert.equal(checkFundable(opening, { ...fundable, now: 60_999 }).ok, true)
  const late = checkFundable(opening, { ...fundable, now: 61_000 })
  assert.equal(!late.ok && late.code, 'open_expired')
  assert.equal(checkFundable({ ...opening, fundingTx: 'ff' }, { ...fundable, now: 999_999 }).ok, true)
})

test('pending opens: a refused or released slot frees its place; an assigned one frees when its channel is released', () => {
  const limits = new ClientLimits({ connectionsPerAddress: 2, messagesPerSecondPerAddress: 1, pendingOpensPerConnection: 1, pendingOpensPerAddress: 5, pendingOpensTotal: 5, openTimeoutMs: 60_000 })
  const slot = { connection: 'a', address: '1.2.3.4' }
  assert.equal(limits.reserveOpen(slot, 0).ok, true)
  const second = limits.reserveOpen(slot, 0)
  assert.equal(!second.ok && second.code, 'pending_opens_connection')
  limits.assign(slot, 'c1', 0)
  limits.releaseChannel('c1')
  limits.releaseChannel('c1')
  assert.equal(limits.reserveOpen(slot, 0).ok, true, 'released once, however often its channel is named')
  limits.release(slot)
  assert.equal(limits.reserveOpen({ connection: 'b', address: '1.2.3.4' }, 0).ok, true)
})

test('a pending slot older than the open timeout is free again, even if another instance swept its open', () => {
  const limits = new ClientLimits({ connectionsPerAddress: 2, messagesPerSecondPerAddress: 1, pendingOpensPerConnection: 1, pendingOpensPerAddress: 1, pendingOpensTotal: 1, openTimeoutMs: 60_000 })
  const slot = { connection: 'a', address: 'x' }
  assert.equal(limits.reserveOpen(slot, 0).ok, true)
  limits.assign(slot, 'c1', 0)
  const early = limits.reserveOpen({ connection: 'b', address: 'y' }, 59_999)
  assert.equal(!early.ok && early.code, 'pending_opens_host')
  assert.equal(limits.reserveOpen({ connection: 'b', address: 'y' }, 60_000).ok, true)
})

test('connections per address: the limit, another address, and a place freed on disconnect', () => {
  const limits = new ClientLimits({ connectionsPerAddress: 1, messagesPerSecondPerAddress: 1, pendingOpensPerConnection: 1, pendingOpensPerAddress: 1, pendingOpensTotal: 1, openTimeoutMs: 60_000 })
  assert.equal(limits.connect('a').ok, true)
  const refused = limits.connect('a')
  assert.equal(!refused.ok && refused.code, 'too_many_connections')
  assert.equal(limits.connect('b').ok, true)
  limits.disconnect('a')
  assert.equal(limits.connect('a').ok, true)
})

test('admin attempts: wrong tokens count per address until the minute is over, and then even the right one is refused', () => {
  let now = 0
  const gate = new AdminGate('the-right-admin-token', 2, false, () => now)
  assert.equal(gate.check('wrong', 'x'), 'wrong')
  assert.equal(gate.check('the-right-admin-token', 'x'), 'admitted', 'the right token does not count')
  assert.equal(gate.check('wrong', 'x'), 'wrong')
  assert.equal(gate.check('the-right-admin-token', 'x'), 'limited')
  assert.equal(gate.check('the-right-admin-token', 'y'), 'admitted', 'another address')
  assert.equal(gate.retryAfterSeconds('x'), 60)
  now = 60_000
  assert.equal(gate.check('the-right-admin-token', 'x'), 'admitted')
})

test('behind a trusted proxy the client is the last X-Forwarded-For entry; otherwise the peer, whatever the header says', () => {
  const headers = { 'x-forwarded-for': '6.6.6.6, 10.0.0.7' }
  assert.equal(clientAddress('127.0.0.1', headers, true), '10.0.0.7')
  assert.equal(clientAddress('127.0.0.1', headers, false), '127.0.0.1')
  assert.equal(clientAddress('127.0.0.1', {}, true), '127.0.0.1')
})

test('page queries: states, a cursor the host wrote, a bounded limit', () => {
  const cursor = encodeCursor({ createdAt: 5, id: 'ab'.repeat(12) })
  assert.deepEqual(parsePageQuery({ state: 'open,closed', cursor, limit: '10' }), { ok: true, query: { states: ['open', 'closed'], before: { createdAt: 5, id: 'ab'.repeat(12) }, limit: 10 } })
  assert.deepEqual(parsePageQuery({}), { ok: true, query: { states: null, before: null, limit: 100 } })
  for (const bad of [{ state: 'nope' }, { cursor: 'zz' }, { limit: '1.5' }, { limit: '1001' }]) assert.equal(parsePageQuery(bad).ok, false)
})

test('the limits have their documented defaults', () => {
  const config = parseConfig({})
  assert.deepEqual(
    [config.openTimeoutSeconds, config.pendingOpensPerConnection, config.pendingOpensPerAddress, config.pendingOpensTotal, config.connectionsPerAddress, config.messagesPerSecondPerAddress, config.handshakeTimeoutSeconds, config.headersTimeoutSeconds, config.requestTimeoutSeconds, config.keepAliveTimeoutSeconds, config.adminAttemptsPerMinute, config.frameAncestors, config.allowOrigins],
    [60, 4, 16, 1000, 64, 200, 10, 10, 30, 5, 10, ["'self'"], []],
  )
  assert.throws(() => parseConfig({ headersTimeoutSeconds: 40 }), /--headers-timeout/)
  assert.deepEqual(parseConfig({ allowOrigins: ['https://blog.example/path'] }).allowOrigins, ['https://blog.example'])
})
