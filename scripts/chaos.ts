// `npm run chaos`: floods and faults against a real host in its own process on loopback, bounded in count and time,
// while a legitimate viewer keeps paying and watching. Prints one row per class (cases, outcome, satoshis lost, the
// viewer's segment p99 against a quiet baseline) and writes the table as JSON. Exits 1 if anything forbidden happened.
// The host's data folder is a small tmpfs when this user may mount one (root), so that it can fill up.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Command, Option } from 'commander'
import { startDevnetServer } from '../devnet/server.ts'
import { writeBenchStream } from './bench/bench-stream.ts'
import { startHostProcess } from './bench/host-process.ts'
import { latencyStats } from './fleet/percentiles.ts'
import { attacksInChildProcess } from './chaos/attack-process.ts'
import type { Attack, AttackContext } from './chaos/attacks.ts'
import { closePays, hostPaid } from './chaos/books.ts'
import { chaosRow, formatChaosTable, type ChaosRow } from './chaos/chaos-table.ts'
import { fullDisk } from './chaos/disk-attack.ts'
import { startFaultyLedger } from './chaos/faulty-ledger.ts'
import { removeTmpfs, smallTmpfs } from './chaos/full-disk.ts'
import { hostKills } from './chaos/host-kill.ts'
import { ledgerFaults } from './chaos/ledger-attack.ts'
import { outpointReuse } from './chaos/outpoint-attack.ts'
import { startLegitViewer } from './chaos/legit-viewer.ts'
import { chainReorgs } from './chaos/reorg-attack.ts'

const options = new Command()
  .description('Floods and faults against a host on loopback; prints the table and writes it as JSON.')
  .addOption(new Option('--sockets <n>', 'attacking sockets or connections per class').default(50).argParser(Number))
  .addOption(new Option('--seconds <s>', 'seconds each class runs').default(8).argParser(Number))
  .addOption(new Option('--max-cases <n>', 'at most this many cases per class').default(20_000).argParser(Number))
  .addOption(new Option('--json <file>', 'where the table goes as JSON').default('bench/chaos.json'))
  .addOption(new Option('--only <words>', 'only the classes whose names hold one of these comma-separated words'))
  .addOption(new Option('--profile-host <dir>', "writes the host's CPU profile (a .cpuprofile for Chrome's DevTools) into this folder when it stops"))
  .parse()
  .opts<{ sockets: number; seconds: number; maxCases: number; json: string; only?: string; profileHost?: string }>()

