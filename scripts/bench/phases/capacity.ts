// CPU per viewer-second by path, at a load below saturation (issue 23): the same viewers at real-time pace through
// the static origin, the plain proxy, the paywall host (which proxies the same origin) and the edge host (which
// answers each payment with a signed URL; the bytes then come from the static origin, as nginx would serve them).
// Each row charges the one server that path measures with what /proc says it spent, and reports the generators'
// CPU beside it; a row whose generators were saturated says so. Each server's idle CPU (no viewer asking) is measured
// first, so a host's background work (its funding watch asks the ledger about its open channels) shows apart. The
// paths are measured in turn, and the whole turn repeated (plan.capacityRuns): the figures are the runs' medians.
import type { StreamSegment } from '../../fleet/playlist.ts'
import type { BenchChild } from '../child-process.ts'
import type { LoadGenerators } from '../load-generators.ts'
import { CAPACITY_WARMUP, SEGMENT_SECONDS, warmupUpdatesPerChannel, type Plan } from '../plan.ts'
import { cpuMicros } from '../process-cpu.ts'
import { capacityRow, cpuPercent, type CapacityPath, type CapacityRow } from '../report.ts'

/** Seconds each server's idle CPU is read over, before its load starts. */
const IDLE_SECONDS = 3

export interface CapacityTarget {
  path: CapacityPath
  /** The server the path's viewers ask, and whose CPU is charged. */
  server: BenchChild
  /** Paying viewers (paywall, edge): how many prepared channels there are. */
  channels?: number
}

export async function measureCapacity(opts: { plan: Plan; targets: CapacityTarget[]; segments: StreamSegment[]; generators: LoadGenerators; log: (line: string) => void }): Promise<CapacityRow[]> {
  const { plan } = opts
  const rows: CapacityRow[] = []
  for (let run = 1; run <= plan.capacityRuns; run++) {
    for (const target of opts.targets) rows.push(await measureOne({ ...opts, target, run }))
  }
  return rows
}

async function measureOne(opts: { plan: Plan; target: CapacityTarget; run: number; segments: StreamSegment[]; generators: LoadGenerators; log: (line: string) => void }): Promise<CapacityRow> {
  const { plan, target } = opts
  const viewers = Math.min(plan.capacityViewers, target.channels ?? Number.MAX_SAFE_INTEGER)
  const paying = target.path === 'paywall' || target.path === 'edge'
  const job = {
    url: target.server.url,
    segments: opts.segments,
    seconds: plan.window,
    speed: plan.speed,
    set: target.path === 'edge' ? ('edge' as const) : ('paywall' as const),
    viewers: Array.from({ length: viewers }, (_, i) => (paying ? { channel: i } : { cursor: i })),
  }
  // A paying host is warmed up once, before its first run; the later runs find it warm.
  if (paying && opts.run === 1) {
    const burst = await opts.generators.payments(CAPACITY_WARMUP.burstSeconds, opts.segments, job.set, warmupUpdatesPerChannel(target.channels ?? viewers))
    const paced = await opts.generators.segments({ ...job, seconds: CAPACITY_WARMUP.seconds, speed: CAPACITY_WARMUP.speed })
    opts.log(`capacity ${target.path}: warmed up with ${burst.accepted} payments (${burst.refused} refused), then ${paced.payMs.length} payments and ${paced.ok} segments at ${CAPACITY_WARMUP.speed}x`)
  }
  const idleBefore = cpuMicros(target.server.pid)
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000))
  const idleCpuMicros = cpuMicros(target.server.pid) - idleBefore
  const [serverBefore, generatorsBefore, started] = [cpuMicros(target.server.pid), await opts.generators.cpuMicros(), performance.now()]
  const outcome = await opts.generators.segments(job)
  const [serverAfter, generatorsAfter, wall] = [cpuMicros(target.server.pid), await opts.generators.cpuMicros(), (performance.now() - started) / 1000]
  const row = capacityRow({
    path: target.path,
    run: opts.run,
    outcome,
    segmentSeconds: SEGMENT_SECONDS,
    serverCpuMicros: serverAfter - serverBefore,
    generatorCpuMicros: generatorsAfter - generatorsBefore,
    wallSeconds: wall,
    idleCpuPct: cpuPercent(idleCpuMicros, IDLE_SECONDS),
  })
  opts.log(`capacity ${target.path} run ${opts.run}, ${viewers} viewers: ${JSON.stringify(row)}`)
  return row
}
