// The host's keys on disk: a new file only its owner can read, never overwritten, tightened when it was left loose,
// and a clear error when it holds no key.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chmodSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PrivateKey } from '@bsv/sdk'
import { keyFromFile, readKeyFile, writeKeyFile } from '../../server/keys/key-file.ts'
import { tempDir } from '../support/host.ts'

test('a key file is made once with mode 0600, read back as the same key, and never overwritten', () => {
  const dir = tempDir('keys')
  try {
    const path = join(dir, 'channel.key')
    const made = keyFromFile(path, () => PrivateKey.fromRandom())
    assert.equal(made.created, true)
    assert.equal(statSync(path).mode & 0o777, 0o600)
    const again = keyFromFile(path, () => assert.fail('a second key must not be made'))
    assert.deepEqual([again.created, again.key.toHex()], [false, made.key.toHex()])
    assert.throws(() => writeKeyFile(path, PrivateKey.fromRandom()), /EEXIST/)
    assert.equal(readKeyFile(join(dir, 'absent.key')), null)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a key file readable by others is tightened (and said so); one without a key names itself', () => {
  const dir = tempDir('keys')
  try {
    const loose = join(dir, 'loose.key')
    writeFileSync(loose, PrivateKey.fromRandom().toWif())
    chmodSync(loose, 0o644)
    const warnings: object[] = []
    assert.ok(readKeyFile(loose, { warn: (details) => warnings.push(details) }))
    assert.equal(statSync(loose).mode & 0o777, 0o600)
    assert.deepEqual(warnings, [{ path: loose }])
    const broken = join(dir, 'broken.key')
    writeFileSync(broken, 'not a key', { mode: 0o600 })
    assert.throws(() => readKeyFile(broken), new RegExp(`${broken} does not hold a private key`))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
