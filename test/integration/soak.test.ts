// `npm run soak` end to end, briefly: a host and a devnet in processes of their own, viewers coming and going, Stop
// and Start half way, the host sampled every second. The run must lose nothing, and write its samples, slopes and
// chart.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import type { FleetSummary } from '../../scripts/fleet/summary.ts'
import type { SoakEvent } from '../../scripts/soak/soak-svg.ts'
import { METRICS, type SoakSample, type TrendRow } from '../../scripts/soak/trend.ts'
import { tempDir } from '../support/host.ts'
import { runScript } from '../support/script-process.ts'

test('a short soak: viewers come and go through a Stop and a Start, nothing is lost, and every metric is sampled', async () => {
  const dir = tempDir('soak')
  const soak = runScript('scripts/soak.ts', ['--seconds', '20', '--viewers', '4', '--json', join(dir, 'soak.json'), '--svg', join(dir, 'soak.svg')])
  const code = await soak.exit
  assert.equal(code, 0, soak.output().slice(-4000))
  assert.match(soak.output(), /\[ +\d+ s of 20\] viewers \d+ watching/, 'progress while it runs')
  const report = JSON.parse(readFileSync(join(dir, 'soak.json'), 'utf8')) as {
    sats_lost: number
    slopes: Record<string, TrendRow>
    events: SoakEvent[]
    fleet: FleetSummary
    samples: SoakSample[]
  }
  assert.equal(report.sats_lost, 0)
  assert.deepEqual(report.fleet.mismatches, [])
  assert.ok(report.fleet.viewers > 4, `viewers came and went: ${report.fleet.viewers}`)
  assert.equal(report.fleet.channelsSettled, report.fleet.channelsOpened)
  assert.ok(report.fleet.satoshisTipped > 0, 'viewers tipped')
  assert.deepEqual(report.events.map((event) => event.what), ['Stop', 'Start'])
  assert.ok(report.samples.length >= 18, `one sample a second: ${report.samples.length}`)
  for (const sample of report.samples) {
    assert.ok(sample.rssBytes > sample.heapBytes && sample.heapBytes > 1_000_000, JSON.stringify(sample))
    assert.ok(sample.fds > 10 && sample.loopP99Ms >= 0 && sample.walBytes >= 0, JSON.stringify(sample))
  }
  assert.ok(report.samples.some((sample) => sample.walBytes > 0), 'the WAL is measured')
  assert.deepEqual(Object.keys(report.slopes).sort(), METRICS.map((metric) => metric.key).sort())
  for (const row of Object.values(report.slopes)) assert.equal(row.verdict, 'too short', 'twenty seconds judge nothing')
  assert.match(readFileSync(join(dir, 'soak.svg'), 'utf8'), /^<svg /)
})
