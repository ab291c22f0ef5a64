// `npm run soak -- --minutes N`: a long run against a host in its own process on loopback. Viewers of the fleet join
// and leave without a break (open, pay, tip, close), the host is stopped and started again once through its admin API
// half way, and the host process is sampled every second: RSS, heap after a full GC, open file descriptors, SQLite WAL
// size and event-loop delay. Writes bench/soak.json (samples, slopes, sats_lost) and bench/soak.svg, prints the slopes
// with their verdicts, and exits 1 if anything was lost or grows.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import { writeBenchStream } from './bench/bench-stream.ts'
import { startChild } from './bench/child-process.ts'
import { startHostProcess } from './bench/host-process.ts'
import { formatSummary } from './fleet/summary.ts'
import type { FleetProgress } from './fleet/viewer.ts'
import { churn } from './soak/churn.ts'
import { heapSnapshotOptions, takeHeapSnapshot } from './soak/heap-snapshot.ts'
import { startSampler } from './soak/sampler.ts'
import { soakSvg, type SoakEvent } from './soak/soak-svg.ts'
import { formatTrendTable, trends, warmupSeconds, type SoakSample } from './soak/trend.ts'

const positive = (value: string): number => {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got "${value}"`)
  return n
}

const options = new Command()
  .name('soak')
  .description('Viewers come and go for N minutes against a host in its own process; its resources are sampled every second.')
  .addOption(new Option('--minutes <n>', 'how long viewers keep coming').argParser(positive).default(10))
  .addOption(new Option('--seconds <n>', 'the same in seconds (for short runs); wins over --minutes').argParser(positive))
  .addOption(new Option('--viewers <n>', 'viewers watching at once').argParser(positive).default(8))
  .addOption(new Option('--speed <x>', 'playback pace multiplier').argParser(positive).default(2))
  .addOption(new Option('--json <file>', 'where the samples and slopes go').default('bench/soak.json'))
  .addOption(new Option('--svg <file>', 'where the chart goes').default('bench/soak.svg'))
  .addOption(new Option('--heap-snapshots <dir>', "write heap snapshots of the host into this folder, after the warm-up and at the end, to compare"))
  .parse()
  .opts<{ minutes: number; seconds?: number; viewers: number; speed: number; json: string; svg: string; heapSnapshots?: string }>()

const PRICE = 10
const CAP = 1_000
const MAX_TIP = 50
const ADMIN_TOKEN = `soak-${Math.random().toString(36).slice(2)}-admin-token`
const runSeconds = options.seconds ?? options.minutes * 60
/** Each viewer watches 5 to 20 s, less in a short run, so that many come and go. */
const watchSeconds = { min: Math.min(5, runSeconds / 8), max: Math.min(20, runSeconds / 3) }
const log = (line: string) => process.stderr.write(`${line}\n`)
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`

const work = mkdtempSync(join(tmpdir(), 'p2p-soak-'))
if (options.heapSnapshots) mkdirSync(options.heapSnapshots, { recursive: true })
const stream = writeBenchStream(join(work, 'media'), { segments: 200, seconds: 1, bytes: 20_000 })
// A block every 30 s: fundings and closes get mined, and the host's funding watch sees the chain move.
const devnet = await startChild('./devnet-entry.ts', [join(work, 'devnet'), '30'])
const dataDir = join(work, 'data')
const host = await startHostProcess(
  { port: 0, dataDir, mediaDir: join(work, 'media'), price: PRICE, blockIntervalSeconds: 0, generateSample: false, logLevel: 'error', adminToken: ADMIN_TOKEN, devnetUrl: devnet.url },
  { nodeOptions: ['--expose-gc', ...(options.heapSnapshots ? heapSnapshotOptions(options.heapSnapshots) : [])] },
)
const admin = (action: 'stop' | 'start') => fetch(`${host.url}/api/host/${action}`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })

