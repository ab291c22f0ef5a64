// `npm run bench [-- --quick]`: verification speed, segment latency through static / proxy / paywall at several
// audience sizes, channel open latency, heap per open channel and CPU per payment, all in one run on this machine,
// with every server in its own process. Prints a markdown table and writes bench/results.json.
import { Command, Option } from 'commander'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, totalmem, tmpdir } from 'node:os'
import { join } from 'node:path'
import { PrivateKey } from '@bsv/sdk'
import { io } from 'socket.io-client'
import { request, type HostSocket } from '../client/payer/host-request.ts'
import { ChannelSession } from '../client/payer/session.ts'
import { MemoryStorage } from '../client/payer/storage.ts'
import { HttpChain } from '../protocol/chain/http-chain.ts'
import type { Terms } from '../protocol/messages.ts'
import { segmentPrice } from '../protocol/pricing.ts'
import { fundFleet } from './fleet/fleet-wallet.ts'
import { createHttpClient, type HttpClient } from './fleet/http-client.ts'
import { latencyStats, roundMs } from './fleet/percentiles.ts'
import { coinForCap } from './fleet/run-fleet.ts'
import { BENCH_ANSWER_TIMEOUT_MS, connectBenchSocket, openBenchChannels, type BenchChannel } from './bench/bench-channels.ts'
import { writeBenchStream, type BenchStream } from './bench/bench-stream.ts'
import { startChild, type BenchChild } from './bench/child-process.ts'
import type { HostStats } from './bench/host-entry.ts'
import type { LoopDelay } from './bench/loop-delay.ts'
import { startPayerPool, type PayerPool } from './bench/payer-pool.ts'
import { latencyRow, markdownReport, paywallVsProxy, targetVerdicts, type BenchResults, type LatencyRow } from './bench/report.ts'
import { runSegmentLoad, type LoadViewer } from './bench/segment-load.ts'
import { benchVerify } from './bench/verify.ts'

const program = new Command()
  .name('bench')
  .description('Measures the host: verification, segment latency by path and audience, open latency, heap and CPU per channel.')
  .addOption(new Option('--quick', 'a reduced set that finishes in about two minutes'))
  .addOption(new Option('--levels <list>', 'concurrent viewers per latency level, e.g. 100,500,1000'))
  .addOption(new Option('--window <seconds>', 'seconds each latency level runs').argParser(Number))
  .addOption(new Option('--speed <x>', 'playback pace of the latency viewers').argParser(Number).default(1))
  .addOption(new Option('--segment-bytes <n>', 'size of each bench segment').argParser(Number).default(100_000))
  .addOption(new Option('--heap-channels <n>', 'channels opened for the heap measurement').argParser(Number))
  .addOption(new Option('--opens <n>', 'sequential opens for the open-latency measurement').argParser(Number))
  .addOption(new Option('--durability <mode>', "the host's SQLite durability").choices(['full', 'normal']).default('full'))
  .addOption(new Option('--profile-host <dir>', "write V8 CPU profiles of the host's paywall, payment and open phases into this folder"))
  .addOption(new Option('--out <file>', 'where to write the JSON results').default('bench/results.json'))

interface Plan {
  quick: boolean
  levels: number[]
  window: number
  speed: number
  segmentBytes: number
  heapChannels: number
  heapMeasured: number
  opens: number
  verifySeconds: number
  cpuPayments: number
  durability: 'full' | 'normal'
  profileHost: string | null
  out: string
}

