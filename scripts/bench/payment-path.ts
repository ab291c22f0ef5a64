// The host's cost per payment, alone: a real host (scripts/bench/host-entry.ts: express, Socket.IO, SQLite at the
// durability asked, libsecp256k1, the dashboard) with its own devnet, and a driver in this process that opens channels
// and sends pre-signed updates. Two phases: "serial" (one update in flight on the whole host: each payment has its own
// wake-up, commit and fsync, as at a real-time audience's rate) and "concurrent" (every channel sends its next update
// as soon as the last is acknowledged: payments share commits, as in the bench's throughput phase). Each phase reports
// the host's user and system CPU per payment from /proc, and with --callgrind the instructions per payment of the host
// run under valgrind's callgrind, which are repeatable on a busy machine where CPU time is not.
// Usage: node --import tsx scripts/bench/payment-path.ts [--channels 20] [--serial 200] [--concurrent 20]
//        [--durability full|normal] [--edge] [--callgrind DIR] [--profile DIR] [--host-flags '--trace-deopt']
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command, Option } from 'commander'
import { PrivateKey } from '@bsv/sdk'
import { request } from '../../client/payer/host-request.ts'
import { markDelivered, signSegment } from '../../client/payer/payer.ts'
import { segmentPrice } from '../../protocol/pricing.ts'
import { openRawViewer, type RawViewer } from '../../test/support/raw-viewer.ts'
import { writeBenchStream } from './bench-stream.ts'
import { startChild, type BenchChild } from './child-process.ts'
import { LOAD_FROM_ONE_ADDRESS } from './plan.ts'
import { runMain } from './run-main.ts'

const options = new Command()
  .addOption(new Option('--channels <n>', 'channels opened').argParser(Number).default(20))
  .addOption(new Option('--serial <n>', 'payments sent one at a time').argParser(Number).default(200))
  .addOption(new Option('--concurrent <n>', 'payments per channel sent by all channels at once').argParser(Number).default(20))
  .addOption(new Option('--warmup <n>', 'payments per channel sent first, unmeasured, so the host runs optimised code').argParser(Number).default(20))
  .addOption(new Option('--durability <mode>', "the host's SQLite durability").choices(['full', 'normal']).default('full'))
  .addOption(new Option('--edge', 'edge mode: each acknowledgement carries a signed URL'))
  .addOption(new Option('--callgrind <dir>', 'run the host under callgrind; a dump per phase goes here'))
  .addOption(new Option('--host-flags <flags>', "more of Node's flags for the host, space-separated (e.g. --trace-deopt)"))
  .addOption(new Option('--profile <dir>', "write the host's V8 CPU profile of each phase here"))
  .parse()
  .opts<{ channels: number; warmup: number; serial: number; concurrent: number; durability: string; edge?: boolean; callgrind?: string; profile?: string; hostFlags?: string }>()

const SEGMENT_SECONDS = 2
const log = (line: string) => process.stderr.write(`[payment-path] ${line}\n`)

/** utime and stime of a process in microseconds, from /proc (USER_HZ 100). */
function cpuOf(pid: number): { user: number; system: number } {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return { user: Number(fields[11]) * 10_000, system: Number(fields[12]) * 10_000 }
}

