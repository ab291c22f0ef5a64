// Secrets at rest and in the process list, against real hosts: the data folder is the owner's alone (0700, files
// 0600, an older folder tightened at start); neither the admin token nor any channel token is in it in plain text,
// while both keep working across restarts and across an upgrade from a folder that still holds them; and the secrets
// can come from files or the environment instead of the command line.
import assert from 'node:assert/strict'
import { chmodSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { PrivateKey } from '@bsv/sdk'
import { startTestHost, tempDir, type TestHost } from '../support/host.ts'
import { startLedgerStub } from '../support/ledger-stub.ts'
import { writeTinyStream } from '../support/media.ts'
import { openRawViewer } from '../support/raw-viewer.ts'
import { runScript, type ScriptProcess } from '../support/script-process.ts'

/** Every file under `dir`, with its mode; and every folder. */
function walk(dir: string): Array<{ path: string; mode: number; folder: boolean }> {
  return [{ path: dir, mode: statSync(dir).mode & 0o777, folder: true }].concat(
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [{ path: join(dir, entry.name), mode: statSync(join(dir, entry.name)).mode & 0o777, folder: false }],
    ),
  )
}

function assertPrivate(dir: string): void {
  const entries = walk(dir)
  assert.ok(entries.some((entry) => entry.path.endsWith('host.sqlite-wal')), 'the WAL is there to be checked')
  for (const entry of entries) assert.equal(entry.mode.toString(8), entry.folder ? '700' : '600', entry.path)
}

function loosen(dir: string): void {
  for (const entry of walk(dir)) chmodSync(entry.path, entry.folder ? 0o755 : 0o644)
}

/** The files of `dir` that hold `secret` as it was handed out. */
function holding(dir: string, secret: string): string[] {
  return walk(dir).filter((entry) => !entry.folder && readFileSync(entry.path).includes(Buffer.from(secret))).map((entry) => entry.path)
}

const authorized = (host: TestHost, token: string) => fetch(`${host.url}/api/channels`, { headers: { Authorization: `Bearer ${token}` } }).then((res) => res.status)

describe('the data folder', () => {
  const dataDir = tempDir('at-rest')
  const stream = writeTinyStream([2, 2])
  after(() => rmSync(dataDir, { recursive: true, force: true }))

  test('is the owner\'s alone and holds no admin or channel token in plain text; both keep working after a restart', async () => {
    chmodSync(dataDir, 0o755)
    const first = await startTestHost({ dataDir, mediaDir: stream.mediaDir, adminToken: undefined })
    const adminToken = first.adminToken
    assert.ok(adminToken, 'a generated token is handed back (and printed) at the start that made it')
    const viewer = await openRawViewer(first.url, 5_000)
    const [segment] = stream.segments
    await fetch(`${first.url}${stream.playlist}`)
    assert.equal((await viewer.pay(segment.path, 20)).ok, true)
    const served = await fetch(`${first.url}${segment.path}`, { headers: { 'X-Channel-Token': viewer.token } })
    assert.equal(served.status, 200)
    assert.equal(await authorized(first, adminToken), 200)
    assertPrivate(dataDir)
    assert.deepEqual(holding(dataDir, adminToken), [], 'the admin token')
    assert.deepEqual(holding(dataDir, viewer.token), [], 'the channel token')
    viewer.disconnect()
    await first.close()

    // A folder as an older version, or a careless copy, left it.
    loosen(dataDir)
    const second = await startTestHost({ dataDir, mediaDir: stream.mediaDir, adminToken: undefined })
    try {
      assertPrivate(dataDir)
      assert.equal(second.adminToken, null, 'not generated again, and not known in plain text')
      assert.equal(await authorized(second, adminToken), 200)
      assert.equal((await fetch(`${second.url}${segment.path}`, { headers: { 'X-Channel-Token': viewer.token } })).status, 200)
      assert.equal((await fetch(`${second.url}${segment.path}`, { headers: { 'X-Channel-Token': viewer.token.slice(1) } })).status, 403)
    } finally {
      await second.close()
    }
  })

  test('an older folder with the tokens in plain text: they keep working, and the admin token is kept only as a digest', async () => {
    const db = new Database(join(dataDir, 'host.sqlite'))
    const legacyAdmin = 'legacy-admin-token-0123456789'
    const legacyChannel = 'legacy-channel-token-abcdefghijklmnopqrstuvw'
    db.prepare("DELETE FROM settings WHERE key LIKE 'admin_token%'").run()
    db.prepare("INSERT INTO settings (key, value) VALUES ('admin_token', ?)").run(legacyAdmin)
    const open = db.prepare("SELECT id, token FROM channels WHERE state = 'open'").all() as Array<{ id: string; token: string }>
    assert.equal(open.length, 1)
    db.prepare('UPDATE channels SET token = ? WHERE id = ?').run(legacyChannel, open[0].id)
    db.close()

    const host = await startTestHost({ dataDir, mediaDir: stream.mediaDir, adminToken: undefined })
    try {
      assert.equal(await authorized(host, legacyAdmin), 200)
      // Its row is gone (its bytes may linger in SQLite's free pages until reused: the README says to set a new one).
      const settings = new Database(join(dataDir, 'host.sqlite'), { readonly: true })
      const values = settings.prepare('SELECT value FROM settings').pluck().all() as string[]
      const digest = settings.prepare("SELECT value FROM settings WHERE key = 'admin_token_sha256'").pluck().get() as string
      settings.close()
      assert.ok(!values.includes(legacyAdmin))
      assert.match(digest, /^[0-9a-f]{64}$/)
      const rows = await (await fetch(`${host.url}/api/channels?state=open`, { headers: { Authorization: `Bearer ${legacyAdmin}` } })).json() as { channels: Array<{ id: string }> }
      assert.deepEqual(rows.channels.map((row) => row.id), [open[0].id])
      // The channel opened before keeps its token until it closes: its paid segment is still served to it.
      const paid = await fetch(`${host.url}${stream.segments[0].path}`, { headers: { 'X-Channel-Token': legacyChannel } })
      assert.equal(paid.status, 200, 'the older token is still known')
      // A stored digest presented as a token opens nothing.
      assert.equal(await authorized(host, digest), 403)
    } finally {
      await host.close()
    }
  })
})

