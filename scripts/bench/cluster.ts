// `npm run bench:cluster`: the host as a fleet on this machine (docs/deploy.md): PostgreSQL with fsync on, the devnet
// in its own process, one or two host instances, nginx in front. Paying viewers play at a fixed pace through nginx:
// each pays (update -> acknowledgement) and then fetches its segment. Reports payments per second, payment and segment
// latency, and the CPU each server spent: per segment for the hosts (edge mode: nginx serves the bytes), per payment
// for PostgreSQL, with its commits per payment (group commit). Prints a markdown table, writes bench/cluster.json.
import { Command, Option } from 'commander'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { request } from '../../client/payer/host-request.ts'
import { HttpChain } from '../../protocol/chain/http-chain.ts'
import { segmentPrice } from '../../protocol/pricing.ts'
import { startCluster, type LocalCluster } from '../../test/support/cluster.ts'
import { fundFleet } from '../fleet/fleet-wallet.ts'
import { createHttpClient, type HttpClient } from '../fleet/http-client.ts'
import { latencyStats, roundMs } from '../fleet/percentiles.ts'
import { coinForCap } from '../fleet/run-fleet.ts'
import { LOAD_FROM_ONE_ADDRESS_FLAGS } from './plan.ts'
import { BENCH_ANSWER_TIMEOUT_MS, connectBenchSocket, openBenchChannels, type BenchChannel } from './bench-channels.ts'
import { writeBenchStream, type BenchStream } from './bench-stream.ts'
import { startPayerPool, type PayerPool } from './payer-pool.ts'
import { cpuMicros, treeCpuMicros } from './process-cpu.ts'
import { runSegmentLoad, type LoadOutcome } from './segment-load.ts'
import { runMain } from './run-main.ts'

const program = new Command()
  .name('bench:cluster')
  .description('Payments per second, latency and CPU of the host as a fleet: PostgreSQL, one or two instances, nginx (edge and proxy mode).')
  .addOption(new Option('--viewers <n>', 'concurrent paying viewers').argParser(Number).default(150))
  .addOption(new Option('--speed <x>', 'playback pace (2 s segments: speed/2 payments per second per viewer)').argParser(Number).default(10))
  .addOption(new Option('--window <seconds>', 'seconds each configuration is measured').argParser(Number).default(12))
  .addOption(new Option('--segment-bytes <n>', 'size of each segment').argParser(Number).default(100_000))
  .addOption(new Option('--out <file>', 'where to write the JSON results').default('bench/cluster.json'))

interface Plan {
  viewers: number
  speed: number
  window: number
  segmentBytes: number
  out: string
}

interface Configuration {
  name: string
  instances: number
  edge: boolean
}

const CONFIGURATIONS: Configuration[] = [
  { name: 'edge, 1 instance', instances: 1, edge: true },
  { name: 'edge, 2 instances', instances: 2, edge: true },
  { name: 'proxy, 1 instance', instances: 1, edge: false },
]

const SEGMENT_SECONDS = 2
const PRICE = 10
const CAP = 50_000
const log = (line: string) => process.stderr.write(`[bench:cluster] ${line}\n`)

export interface ClusterRow {
  configuration: string
  instances: number
  viewers: number
  offered_payments_per_s: number
  payments_per_s: number
  pay_p50_ms: number | null
  pay_p99_ms: number | null
  segment_p50_ms: number | null
  segment_p99_ms: number | null
  errors: Record<string, number>
  host_cpu_us_per_segment: number
  pg_cpu_us_per_payment: number
  pg_commits_per_payment: number
  /** The machine's 1-minute load average after the window: above the core count, other work competed for the CPU. */
  load_average: number
}

function segmentsPerViewer(plan: Plan): number {
  return Math.ceil((plan.window * plan.speed) / SEGMENT_SECONDS) + 4
}

