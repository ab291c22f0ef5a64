// `npm run chaos`'s classes that hold channels through a fault, end to end against a host in its own process: the
// host SIGKILLed and restarted mid-stream, its data folder full (on a tmpfs; skipped without root), and chain
// reorganisations of a live channel's funding. Each must lose nothing and do nothing forbidden.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import type { ChaosRow } from '../../scripts/chaos/chaos-table.ts'
import { tempDir } from '../support/host.ts'
import { runScript } from '../support/script-process.ts'

test('chaos: SIGKILL, full disk and reorg classes lose nothing, and each did what it says', async () => {
  const json = join(tempDir('chaos-classes'), 'chaos.json')
  const chaos = runScript('scripts/chaos.ts', ['--only', 'SIGKILL,full,reorg', '--seconds', '6', '--json', json])
  const code = await chaos.exit
  assert.equal(code, 0, chaos.output().slice(-4000))
  const { rows } = JSON.parse(readFileSync(json, 'utf8')) as { rows: ChaosRow[] }
  const row = (name: string) => rows.find((r) => r.class.includes(name)) ?? assert.fail(`no ${name} row in ${JSON.stringify(rows)}`)
  for (const r of rows) {
    assert.deepEqual(r.violations, [], r.class)
    assert.equal(r.satoshisLost, 0, r.class)
  }
  const kill = row('SIGKILL')
  assert.ok(kill.answers['SIGKILL, restart'] >= 1, JSON.stringify(kill.answers))
  assert.ok(kill.answers['viewer resumed'] >= 3, "each of the class's three viewers resumed")
  assert.equal(kill.answers['close pays what was acknowledged'], 3)

  const disk = row('full')
  if (process.getuid?.() === 0) {
    assert.ok(disk.answers['full: storage_unavailable, GET 402'] > 0, JSON.stringify(disk.answers))
    assert.equal(disk.answers['space back: paid, GET 200'], 1)
  } else {
    assert.equal(disk.outcome, 'skipped: needs root to mount a tmpfs')
  }

  const reorg = row('reorg')
  assert.ok(reorg.answers['back to mempool: paid, GET 200'] > 0, JSON.stringify(reorg.answers))
  assert.ok(reorg.answers['replaced: viewer told funding_double_spent'] >= 1, JSON.stringify(reorg.answers))
  assert.ok(Object.keys(reorg.answers).some((answer) => /^replaced: [a-z_]+, GET 4\d\d, GET of a segment paid before 4\d\d$/.test(answer)), JSON.stringify(reorg.answers))
  assert.match(row('settlement').outcome, /^OK/)
})
