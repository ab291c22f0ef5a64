// A whole fleet on this machine, as docs/deploy.md describes it: one PostgreSQL, one devnet (`npm run devnet` in its
// own process), N host instances (`scripts/start.ts` processes sharing the store and the ledger) and nginx in front.
// For the cluster test and `npm run bench:cluster`.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CHANNEL_KEY_FILE, PAYOUT_KEY_FILE } from '../../server/identity.ts'
import { freePort } from './free-port.ts'
import { startTestNginx, type TestNginx } from './nginx.ts'
import { startTestPostgres, type TestPostgres } from './postgres.ts'
import { runScript, type ScriptProcess } from './script-process.ts'

export const CLUSTER_ADMIN_TOKEN = 'cluster-admin-token-0123456789'
const EDGE_SECRET = 'cluster-edge-secret-0123456789abcdefghij'

export interface ClusterInstance {
  name: string
  port: number
  /** The instance itself, bypassing nginx. */
  url: string
  process: ScriptProcess
  /** Starts it again after a kill, with the same arguments. */
  restart(): Promise<void>
}

export interface LocalCluster {
  /** Where viewers go: nginx. */
  url: string
  nginx: TestNginx
  postgres: TestPostgres
  storeUrl: string
  devnetUrl: string
  instances: ClusterInstance[]
  stop(): Promise<void>
}

export interface ClusterOptions {
  instances: number
  mediaDir: string
  /** Edge mode: nginx serves the media folder to signed URLs. */
  edge: boolean
  /** More flags for every instance (price, idle timeout…). */
  hostArgs?: string[]
  /** fsync PostgreSQL's commits (the bench); tests do without. */
  durable?: boolean
}

async function startInstance(script: string, args: string[]): Promise<ScriptProcess> {
  const process = runScript(script, args)
  await process.waitFor(/Player:\s+http:\/\/\S+\//, 60_000)
  return process
}

export async function startCluster(options: ClusterOptions): Promise<LocalCluster> {
  const work = mkdtempSync(join(tmpdir(), 'p2p-cluster-'))
  const secretFile = join(work, 'edge.secret')
  writeFileSync(secretFile, EDGE_SECRET, { mode: 0o600 })
  const started: Array<{ stop(): Promise<unknown> }> = []
  try {
    const postgres = await startTestPostgres({ durable: options.durable })
    started.push(postgres)
    const storeUrl = await postgres.createDatabase('fleet')
    const devnet = runScript('devnet/main.ts', ['--port', '0', '--data', join(work, 'devnet'), '--block-interval', '0', '--log-level', 'warn'])
    started.push(devnet)
    const devnetUrl = (await devnet.waitFor(/Devnet ledger: (http:\/\/127\.0\.0\.1:\d+\/devnet)/))[1]

    const names = Array.from({ length: options.instances }, (_, index) => String.fromCharCode(97 + index))
    const ports = await Promise.all(names.map(() => freePort()))
    const argsFor = (name: string, port: number) => [
      '--port', String(port), '--data', join(work, `host-${name}`), '--media', options.mediaDir, '--no-sample',
      '--store', storeUrl, '--devnet-url', devnetUrl, '--instance', name, '--admin-token', CLUSTER_ADMIN_TOKEN, '--log-level', 'warn', '--trust-proxy',
      ...(options.edge ? ['--edge-secret-file', secretFile] : []),
      ...(options.hostArgs ?? []),
    ]
    // The first instance makes the channel and payout keys; the others get copies, as docs/deploy.md says to do.
    const first = await startInstance('scripts/start.ts', argsFor(names[0], ports[0]))
    for (const name of names.slice(1)) {
      mkdirSync(join(work, `host-${name}`), { recursive: true })
      for (const file of [CHANNEL_KEY_FILE, PAYOUT_KEY_FILE]) copyFileSync(join(work, `host-${names[0]}`, file), join(work, `host-${name}`, file))
    }
    const processes = [first, ...(await Promise.all(names.slice(1).map((name, index) => startInstance('scripts/start.ts', argsFor(name, ports[index + 1])))))]
    const instances: ClusterInstance[] = names.map((name, index) => {
      const instance: ClusterInstance = {
        name,
        port: ports[index],
        url: `http://127.0.0.1:${ports[index]}`,
        process: processes[index],
        async restart() {
          instance.process = await startInstance('scripts/start.ts', argsFor(name, ports[index]))
        },
      }
      return instance
    })
    started.push({ stop: () => Promise.all(instances.map((instance) => instance.process.stop())) })
    const nginx = await startTestNginx({
      instances: instances.map(({ name, port }) => ({ name, address: `127.0.0.1:${port}` })),
      edge: options.edge ? { mediaRoot: options.mediaDir, basePath: '/edge/', secret: EDGE_SECRET } : undefined,
    })
    started.push(nginx)
    return {
      url: nginx.url,
      nginx,
      postgres,
      storeUrl,
      devnetUrl,
      instances,
      async stop() {
        for (const part of started.reverse()) await part.stop().catch(() => undefined)
        rmSync(work, { recursive: true, force: true })
      },
    }
  } catch (error) {
    for (const part of started.reverse()) await part.stop().catch(() => undefined)
    rmSync(work, { recursive: true, force: true })
    throw error
  }
}
