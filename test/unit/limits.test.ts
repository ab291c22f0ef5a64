import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkFundable } from '../../server/channels/open-checks.ts'
import { ClientLimits } from '../../server/socket/client-limits.ts'
import { AdminGate, tokenDigest } from '../../node-shared/admin-gate.ts'
import { AddressWindows, addressKey } from '../../node-shared/address-windows.ts'
import { encodeCursor, parsePageQuery } from '../../server/api/channel-pages.ts'
import { parseConfig } from '../../server/config.ts'
import { clientAddress } from '../../node-shared/client-address.ts'
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
  const gate = new AdminGate(tokenDigest('the-right-admin-token'), 2, false, () => now)
  assert.equal(gate.check('wrong', 'x'), 'wrong')
  assert.equal(gate.check('the-right-admin-token', 'x'), 'admitted', 'the right token does not count')
  assert.equal(gate.check('wrong', 'x'), 'wrong')
  assert.equal(gate.check('the-right-admin-token', 'x'), 'limited')
  assert.equal(gate.check('the-right-admin-token', 'y'), 'admitted', 'another address')
  assert.equal(gate.retryAfterSeconds('x'), 60)
  now = 60_000
  assert.equal(gate.check('the-right-admin-token', 'x'), 'admitted')
})

test('counted addresses: IPv6 by its /64, IPv4 (mapped too) as it is', () => {
  assert.equal(addressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64')
  assert.equal(addressKey('2001:0DB8:0001:0002:ffff:0:0:1'), '2001:db8:1:2::/64')
  assert.equal(addressKey('[2001:db8::1]'), '2001:db8:0:0::/64')
  assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64')
  assert.equal(addressKey('::1'), '0:0:0:0::/64')
  assert.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7')
  assert.equal(addressKey('64:ff9b::192.0.2.7'), '64:ff9b:0:0::/64')
  assert.equal(addressKey('192.0.2.7'), '192.0.2.7')
})

test('counted addresses are a bounded LRU: past the capacity the least recently counted is forgotten, the others kept', () => {
  let now = 0
  const windows = new AddressWindows(2, { capacity: 3, now: () => now })
  for (const address of ['10.0.0.1', '10.0.0.1', '10.0.0.2', '10.0.0.3']) windows.add(address)
  assert.equal(windows.full('10.0.0.1'), true)
  windows.add('10.0.0.2')
  windows.add('10.0.0.4')
  assert.equal(windows.size, 3)
  // 10.0.0.1 was counted least recently (10.0.0.2 was counted again since): it went.
  assert.equal(windows.full('10.0.0.1'), false)
  assert.equal(windows.full('10.0.0.2'), true)
  for (let i = 0; i < 10_000; i++) windows.add(`2001:db8:${i.toString(16)}::1`)
  assert.equal(windows.size, 3)
  now = 60_000
  windows.add('2001:db8:270f::1')
  assert.equal(windows.full('2001:db8:270f::2'), false, 'a new window once the minute is over')
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