/** Opens one channel per viewer through nginx and pre-signs every update it will send (in worker threads). */
async function payingViewers(plan: Plan, cluster: LocalCluster, stream: BenchStream, pool: PayerPool): Promise<BenchChannel[]> {
  const { socket: probe, terms } = await connectBenchSocket(cluster.url)
  probe.disconnect()
  const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl: cluster.devnetUrl })
  const coins = await fundFleet({ devnetBaseUrl: cluster.devnetUrl, chain, feeRate: terms.feeRate, count: plan.viewers, satoshisEach: coinForCap(CAP, terms) })
  // Each socket goes through nginx, which spreads them over the instances.
  const sockets = await Promise.all(coins.map(() => connectBenchSocket(cluster.url).then(({ socket }) => socket)))
  const { channels } = await openBenchChannels({ terms, coins, cap: CAP, pool, socketFor: (i) => sockets[i], concurrency: 8 })
  const price = segmentPrice(SEGMENT_SECONDS, terms.pricePerSecond)
  const segments = stream.segments.slice(0, segmentsPerViewer(plan)).map((segment) => ({ path: segment.id, price }))
  await Promise.all(
    channels.map(async (channel) => {
      channel.updates = (await pool.run({ kind: 'presign', keyHex: channel.keyHex, channel: channel.channel, segments, feeRate: terms.feeRate })).txs
    }),
  )
  return channels
}

function play(plan: Plan, cluster: LocalCluster, stream: BenchStream, channels: BenchChannel[], http: HttpClient): Promise<LoadOutcome> {
  return runSegmentLoad({
    url: cluster.url,
    segments: stream.segments,
    seconds: plan.window,
    speed: plan.speed,
    http,
    viewers: channels.map((channel) => {
      const urls = new Map<number, string>()
      return {
        cursor: 0,
        limit: channel.updates.length,
        headers: { 'X-Channel-Token': channel.token },
        urlFor: (index: number) => urls.get(index),
        pay: async (index, segment) => {
          const reply = await request(channel.socket, 'update', { channelId: channel.channelId, tx: channel.updates[index], segment: segment.id }, BENCH_ANSWER_TIMEOUT_MS)
          if (!reply.ok) return `update_${reply.code}`
          if (reply.segmentUrl) urls.set(index, reply.segmentUrl)
          return null
        },
      }
    }),
  })
}

async function commits(cluster: LocalCluster): Promise<number> {
  const pool = new pg.Pool({ connectionString: cluster.storeUrl, max: 1 })
  try {
    const { rows } = await pool.query<{ commits: string }>("SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = 'fleet'")
    return Number(rows[0].commits)
  } finally {
    await pool.end()
  }
}