describe('secrets from files and the environment', () => {
  const dirs: string[] = []
  const processes: ScriptProcess[] = []
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()))
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })
  const start = (args: string[], env: Record<string, string> = {}) => {
    const dir = tempDir('secrets')
    dirs.push(dir)
    const host = runScript('scripts/start.ts', ['--port', '0', '--data', dir, '--no-sample', '--log-level', 'warn', '--block-interval', '0', ...args], env)
    processes.push(host)
    return { host, dir }
  }
  const playerUrl = async (host: ScriptProcess) => (await host.waitFor(/Player:\s+(http:\/\/127\.0\.0\.1:\d+)\//, 60_000))[1]

  test('--admin-token-file, P2P_ADMIN_TOKEN_FILE and P2P_ADMIN_TOKEN; --arc-api-key-file reaches ARC; never both forms', async () => {
    const secrets = tempDir('secret-files')
    dirs.push(secrets)
    const tokenFile = join(secrets, 'admin.token')
    writeFileSync(tokenFile, 'admin-token-from-a-file-0123456789\n', { mode: 0o600 })
    const keyFile = join(secrets, 'arc.key')
    writeFileSync(keyFile, 'arc-key-from-a-file\n', { mode: 0o600 })

    const stub = await startLedgerStub()
    try {
      const fromFile = start(['--admin-token-file', tokenFile, '--network', 'testnet', '--arc-url', stub.arcUrl, '--arc-api-key-file', keyFile, '--woc-url', stub.wocUrl,
        '--payout-address', PrivateKey.fromRandom().toAddress('testnet')])
      const url = await playerUrl(fromFile.host)
      assert.match(fromFile.host.output(), /admin token: \(the one you configured\)/)
      assert.equal((await fetch(`${url}/api/channels`, { headers: { Authorization: 'Bearer admin-token-from-a-file-0123456789' } })).status, 200)
      assert.ok(stub.arcAuthorizations.length > 0 && stub.arcAuthorizations.every((header) => header === 'Bearer arc-key-from-a-file'), stub.arcAuthorizations.join())
      assert.doesNotMatch(readFileSync(`/proc/${fromFile.host.child.pid}/cmdline`, 'utf8'), /admin-token-from-a-file|arc-key-from-a-file/)
    } finally {
      await stub.close()
    }

    const envs: Array<Record<string, string>> = [{ P2P_ADMIN_TOKEN_FILE: tokenFile }, { P2P_ADMIN_TOKEN: 'admin-token-from-a-file-0123456789' }]
    for (const env of envs) {
      const { host } = start([], env)
      const url = await playerUrl(host)
      assert.equal((await fetch(`${url}/api/channels`, { headers: { Authorization: 'Bearer admin-token-from-a-file-0123456789' } })).status, 200, Object.keys(env)[0])
    }

    const both = start(['--admin-token', 'admin-token-on-the-command-line', '--admin-token-file', tokenFile])
    assert.equal(await both.host.exit, 1)
    assert.match(both.host.output(), /Give --admin-token or --admin-token-file, not both/)
    const missing = start(['--arc-api-key-file', join(secrets, 'nope')])
    assert.equal(await missing.host.exit, 1)
    assert.match(missing.host.output(), /Cannot read --arc-api-key-file/)
  })
})
