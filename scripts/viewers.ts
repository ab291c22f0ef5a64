// `npm run viewers -- --url URL --count N --seconds S --cap SATS --speed X [--wallet brc100] [--json]`: a QA fleet of
// headless viewers that pay a host through real channels, each from a key of its own or all from one BRC-100 wallet,
// then checks that what was paid, served, settled and mined all agree.
import { Command, InvalidArgumentError, Option } from 'commander'
import { isPlaylistPath } from '../protocol/hls/playlist-path.ts'
import { startProgress } from './fleet/progress.ts'
import { runFleet } from './fleet/run-fleet.ts'
import { formatSummary } from './fleet/summary.ts'
import type { FleetProgress } from './fleet/viewer.ts'

function positive(kind: 'integer' | 'number') {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isFinite(n) || n <= 0 || (kind === 'integer' && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`expected a positive ${kind}, got "${value}"`)
    }
    return n
  }
}

const program = new Command()
  .name('viewers')
  .description('Headless viewers that open channels, pay per segment at playback pace, close, and check the ledger.')
  .addOption(new Option('--url <url>', "the host's base URL, or a playlist URL on it").default('http://127.0.0.1:8080'))
  .addOption(new Option('--stream <path>', 'the playlist to play, when --url is the base URL').default('/media/sample/master.m3u8'))
  .addOption(new Option('--count <n>', 'number of viewers').argParser(positive('integer')).default(10))
  .addOption(new Option('--seconds <s>', 'wall-clock seconds each viewer watches').argParser(positive('number')).default(30))
  .addOption(new Option('--cap <sats>', "each viewer's spending cap in satoshis").argParser(positive('integer')).default(2_000))
  .addOption(new Option('--speed <x>', 'playback pace multiplier (2 = fetch segments twice as fast as real time)').argParser(positive('number')).default(1))
  .addOption(new Option('--ramp <ms>', 'spread the viewers\' starts over this many milliseconds').argParser(Number))
  .addOption(new Option('--wallet <kind>', "what pays: a key per viewer (device), or one BRC-100 wallet on the host's devnet for all (brc100)").choices(['device', 'brc100']).default('device'))
  .addOption(new Option('--json', 'print the summary and per-viewer results as one JSON object'))

async function main(): Promise<number> {
  const options = program.parse().opts<{ url: string; stream: string; count: number; seconds: number; cap: number; speed: number; ramp?: number; wallet: 'device' | 'brc100'; json?: boolean }>()
  // stdout carries the report alone: a library's debug lines (the wallet toolbox prints some) go to stderr.
  if (options.json) console.log = (...args: unknown[]) => console.error(...args)
  const given = new URL(options.url)
  const playlistPath = isPlaylistPath(given.pathname) ? given.pathname : options.stream
  const url = given.origin
  const progress: FleetProgress = { active: 0, finished: 0, segments: 0, satoshis: 0, errors: 0 }
  let stopProgress = () => {}
  const run = await runFleet({
    url,
    playlistPath,
    count: options.count,
    seconds: options.seconds,
    cap: options.cap,
    speed: options.speed,
    rampMs: options.ramp,
    wallet: options.wallet,
    progress,
    onFunded: ({ viewers, satoshisEach }) => {
      const from = options.wallet === 'brc100' ? 'from one BRC-100 wallet' : 'each from a key of its own'
      process.stderr.write(`funded ${viewers} viewers with ${satoshisEach} sat each, ${from}; playing ${url}${playlistPath}\n`)
      stopProgress = startProgress(progress, options.count)
    },
  }).finally(() => stopProgress())
  if (options.json) {
    const results = run.results.map(({ segmentLatencyMs, payLatencyMs, ...rest }) => ({
      ...rest,
      segmentLatencyMs: segmentLatencyMs.map((ms) => Math.round(ms * 100) / 100),
      payLatencyMs: payLatencyMs.map((ms) => Math.round(ms * 100) / 100),
    }))
    process.stdout.write(JSON.stringify({ ...run.summary, exitStatus: run.exitStatus, results }) + '\n')
  } else {
    process.stdout.write(formatSummary(run.summary) + '\n')
  }
  return run.exitStatus
}

// Every wait in the fleet is bounded by a timer, so Node runs out of work only if a promise was lost: say so, never
// exit 0 without a summary.
let finished = false
process.once('beforeExit', () => {
  if (finished) return
  console.error('viewers: the fleet stopped with viewers still waiting and no timer left to end their wait; no summary, money unchecked')
  process.exitCode = 2
})

main().finally(() => (finished = true)).then(
  (status) => {
    process.exitCode = status
  },
  (error) => {
    console.error(`viewers: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 2
  },
)