async function measure(plan: Plan, configuration: Configuration, pool: PayerPool): Promise<ClusterRow> {
  const work = mkdtempSync(join(tmpdir(), 'p2p-bench-cluster-'))
  const stream = writeBenchStream(join(work, 'media'), { segments: segmentsPerViewer(plan) + 2, seconds: SEGMENT_SECONDS, bytes: plan.segmentBytes })
  log(`${configuration.name}: starting PostgreSQL, the devnet, ${configuration.instances} instance(s) and nginx…`)
  const cluster = await startCluster({
    instances: configuration.instances,
    mediaDir: join(work, 'media'),
    edge: configuration.edge,
    durable: true,
    hostArgs: ['--price', String(PRICE), '--idle-timeout', '86400', ...LOAD_FROM_ONE_ADDRESS_FLAGS],
  })
  const http = createHttpClient()
  try {
    const playlist = await http.get(cluster.url + stream.mediaPlaylistPath)
    if (playlist.status !== 200) throw new Error(`the fleet would not serve the bench playlist: ${playlist.status}`)
    log(`${configuration.name}: opening ${plan.viewers} channels and pre-signing their updates…`)
    const channels = await payingViewers(plan, cluster, stream, pool)
    const hostPids = cluster.instances.map((instance) => instance.process.child.pid!)
    const postmaster = Number(readFileSync(join(cluster.postgres.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
    const hostCpu = () => hostPids.reduce((sum, pid) => sum + cpuMicros(pid), 0)
    const [hostBefore, pgBefore, commitsBefore] = [hostCpu(), treeCpuMicros(postmaster), await commits(cluster)]
    log(`${configuration.name}: ${plan.viewers} viewers playing at ${plan.speed}x for ${plan.window} s…`)
    const outcome = await play(plan, cluster, stream, channels, http)
    await new Promise((resolve) => setTimeout(resolve, 600)) // PostgreSQL publishes its counters within half a second
    const [hostAfter, pgAfter, commitsAfter] = [hostCpu(), treeCpuMicros(postmaster), await commits(cluster)]
    for (const channel of channels) channel.socket.disconnect()
    const payments = outcome.payMs.length
    const pay = latencyStats(outcome.payMs)
    const segment = latencyStats(outcome.segmentMs)
    return {
      configuration: configuration.name,
      instances: configuration.instances,
      viewers: plan.viewers,
      offered_payments_per_s: Math.round((plan.viewers * plan.speed) / SEGMENT_SECONDS),
      payments_per_s: Math.round(payments / outcome.seconds),
      pay_p50_ms: roundMs(pay.p50),
      pay_p99_ms: roundMs(pay.p99),
      segment_p50_ms: roundMs(segment.p50),
      segment_p99_ms: roundMs(segment.p99),
      errors: outcome.errors,
      host_cpu_us_per_segment: outcome.ok > 0 ? Math.round((hostAfter - hostBefore) / outcome.ok) : 0,
      pg_cpu_us_per_payment: payments > 0 ? Math.round((pgAfter - pgBefore) / payments) : 0,
      pg_commits_per_payment: payments > 0 ? Math.round(((commitsAfter - commitsBefore) / payments) * 100) / 100 : 0,
      load_average: Math.round(loadavg()[0] * 10) / 10,
    }
  } finally {
    http.close()
    await cluster.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

function markdown(rows: ClusterRow[], plan: Plan): string {
  const header = '| configuration | payments/s (offered) | pay p50 / p99 ms | segment p50 / p99 ms | host CPU µs/segment | PostgreSQL CPU µs/payment | commits/payment | load avg | errors |'
  const lines = rows.map((row) =>
    `| ${row.configuration} | ${row.payments_per_s} (${row.offered_payments_per_s}) | ${row.pay_p50_ms} / ${row.pay_p99_ms} | ${row.segment_p50_ms} / ${row.segment_p99_ms} | ${row.host_cpu_us_per_segment} | ${row.pg_cpu_us_per_payment} | ${row.pg_commits_per_payment} | ${row.load_average} | ${JSON.stringify(row.errors)} |`,
  )
  return [
    `${plan.viewers} viewers, ${SEGMENT_SECONDS} s segments of ${plan.segmentBytes} bytes at ${plan.speed}x, ${plan.window} s per configuration, on ${cpus().length} cores shared by every server and the load.`,
    '',
    header,
    '|---|---|---|---|---|---|---|---|---|',
    ...lines,
  ].join('\n')
}

async function main(): Promise<void> {
  const options = program.parse().opts()
  const plan: Plan = { viewers: options.viewers, speed: options.speed, window: options.window, segmentBytes: options.segmentBytes, out: options.out }
  const pool = startPayerPool(2)
  const rows: ClusterRow[] = []
  try {
    for (const configuration of CONFIGURATIONS) {
      rows.push(await measure(plan, configuration, pool))
      log(JSON.stringify(rows.at(-1)))
    }
  } finally {
    await pool.close()
  }
  mkdirSync(join(plan.out, '..'), { recursive: true })
  writeFileSync(plan.out, JSON.stringify({ when: new Date().toISOString(), plan, rows }, null, 2) + '\n')
  process.stdout.write(markdown(rows, plan) + '\n')
}

runMain(main)