const PRICE = 10
const ADMIN_TOKEN = `chaos-${Math.random().toString(36).slice(2)}-admin-token`
const work = mkdtempSync(join(tmpdir(), 'p2p-chaos-'))
const stream = writeBenchStream(join(work, 'media'), { segments: 2_000, seconds: 1, bytes: 8_000 })
const segments = stream.segments.map((segment) => segment.id)
// Test mode: the reorg class asks the devnet to reorganise its chain.
const devnet = await startDevnetServer({ port: 0, host: '127.0.0.1', dataDir: join(work, 'devnet'), blockIntervalSeconds: 0, testMode: true })
const ledger = await startFaultyLedger(`${devnet.url}/arc`)
// Attackers and the legitimate viewer all come from loopback, one client address: with the per-address limits on, the
// flood would shut the viewer out with it, as it never could from an address of its own. They are lifted here (their
// own tests are test/integration/limits.test.ts); every per-connection limit, and the host's total, stays on.
const PER_ADDRESS_LIFTED = { connectionsPerAddress: 1_000_000, messagesPerSecondPerAddress: 1_000_000, pendingOpensPerAddress: 1_000_000 }
const disk = smallTmpfs(64)
const host = await startHostProcess({
  port: 0,
  dataDir: disk ?? join(work, 'data'),
  mediaDir: join(work, 'media'),
  price: PRICE,
  blockIntervalSeconds: 0,
  generateSample: false,
  logLevel: 'fatal',
  adminToken: ADMIN_TOKEN,
  devnetUrl: devnet.url,
  arcUrl: ledger.arcUrl,
  ...PER_ADDRESS_LIFTED,
}, options.profileHost ? { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${options.profileHost}`] } : {})
const attackers = attacksInChildProcess()
const log = (line: string) => process.stderr.write(`${line}\n`)
const chosen = (attack: Attack) => !options.only || options.only.split(',').some((word) => attack.name.includes(word.trim()))

let exitCode = 0
try {
  await fetch(host.url + stream.mediaPlaylistPath)
  const viewer = await startLegitViewer(host.url, segments, PRICE)
  const quiet = await viewer.watch(options.seconds * 1000)
  const baselineP99 = latencyStats(quiet.latenciesMs).p99
  log(`quiet baseline: ${quiet.latenciesMs.length} segments, p99 ${baselineP99.toFixed(1)} ms`)
  const context: AttackContext = { url: host.url, segment: segments[segments.length - 1], sockets: options.sockets, durationMs: options.seconds * 1000, maxCases: options.maxCases }
  // The classes that hold channels of their own count what those lost; the floods hold none.
  const withChannels = [
    ledgerFaults(ledger, ADMIN_TOKEN, PRICE),
    outpointReuse(PRICE),
    hostKills(host, { adminToken: ADMIN_TOKEN, price: PRICE, segments, viewer }),
    fullDisk(disk, PRICE, segments),
    chainReorgs(devnet.url, PRICE, segments),
  ]
  const ownLosses = new Map<Attack, () => number>(withChannels.map((attack) => [attack, attack.lostSatoshis]))
  const attacks: Attack[] = [...attackers.attacks, ...withChannels].filter(chosen)
  const rows: ChaosRow[] = []
  for (const attack of attacks) {
    log(`attack: ${attack.name}`)
    const started = performance.now()
    const [outcome, watched] = await Promise.all([attack.run(context).finally(() => log(`  ${attack.name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`)), viewer.watch(context.durationMs)])
    // The viewer's books against the host's: an accepted payment the host does not hold is lost money.
    const lost = Math.max(0, viewer.accepted() - (await hostPaid(host.url, ADMIN_TOKEN, viewer.channelId))) + (ownLosses.get(attack)?.() ?? 0)
    rows.push(chaosRow(attack.name, outcome, watched.latenciesMs, baselineP99, lost))
  }
  const accepted = viewer.accepted()
  const summary = await viewer.close()
  const settled = summary.closeTxid ? await closePays(host.url, summary.closeTxid) : 0
  rows.push({
    class: "legitimate viewer's settlement",
    cases: 1,
    outcome: `${settled === accepted ? 'OK' : 'FAIL'}: accepted ${accepted}, close on the ledger pays ${settled}`,
    satoshisLost: Math.max(0, accepted - settled),
    p99Ms: null,
    p99Ratio: null,
    answers: { accepted, settled },
    violations: settled === accepted ? [] : [`accepted ${accepted}, settled ${settled}`],
  })
  process.stdout.write(formatChaosTable(rows, baselineP99) + '\n')
  for (const row of rows) for (const violation of row.violations) process.stdout.write(`VIOLATION ${row.class}: ${violation}\n`)
  mkdirSync(dirname(options.json), { recursive: true })
  writeFileSync(options.json, JSON.stringify({ at: new Date().toISOString(), options, baselineP99Ms: baselineP99, rows }, null, 2) + '\n')
  exitCode = rows.some((row) => row.violations.length > 0 || row.satoshisLost > 0) ? 1 : 0
} catch (error) {
  log(`chaos failed: ${error instanceof Error ? error.stack : String(error)}`)
  exitCode = 2
} finally {
  attackers.stop()
  await host.stop()
  await ledger.close()
  await devnet.close()
  if (disk) removeTmpfs(disk)
  rmSync(work, { recursive: true, force: true })
}
process.exit(exitCode)
