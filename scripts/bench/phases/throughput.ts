// Sustained payments: every paying viewer's channel sends its next pre-signed update as soon as the host has
// acknowledged the last one, for a fixed time, with durability as configured. Gives payments per second that one
// host process accepts, and the host's CPU per accepted payment under that load; the host's idle CPU is read first
// (its background work: the funding watch, the chain view), so the payment path's own share can be told apart.
import type { BenchChild } from '../child-process.ts'
import type { HostStats } from '../host-entry.ts'
import type { LoadGenerators } from '../load-generators.ts'
import type { StreamSegment } from '../../fleet/playlist.ts'
import type { Plan } from '../plan.ts'
import { cpuMicros } from '../process-cpu.ts'

export interface Throughput {
  payments_per_sec: number
  accepted: number
  refused: number
  seconds: number
  channels: number
  host_cpu_ms: number
  /** The host's CPU over the same seconds with no payment arriving, read just before. */
  host_idle_cpu_ms: number
  generator_cpu_ms: number
}

const IDLE_SECONDS = 3

export async function measureThroughput(opts: { plan: Plan; host: BenchChild; generators: LoadGenerators; segments: StreamSegment[]; channels: number }): Promise<Throughput> {
  const idleBefore = cpuMicros(opts.host.pid)
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000))
  const idlePerSecond = (cpuMicros(opts.host.pid) - idleBefore) / IDLE_SECONDS
  const before = await opts.host.ask<HostStats>({ type: 'stats' })
  const generatorBefore = await opts.generators.cpuMicros()
  const outcome = await opts.generators.payments(opts.plan.throughputSeconds, opts.segments)
  const after = await opts.host.ask<HostStats>({ type: 'stats' })
  const generatorAfter = await opts.generators.cpuMicros()
  const accepted = after.accepted - before.accepted
  return {
    payments_per_sec: Math.round(accepted / outcome.seconds),
    accepted,
    refused: outcome.refused,
    seconds: Math.round(outcome.seconds * 10) / 10,
    channels: opts.channels,
    host_cpu_ms: Math.round((after.cpuMicros - before.cpuMicros) / 1000),
    host_idle_cpu_ms: Math.round((idlePerSecond * outcome.seconds) / 1000),
    generator_cpu_ms: Math.round((generatorAfter - generatorBefore) / 1000),
  }
}

/** The row of a run that could not measure throughput (no paying viewers, or the phase failed twice). */
export function noThroughput(channels: number): Throughput {
  return { payments_per_sec: 0, accepted: 0, refused: 0, seconds: 0, channels, host_cpu_ms: 0, host_idle_cpu_ms: 0, generator_cpu_ms: 0 }
}
