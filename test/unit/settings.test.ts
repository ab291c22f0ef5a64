// One source for configuration: the settings table makes the command line, the P2P_ variables, the help and the
// validated configuration, so each setting is reachable every way with the same default.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { envName, hostCommand } from '../../server/command-line.ts'
import { ConfigError } from '../../node-shared/config-error.ts'
import { parseConfig } from '../../server/config.ts'
import { flagName, SETTINGS, type SettingKey } from '../../server/settings.ts'

function configFrom(args: string[], env: Record<string, string> = {}) {
  const saved = { ...process.env }
  Object.assign(process.env, env)
  try {
    const { program, input } = hostCommand()
    program.exitOverride().parse(args, { from: 'user' })
    return parseConfig(input())
  } finally {
    for (const key of Object.keys(env)) delete process.env[key]
    Object.assign(process.env, saved)
  }
}

test('with no flag and no variable, the command line gives the schema defaults', () => {
  assert.deepEqual(configFrom([]), parseConfig({}))
})

test('every setting has a flag and a P2P_ variable, and a value given either way arrives under its key', () => {
  const keys = Object.keys(SETTINGS) as SettingKey[]
  assert.equal(new Set(keys.map(flagName)).size, keys.length, 'flags are unique')
  assert.equal(configFrom(['--port', '9001', '--lifetime', '200']).port, 9001)
  assert.equal(configFrom([], { P2P_PORT: '9002' }).port, 9002)
  assert.equal(configFrom([], { P2P_MAX_PENDING_OPENS: '7' }).pendingOpensTotal, 7)
  assert.equal(configFrom(['--min-capacity', '2000']).minCapacity, 2000)
  assert.equal(configFrom(['--trust-proxy']).trustProxy, true)
  assert.equal(configFrom(['--no-sample']).generateSample, false)
  assert.equal(envName('--max-pending-per-connection'), 'P2P_MAX_PENDING_PER_CONNECTION')
})

test('lists and rendition prices are read from their text; a malformed one is named by its flag', () => {
  const config = configFrom(['--allow-origin', 'https://a.example/x, https://b.example', '--rendition-price', '720p=1.5,1080p=2'])
  assert.deepEqual(config.allowOrigins, ['https://a.example', 'https://b.example'])
  assert.deepEqual(config.renditionMultipliers, { '720p': 1.5, '1080p': 2 })
  assert.throws(() => configFrom(['--rendition-price', '720p=x']), (e: unknown) => e instanceof ConfigError && /--rendition-price: "720p=x" is not NAME=MULTIPLIER/.test(e.message))
  assert.throws(() => configFrom(['--port', '70000']), /--port: /)
})

test('a secret comes from its flag, its variable, or a file named by its -file twin; an empty variable is no value', () => {
  const folder = mkdtempSync(join(tmpdir(), 'p2p-settings-'))
  const file = join(folder, 'token')
  writeFileSync(file, 'a-token-from-a-file-0123\n')
  assert.equal(configFrom(['--admin-token-file', file]).adminToken, 'a-token-from-a-file-0123')
  assert.equal(configFrom([], { P2P_ADMIN_TOKEN_FILE: file }).adminToken, 'a-token-from-a-file-0123')
  assert.equal(configFrom([], { P2P_ARC_API_KEY: 'key-from-env' }).arcApiKey, 'key-from-env')
  assert.equal(configFrom([], { P2P_PAYOUT_ADDRESS: '' }).payoutAddress, undefined)
  assert.throws(() => configFrom(['--edge-secret-file', join(folder, 'missing')]), /Cannot read --edge-secret-file/)
  assert.throws(() => configFrom(['--admin-token', 'short']), /--admin-token: the admin token must be at least 16 characters/)
})

test('the help shows each default as the schema has it', () => {
  const help = hostCommand().program.helpInformation().replace(/\s+/g, ' ')
  assert.match(help, /--port <n> port to listen on \(default: 8080\)/)
  assert.match(help, /--max-pending-opens <n> unfunded opens the whole host holds \(default: 1000\)/)
  assert.match(help, /--frame-ancestors <list> .*\(default: 'self'\)/)
})