const SEGMENT_SECONDS = 2
const PRICE = 10
const CAP = 5_000
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`)

function planFrom(o: Record<string, unknown>): Plan {
  const quick = o.quick === true
  const heapChannels = (o.heapChannels as number | undefined) ?? 10_000
  return {
    quick,
    levels: o.levels ? String(o.levels).split(',').map(Number) : quick ? [100, 500] : [100, 500, 1000],
    window: (o.window as number | undefined) ?? (quick ? 8 : 20),
    speed: o.speed as number,
    segmentBytes: o.segmentBytes as number,
    heapChannels,
    // --quick opens a tenth and scales up, labelled as such; the full run opens them all.
    heapMeasured: quick && o.heapChannels === undefined ? 1_000 : heapChannels,
    opens: (o.opens as number | undefined) ?? (quick ? 40 : 200),
    verifySeconds: quick ? 1 : 3,
    cpuPayments: quick ? 1_000 : 3_000,
    durability: o.durability as 'full' | 'normal',
    profileHost: (o.profileHost as string | undefined) ?? null,
    out: o.out as string,
  }
}

async function hostStats(host: BenchChild): Promise<HostStats> {
  return host.ask<HostStats>({ type: 'stats' })
}

/** Runs `phase` with the host's CPU profiler on when --profile-host is set; the profile is named after the phase. */
async function profiled<T>(plan: Plan, host: BenchChild, name: string, phase: () => Promise<T>): Promise<T> {
  if (!plan.profileHost) return phase()
  mkdirSync(plan.profileHost, { recursive: true })
  await host.ask({ type: 'profile-start' })
  try {
    return await phase()
  } finally {
    const file = join(plan.profileHost, `host-${name}.cpuprofile`)
    await host.ask({ type: 'profile-stop', file })
    log(`host profile of ${name}: ${file} (summarise with scripts/bench/profile-top.ts)`)
  }
}

/** How many segments one viewer can play in one level, with room for arrivals spread over the first period. */
function segmentsPerLevel(plan: Plan): number {
  return Math.ceil((plan.window * plan.speed) / SEGMENT_SECONDS) + 2
}

/** The server's loop delay over one level: reset before, read after. */
async function withServerLoop<T>(server: BenchChild, level: () => Promise<T>): Promise<[T, LoopDelay]> {
  await server.ask<LoopDelay>({ type: 'loop-delay' })
  const result = await level()
  return [result, await server.ask<LoopDelay>({ type: 'loop-delay' })]
}

async function measurePlainPath(plan: Plan, server: BenchChild, stream: BenchStream, http: HttpClient, path: 'static' | 'proxy'): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = []
  for (const viewers of plan.levels) {
    const load: LoadViewer[] = Array.from({ length: viewers }, (_, i) => ({ cursor: i, limit: Number.MAX_SAFE_INTEGER }))
    const [outcome, loop] = await withServerLoop(server, () =>
      runSegmentLoad({ url: server.url, segments: stream.segments, viewers: load, seconds: plan.window, speed: plan.speed, http }),
    )
    rows.push(latencyRow(viewers, path, outcome, loop))
    log(`${path} ${viewers} viewers: ${JSON.stringify(rows.at(-1))}`)
  }
  return rows
}

/** Pays update `index` of a pre-signed channel, then the segment may be fetched. */
function payer(channel: BenchChannel): LoadViewer['pay'] {
  return async (index, segment) => {
    const reply = await request(channel.socket, 'update', { channelId: channel.channelId, tx: channel.updates[index], segment: segment.id }, BENCH_ANSWER_TIMEOUT_MS)
    return reply.ok ? null : `update_${reply.code}`
  }
}

async function preparePayingViewers(plan: Plan, host: BenchChild, terms: Terms, stream: BenchStream, pool: PayerPool): Promise<BenchChannel[]> {
  const count = Math.max(...plan.levels)
  const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl: `${host.url}/devnet` })
  const coins = await fundFleet({ devnetBaseUrl: `${host.url}/devnet`, chain, feeRate: terms.feeRate, count, satoshisEach: coinForCap(CAP, terms) })
  const sockets = await Promise.all(coins.map(() => connectBenchSocket(host.url).then(({ socket }) => socket)))
  const { channels } = await openBenchChannels({ terms, coins, cap: CAP, pool, socketFor: (i) => sockets[i], concurrency: 8 })
  const perLevel = segmentsPerLevel(plan)
  const price = segmentPrice(SEGMENT_SECONDS, terms.pricePerSecond)
  await Promise.all(
    channels.map(async (channel, i) => {
      // Viewer i plays in every level larger than i; the first ones also pay the CPU phase's payments.
      const levels = plan.levels.filter((level) => i < level).length
      const cpuShare = i < 100 ? Math.ceil(plan.cpuPayments / Math.min(100, count)) : 0
      const total = Math.min(stream.segments.length, levels * perLevel + cpuShare)
      const segments = stream.segments.slice(0, total).map((segment) => ({ path: segment.id, price }))
      const signed = await pool.run({ kind: 'presign', keyHex: channel.keyHex, channel: channel.channel, segments, feeRate: terms.feeRate })
      channel.updates = signed.txs
    }),
  )
  return channels
}

async function measurePaywall(plan: Plan, host: BenchChild, stream: BenchStream, http: HttpClient, channels: BenchChannel[]): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = []
  for (const viewers of plan.levels) {
    const load: LoadViewer[] = channels.slice(0, viewers).map((channel) => ({
      get cursor() {
        return channel.cursor
      },
      set cursor(value: number) {
        channel.cursor = value
      },
      limit: channel.updates.length,
      headers: { 'X-Channel-Token': channel.token },
      pay: payer(channel),
    }))
    const [outcome, loop] = await withServerLoop(host, () =>
      runSegmentLoad({ url: host.url, segments: stream.segments, viewers: load, seconds: plan.window, speed: plan.speed, http }),
    )
    rows.push(latencyRow(viewers, 'paywall', outcome, loop))
    log(`paywall ${viewers} viewers: ${JSON.stringify(rows.at(-1))}`)
  }
  return rows
}

/** Host CPU per accepted payment: payments only (no segments), from up to 100 viewers at once. */
async function measurePaymentCpu(plan: Plan, host: BenchChild, stream: BenchStream, channels: BenchChannel[]): Promise<BenchResults['cpu'] & { usPerPayment: number }> {
  const payers = channels.slice(0, 100)
  const before = await hostStats(host)
  let failures = 0
  await Promise.all(
    payers.map(async (channel) => {
      const pay = payer(channel)!
      while (channel.cursor < channel.updates.length) {
        const index = channel.cursor++
        if ((await pay(index, stream.segments[index])) !== null) failures++
      }
    }),
  )
  const after = await hostStats(host)
  const payments = after.accepted - before.accepted
  if (failures > 0) log(`cpu phase: ${failures} updates refused`)
  const cpuMs = (after.cpuMicros - before.cpuMicros) / 1000
  return { payments, cpu_ms: Math.round(cpuMs), usPerPayment: payments > 0 ? Math.round((cpuMs * 1000) / payments) : 0 }
}

/** The viewer's whole open (ChannelSession.open: build, open, verify the co-signed refund, fund), one at a time. */
async function measureOpens(plan: Plan, host: BenchChild, terms: Terms, pool: PayerPool): Promise<BenchResults['open']> {
  const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl: `${host.url}/devnet` })
  const coins = await fundFleet({ devnetBaseUrl: `${host.url}/devnet`, chain, feeRate: terms.feeRate, count: plan.opens, satoshisEach: coinForCap(CAP, terms) })
  const viewerMs: number[] = []
  for (const { key, utxo } of coins) {
    const socket: HostSocket = io(host.url, { transports: ['websocket'], reconnection: false, forceNew: true })
    const session = new ChannelSession({ socket, wallet: { key, utxos: async () => [utxo] }, storage: new MemoryStorage() })
    await session.waitForTerms()
    const started = performance.now()
    await session.open(CAP)
    viewerMs.push(performance.now() - started)
    session.dispose()
    socket.disconnect()
  }
  // The host's share alone, with the payer's signing done ahead of time in a worker.
  const hostCoins = await fundFleet({ devnetBaseUrl: `${host.url}/devnet`, chain, feeRate: terms.feeRate, count: plan.opens, satoshisEach: coinForCap(CAP, terms) })
  const { socket } = await connectBenchSocket(host.url)
  const { hostOpenMs } = await openBenchChannels({ terms, coins: hostCoins, cap: CAP, pool, socketFor: () => socket, concurrency: 1 })
  socket.disconnect()
  const viewer = latencyStats(viewerMs)
  const hostSide = latencyStats(hostOpenMs)
  return { p50_ms: roundMs(viewer.p50), p99_ms: roundMs(viewer.p99), count: viewerMs.length, host_p50_ms: roundMs(hostSide.p50), host_p99_ms: roundMs(hostSide.p99) }
}

/** Heap per open channel: open `heapMeasured` channels over 20 sockets, compare the host's heap after a full GC. */
async function measureHeap(plan: Plan, host: BenchChild, terms: Terms, pool: PayerPool): Promise<BenchResults['heap'] & { perChannel: number }> {
  const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl: `${host.url}/devnet` })
  // Keys are shared by a few channels each only to save the client's pure-JS key derivation; every channel has its own coin.
  const keys = Array.from({ length: Math.ceil(plan.heapMeasured / 10) }, () => PrivateKey.fromRandom())
  const coins = await fundFleet({
    devnetBaseUrl: `${host.url}/devnet`,
    chain,
    feeRate: terms.feeRate,
    count: plan.heapMeasured,
    satoshisEach: coinForCap(terms.minCapacity, terms),
    keyFor: (i) => keys[i % keys.length],
  })
  const sockets = await Promise.all(Array.from({ length: 20 }, () => connectBenchSocket(host.url).then(({ socket }) => socket)))
  const before = await hostStats(host)
  let opened = 0
  const progress = setInterval(() => log(`heap: ${opened}/${plan.heapMeasured} channels open`), 15_000)
  try {
    const socketFor = (i: number) => {
      opened = i
      return sockets[i % sockets.length]
    }
    await openBenchChannels({ terms, coins, cap: terms.minCapacity - 100, pool, socketFor, concurrency: 8 })
  } finally {
    clearInterval(progress)
  }
  const after = await hostStats(host)
  for (const socket of sockets) socket.disconnect()
  const added = after.openChannels - before.openChannels
  if (added !== plan.heapMeasured) throw new Error(`heap phase: expected ${plan.heapMeasured} more open channels on the host, found ${added}`)
  const perChannel = Math.round((after.heapUsed - before.heapUsed) / added)
  return {
    perChannel,
    channels: plan.heapChannels,
    heap_before: before.heapUsed,
    heap_after: after.heapUsed,
    rss_before: before.rss,
    rss_after: after.rss,
    extrapolated_from: plan.heapMeasured === plan.heapChannels ? null : plan.heapMeasured,
  }
}

async function main(): Promise<void> {
  const plan = planFrom(program.parse().opts())
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` }
  log(`plan: ${JSON.stringify(plan)}`)

  // 1. Alone on the machine, before any server starts.
  const verify = await benchVerify({ seconds: plan.verifySeconds })
  log(`verify: ${JSON.stringify(verify)}`)

  const work = mkdtempSync(join(tmpdir(), 'p2p-bench-'))
  const children: BenchChild[] = []
  const http = createHttpClient()
  const pool = startPayerPool(2)
  try {
    const perLevel = segmentsPerLevel(plan)
    const stream = writeBenchStream(join(work, 'media'), {
      segments: plan.levels.length * perLevel + Math.ceil(plan.cpuPayments / 100) + 4,
      seconds: SEGMENT_SECONDS,
      bytes: plan.segmentBytes,
    })
    const origin = await startChild('./static-origin.ts', [join(work, 'media')])
    children.push(origin)
    const proxy = await startChild('./plain-proxy.ts', [origin.url])
    children.push(proxy)
    const hostConfig = {
      port: 0,
      dataDir: join(work, 'host'),
      mediaDir: join(work, 'media'),
      origin: `${origin.url}/media/`,
      price: PRICE,
      blockIntervalSeconds: 0,
      idleTimeoutSeconds: 86_400,
      messagesPerSecond: 100_000,
      durability: plan.durability,
      generateSample: false,
      logLevel: 'warn',
      adminToken: 'bench-admin-token-0123456789',
    }
    const host = await startChild('./host-entry.ts', [JSON.stringify(hostConfig)], { nodeOptions: ['--expose-gc'] })
    children.push(host)

    // 2. Segment latency by path and audience.
    const latency: LatencyRow[] = []
    latency.push(...(await measurePlainPath(plan, origin, stream, http, 'static')))
    latency.push(...(await measurePlainPath(plan, proxy, stream, http, 'proxy')))
    const { socket: termsSocket, terms } = await connectBenchSocket(host.url)
    termsSocket.disconnect()
    const playlist = await http.get(host.url + stream.mediaPlaylistPath)
    if (playlist.status !== 200) throw new Error(`the host would not serve the bench playlist: ${playlist.status}`)
    log(`opening ${Math.max(...plan.levels)} paying viewers and pre-signing their updates…`)
    const channels = await preparePayingViewers(plan, host, terms, stream, pool)
    latency.push(...(await profiled(plan, host, 'paywall-latency', () => measurePaywall(plan, host, stream, http, channels))))
    latency.sort((a, b) => a.viewers - b.viewers || ['static', 'proxy', 'paywall'].indexOf(a.path) - ['static', 'proxy', 'paywall'].indexOf(b.path))

    // 5. CPU per payment (before the viewers' sockets go).
    const cpu = await profiled(plan, host, 'payments', () => measurePaymentCpu(plan, host, stream, channels))
    log(`cpu: ${JSON.stringify(cpu)}`)
    for (const channel of channels) channel.socket.disconnect()

    // 3. Open latency.
    const open = await profiled(plan, host, 'opens', () => measureOpens(plan, host, terms, pool))
    log(`open: ${JSON.stringify(open)}`)

    // 4. Heap per open channel.
    const heap = await measureHeap(plan, host, terms, pool)
    log(`heap: ${JSON.stringify(heap)}`)

    const partial: Omit<BenchResults, 'targets'> = {
      when: new Date().toISOString(),
      quick: plan.quick,
      machine,
      setup: {
        'segment seconds': SEGMENT_SECONDS,
        'segment bytes': plan.segmentBytes,
        'viewer pace': `${plan.speed}x`,
        'seconds per level': plan.window,
        'host durability': plan.durability,
        'paywall origin': 'the host proxies the same static origin (--origin)',
        'payer signatures': 'pre-signed in worker threads (client/payer/payer.ts)',
      },
      verify,
      latency,
      paywall_vs_proxy: paywallVsProxy(latency),
      open,
      heap_bytes_per_channel: heap.perChannel,
      heap: { channels: heap.channels, heap_before: heap.heap_before, heap_after: heap.heap_after, rss_before: heap.rss_before, rss_after: heap.rss_after, extrapolated_from: heap.extrapolated_from },
      cpu_us_per_payment: cpu.usPerPayment,
      cpu: { payments: cpu.payments, cpu_ms: cpu.cpu_ms },
    }
    const results: BenchResults = { ...partial, targets: targetVerdicts(partial) }
    mkdirSync(join(plan.out, '..'), { recursive: true })
    writeFileSync(plan.out, JSON.stringify(results, null, 2) + '\n')
    process.stdout.write(markdownReport(results) + '\n')
    log(`wrote ${plan.out}`)
  } finally {
    http.close()
    await pool.close()
    await Promise.all(children.reverse().map((child) => child.stop()))
    rmSync(work, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