/** Total instructions (Ir) of a callgrind dump file, from its summary line. */
function instructionsOf(file: string): number {
  const match = /^totals: (\d+)/m.exec(readFileSync(file, 'utf8'))
  if (!match) throw new Error(`no totals in ${file}`)
  return Number(match[1])
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'p2p-payment-path-'))
  const stream = writeBenchStream(join(work, 'media'), { segments: options.warmup + Math.ceil(options.serial / options.channels) + options.concurrent + 4, seconds: SEGMENT_SECONDS, bytes: 1000 })
  const config = {
    port: 0,
    dataDir: join(work, 'host'),
    mediaDir: join(work, 'media'),
    price: 10,
    idleTimeoutSeconds: 86_400,
    messagesPerSecond: 100_000,
    ...LOAD_FROM_ONE_ADDRESS,
    durability: options.durability,
    blockIntervalSeconds: 0,
    chainRefreshSeconds: 30,
    generateSample: false,
    logLevel: 'warn',
    adminToken: 'bench-admin-token-0123456789',
    ...(options.edge ? { edgeSecret: 'bench-edge-secret-0123456789abcdef0123456789', edgeBaseUrl: 'http://127.0.0.1:9/media/' } : {}),
  }
  const callgrindOut = options.callgrind && join(options.callgrind, 'host.%p.callgrind')
  const valgrind = callgrindOut ? ['valgrind', '--tool=callgrind', '--smc-check=all-non-file', '--instr-atstart=no', `--callgrind-out-file=${callgrindOut}`] : []
  const host: BenchChild = await startChild('./host-entry.ts', [JSON.stringify(config)], { nodeOptions: ['--expose-gc', ...(options.hostFlags?.split(' ') ?? [])], wrapper: valgrind, readyTimeoutMs: 600_000 })
  try {
    const playlist = await fetch(host.url + stream.mediaPlaylistPath)
    if (playlist.status !== 200) throw new Error(`the host would not serve the playlist: ${playlist.status}`)
    await playlist.text()
    const perChannel = options.warmup + Math.ceil(options.serial / options.channels) + options.concurrent
    const cap = perChannel * 100 + 10_000
    const viewers: RawViewer[] = []
    for (let i = 0; i < options.channels; i++) viewers.push(await openRawViewer(host.url, cap, PrivateKey.fromRandom()))
    const price = segmentPrice(SEGMENT_SECONDS, viewers[0].terms.pricePerSecond)
    // Every update signed before any is sent: the driver's signing never paces the host.
    const signed = viewers.map((viewer) => {
      const txs: string[] = []
      for (const segment of stream.segments.slice(0, perChannel)) {
        const verdict = signSegment(viewer.channel, viewer.key, segment.id, price, viewer.terms.feeRate)
        if (!verdict.ok) throw new Error(`payer refused to sign: ${verdict.reason}`)
        txs.push(verdict.tx)
        viewer.channel = markDelivered(verdict.channel, segment.id)
      }
      return txs
    })
    // Under callgrind the host runs some fifty times slower: wait long for each answer.
    const update = (v: number, payload: { channelId: string; tx: string; segment: string }) => request(viewers[v].socket, 'update', payload, 600_000)
    const next = viewers.map(() => 0)
    const payNext = async (v: number) => {
      const k = next[v]++
      const reply = await update(v, { channelId: viewers[v].channelId, tx: signed[v][k], segment: stream.segments[k].id })
      if (!reply.ok) throw new Error(`update ${k} of viewer ${v} refused: ${reply.code} ${reply.message}`)
    }
    const phase = async (name: string, payments: number, run: () => Promise<void>) => {
      await host.ask({ type: 'stats' })
      if (options.profile) await host.ask({ type: 'profile-start' })
      if (callgrindOut) execFileSync('callgrind_control', ['--instr=on', String(host.pid)], { stdio: 'ignore' })
      const before = cpuOf(host.pid)
      const started = performance.now()
      await run()
      const seconds = (performance.now() - started) / 1000
      const after = cpuOf(host.pid)
      let instructions: number | null = null
      if (callgrindOut) {
        execFileSync('callgrind_control', ['--dump=' + name, String(host.pid)], { stdio: 'ignore' })
        execFileSync('callgrind_control', ['--instr=off', String(host.pid)], { stdio: 'ignore' })
        const dumps = execFileSync('sh', ['-c', `ls -t ${options.callgrind}/host.${host.pid}.callgrind.* | head -1`]).toString().trim()
        instructions = instructionsOf(dumps)
      }
      if (options.profile) await host.ask({ type: 'profile-stop', file: join(options.profile, `host-${name}.cpuprofile`) })
      const row = {
        phase: name,
        payments,
        seconds: Math.round(seconds * 10) / 10,
        user_us_per_payment: Math.round((after.user - before.user) / payments),
        system_us_per_payment: Math.round((after.system - before.system) / payments),
        instructions_per_payment: instructions === null ? null : Math.round(instructions / payments),
      }
      log(JSON.stringify(row))
      return row
    }
    const everyChannel = async (count: number) => {
      await Promise.all(viewers.map(async (_, v) => {
        for (let i = 0; i < count; i++) await payNext(v)
      }))
    }
    await everyChannel(options.warmup)
    const rows = [
      await phase('idle', 1, () => new Promise((resolve) => setTimeout(resolve, 2000))),
      // The socket edge alone: an update for a channel this connection never opened is refused before any check.
      await phase('socket', options.serial, async () => {
        for (let i = 0; i < options.serial; i++) {
          const reply = await update(0, { channelId: viewers[1 % viewers.length].channelId, tx: signed[0][0], segment: stream.segments[0].id })
          if (reply.ok || reply.code !== 'unknown_channel') throw new Error('an update on a foreign channel was not refused as unknown_channel')
        }
      }),
      await phase('serial', options.serial, async () => {
        for (let i = 0; i < options.serial; i++) await payNext(i % viewers.length)
      }),
      await phase('concurrent', options.concurrent * viewers.length, () => everyChannel(options.concurrent)),
    ]
    process.stdout.write(JSON.stringify({ durability: options.durability, edge: options.edge === true, channels: options.channels, rows }) + '\n')
    viewers.forEach((viewer) => viewer.disconnect())
  } finally {
    await host.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

runMain(main)