let exitCode = 0
const started = performance.now()
const elapsed = () => (performance.now() - started) / 1000
const progress: FleetProgress = { active: 0, finished: 0, segments: 0, satoshis: 0, errors: 0 }
const sampler = startSampler(host, join(dataDir, 'host.sqlite-wal'), () => progress.active, started)
const events: SoakEvent[] = []
let stopped = false
const reporter = setInterval(() => {
  const last = sampler.samples.at(-1)
  const resources = last ? ` | rss ${mb(last.rssBytes)}, heap ${mb(last.heapBytes)}, fds ${last.fds}, wal ${mb(last.walBytes)}, loop p99 ${last.loopP99Ms} ms` : ''
  log(`[${elapsed().toFixed(0).padStart(5)} s of ${runSeconds}] viewers ${progress.active} watching, ${progress.finished} done | segments ${progress.segments} | errors ${progress.errors}${resources}`)
}, runSeconds > 120 ? 10_000 : 2_000)
try {
  log(`soak: ${runSeconds} s, ${options.viewers} viewers at a time, host pid ${host.pid} at ${host.url}`)
  await fetch(host.url + stream.mediaPlaylistPath)
  const audience = churn({
    url: host.url,
    playlistPath: stream.mediaPlaylistPath,
    concurrency: options.viewers,
    seconds: watchSeconds,
    speed: options.speed,
    cap: CAP,
    maxTip: MAX_TIP,
    until: started + runSeconds * 1000,
    paused: () => stopped,
    progress,
  })
  // Awaited after the Stop and Start; a failure before then is not lost meanwhile.
  audience.catch(() => {})
  const snapshot = async (when: string) => {
    if (options.heapSnapshots) log(`heap snapshot ${when}: ${await takeHeapSnapshot(host.pid, options.heapSnapshots)}`)
  }
  const afterWarmup = new Promise<void>((resolve) => setTimeout(resolve, warmupSeconds(runSeconds) * 1000)).then(() => snapshot('after the warm-up'))
  // Half way: Stop settles every open channel (their viewers take the host's summary), then Start.
  await new Promise((resolve) => setTimeout(resolve, (runSeconds * 1000) / 2))
  stopped = true
  events.push({ t: elapsed(), what: 'Stop' })
  if (!(await admin('stop')).ok) throw new Error('the admin API refused Stop')
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  events.push({ t: elapsed(), what: 'Start' })
  if (!(await admin('start')).ok) throw new Error('the admin API refused Start')
  stopped = false
  const { summary } = await audience
  await afterWarmup
  await snapshot('at the end')
  await sampler.stop()
  clearInterval(reporter)

  const samples: SoakSample[] = sampler.samples
  const warmup = warmupSeconds(runSeconds)
  const rows = trends(samples, warmup, runSeconds)
  const satsLost = summary.satoshisLost
  mkdirSync(dirname(options.json), { recursive: true })
  writeFileSync(
    options.json,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        options: { ...options, runSeconds, watchSeconds },
        warmup_seconds: warmup,
        sats_lost: satsLost,
        slopes: Object.fromEntries(rows.map((row) => [row.metric, row])),
        events,
        fleet: summary,
        samples,
      },
      null,
      2,
    ) + '\n',
  )
  mkdirSync(dirname(options.svg), { recursive: true })
  writeFileSync(options.svg, soakSvg(samples, rows, events, `npm run soak: ${Math.round(runSeconds / 6) / 10} min, ${options.viewers} viewers at a time`))
  process.stdout.write(`${formatSummary(summary)}\n\n${formatTrendTable(rows)}\n\nsamples ${samples.length}, warm-up ${warmup} s, sats lost ${satsLost}\n`)
  const growing = rows.filter((row) => row.verdict === 'growing')
  exitCode = satsLost > 0 || summary.mismatches.length > 0 || growing.length > 0 ? 1 : 0
} catch (error) {
  log(`soak failed: ${error instanceof Error ? error.stack : String(error)}`)
  exitCode = 2
} finally {
  clearInterval(reporter)
  await host.stop()
  await devnet.stop()
  rmSync(work, { recursive: true, force: true })
}
process.exit(exitCode)
