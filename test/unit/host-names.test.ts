// The names a host answers to (DNS rebinding is refused by name) and which peers are this machine's own.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hostHeaderName, isLoopbackAddress, isLoopbackBind, localHostNames, normalizeName, ownHostNames } from '../../node-shared/host-names.ts'

test('a Host header gives its name, normalized, or null when it is not a plain name with an optional port', () => {
  const cases: Array<[string | undefined, string | null]> = [
    ['127.0.0.1:8080', '127.0.0.1'],
    ['LocalHost:8080', 'localhost'],
    ['localhost.', 'localhost'],
    ['[::1]:8080', '[::1]'],
    ['[0:0:0:0:0:0:0:1]', '[0:0:0:0:0:0:0:1]'],
    ['video.example.com', 'video.example.com'],
    [undefined, null],
    ['', null],
    ['attacker.example@127.0.0.1', null],
    ['127.0.0.1:8080/path', null],
    ['127.0.0.1 :8080', null],
    ['::1', null],
    ['a..b', null],
    ['-a.example', null],
    ['x:99999999', null],
  ]
  for (const [header, name] of cases) assert.equal(hostHeaderName(header), name, String(header))
  assert.equal(normalizeName('::1'), '[::1]', 'a bind address without brackets')
})

test("the host's names: loopback's, the bound address or every interface's, and --public-host", () => {
  const own = (bind: string, publicHosts: string[] = []) => [...ownHostNames({ bind, publicHosts, interfaceAddresses: ['192.168.1.5', 'fe80::1'] })].sort()
  assert.deepEqual(own('127.0.0.1'), ['127.0.0.1', '[::1]', 'localhost'])
  assert.deepEqual(own('10.0.0.7', ['Video.Example.com']), ['10.0.0.7', '127.0.0.1', '[::1]', 'localhost', 'video.example.com'])
  assert.deepEqual(own('0.0.0.0'), ['127.0.0.1', '192.168.1.5', '[::1]', '[fe80::1]', 'localhost'])
  assert.deepEqual(own('::'), ['127.0.0.1', '192.168.1.5', '[::1]', '[fe80::1]', 'localhost'])
  assert.deepEqual([...localHostNames('0.0.0.0')].sort(), ['127.0.0.1', '[::1]', 'localhost'], 'a wildcard bind is not a loopback name')
  assert.deepEqual([...localHostNames('127.0.0.2')].sort(), ['127.0.0.1', '127.0.0.2', '[::1]', 'localhost'])
})

test('loopback peers and binds', () => {
  for (const address of ['127.0.0.1', '127.0.0.9', '::1', '::ffff:127.0.0.1', '[::1]']) assert.equal(isLoopbackAddress(address), true, address)
  for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '2001:db8::1', '', undefined, '127.0.0.1.example']) assert.equal(isLoopbackAddress(address), false, String(address))
  for (const bind of ['127.0.0.1', '::1', 'localhost', 'LOCALHOST']) assert.equal(isLoopbackBind(bind), true, bind)
  for (const bind of ['0.0.0.0', '::', '192.0.2.1', 'video.example.com']) assert.equal(isLoopbackBind(bind), false, bind)
})
