// Bench child: the real host (startHost and the dashboard, wired as scripts/start.ts does) in its own process, answering the bench's questions over IPC:
// heap after a full GC, CPU time used, payments accepted. Run with --expose-gc. Usage: host-entry.ts '<config json>'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { Session } from 'node:inspector/promises'
import pino from 'pino'
import { startHost } from '../../server/app.ts'
import { parseConfig } from '../../server/config.ts'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { embedDevnet } from '../../devnet/embedded.ts'
import { answerLoopDelay } from './loop-delay.ts'

answerLoopDelay()

const config = parseConfig(JSON.parse(process.argv[2] ?? '{}'))
// The dashboard is attached as scripts/start.ts does: its listeners and metrics are part of the host's cost.
const host = await startHost(config, { logger: pino({ level: config.logLevel }), extend: attachDashboard, openDevnet: embedDevnet })
let accepted = 0
host.channels.events.on('accepted', () => accepted++)

export interface HostStats {
  heapUsed: number
  rss: number
  /** process.cpuUsage() user + system, microseconds. */
  cpuMicros: number
  accepted: number
  openChannels: number
}

// Profiles one phase of the bench at a time, so a profile shows that phase's work and nothing else.
const inspector = new Session()
inspector.connect()

process.on('message', async (message: { id: number; type: string; file?: string }) => {
  if (message.type === 'profile-start') {
    await inspector.post('Profiler.enable')
    await inspector.post('Profiler.start')
    return void process.send!({ id: message.id })
  }
  if (message.type === 'profile-stop') {
    const { profile } = await inspector.post('Profiler.stop')
    mkdirSync(dirname(message.file!), { recursive: true })
    writeFileSync(message.file!, JSON.stringify(profile))
    return void process.send!({ id: message.id })
  }
  if (message.type !== 'stats') return
  const gc = (globalThis as { gc?: () => void }).gc
  // Two passes: the first can leave garbage that only the second finds (weak references, finalizers).
  gc?.()
  gc?.()
  const memory = process.memoryUsage()
  const cpu = process.cpuUsage()
  const stats: HostStats = {
    heapUsed: memory.heapUsed,
    rss: memory.rss,
    cpuMicros: cpu.user + cpu.system,
    accepted,
    openChannels: host.channels.live.records().length,
  }
  process.send!({ id: message.id, ...stats, gcExposed: gc !== undefined })
})
process.on('SIGTERM', () => {
  host.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
})
process.send!({ type: 'ready', url: host.url })
