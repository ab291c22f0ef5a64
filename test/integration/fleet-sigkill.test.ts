// SIGKILL of the host under a fleet of paying viewers (`npm run viewers`): the host comes back on the same port and
// data folder, the viewers reconnect and resume their channels as the player does and finish; the fleet's summary
// reports the outage, every accepted payment is settled, and the fleet exits 0 because the money matched.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { freePort } from '../support/free-port.ts'
import { tempDir } from '../support/host.ts'
import { writeTinyStream } from '../support/media.ts'
import { runScript, type ScriptProcess } from '../support/script-process.ts'

const PRICE = 10

test('a fleet rides out a SIGKILLed host: it resumes, finishes, reports the outage, and every payment settles', async () => {
  const port = await freePort()
  const dataDir = tempDir('sigkill-data')
  const stream = writeTinyStream(Array.from({ length: 12 }, () => 2))
  const hostArgs = ['--port', String(port), '--data', dataDir, '--media', stream.mediaDir, '--block-interval', '0', '--no-sample', '--log-level', 'warn', '--price', String(PRICE)]
  const startHost = async () => {
    const host = runScript('scripts/start.ts', hostArgs)
    await host.waitFor(/Player:/, 60_000)
    return host
  }
  let host: ScriptProcess = await startHost()
  const fleet = runScript('scripts/viewers.ts', ['--url', `http://127.0.0.1:${port}${stream.playlist}`, '--count', '4', '--seconds', '60', '--cap', '2000', '--speed', '2', '--json'])
  try {
    await fleet.waitFor(/funded 4 viewers/, 60_000)
    await new Promise((resolve) => setTimeout(resolve, 4_000))
    host.child.kill('SIGKILL')
    await host.exit
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    host = await startHost()
    let timer: NodeJS.Timeout | undefined
    const code = await Promise.race([fleet.exit, new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 180_000)))])
    clearTimeout(timer)
    assert.notEqual(code, 'hung', `the fleet did not finish:\n${fleet.output()}`)
    const line = fleet.output().split("\n").find((l) => l.startsWith("{"))
    assert.ok(line, `the fleet (exit ${code}) printed no summary:\n${fleet.output().slice(-3000)}`)
    const report = JSON.parse(fleet.output().split('\n').find((line) => line.startsWith('{'))!)
    assert.ok(report.outages.total >= 1 && report.outages.viewers >= 1, `the summary reports the outage: ${JSON.stringify(report.outages)}`)
    assert.deepEqual(report.mismatches, [], 'paid = served = settled = the ledger')
    assert.equal(report.satoshisSettled, report.satoshisPaid)
    assert.ok(report.satoshisPaid > 0)
    assert.equal(report.channelsSettled, 4)
    assert.equal(code, 0)
  } finally {
    fleet.child.kill('SIGKILL')
    await host.stop()
  }
})
