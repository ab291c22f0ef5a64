// The devnet ledger as a service of its own (`npm run devnet`): the same /devnet routes the host mounts, on its own
// port and data folder, so several hosts (started with --devnet-url) can share one chain. Like the host, it answers
// only to its own names (421 otherwise), and takes writes (mining, the faucet, test mode) only from this machine's
// loopback under a loopback name, which is how the hosts that share it proxy their viewers' faucet requests, or with
// its own --admin-token.
import express, { type Request, type Response } from 'express'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AdminGate, tokenDigest } from '../node-shared/admin-gate.ts'
import { ownNamesOf, refuseForeignHosts } from '../node-shared/host-allowlist.ts'
import { isWildcardBind, localHostNames } from '../node-shared/host-names.ts'
import { embedDevnet, type EmbeddedDevnetOptions } from './embedded.ts'
import type { DevnetLedger } from './ledger.ts'
import { devnetWriteGate } from '../node-shared/devnet-write-gate.ts'

export interface DevnetServerOptions {
  port: number
  /** Loopback unless told otherwise. */
  host: string
  dataDir: string
  /** Mine a block this often; 0 mines only on POST /devnet/mine. */
  blockIntervalSeconds: number
  /** Allows the test routes (POST /devnet/test/double-spend, /devnet/test/reorg). */
  testMode: boolean
  /** Idle keep-alive connections close after this long (5 s, as on the host, unless told). */
  keepAliveTimeoutSeconds?: number
  /** Lets writes in from anywhere with Authorization: Bearer <token>; without it, writes come from loopback only. */
  adminToken?: string
  /** Names it answers to besides loopback's and the bound address. */
  publicHosts?: readonly string[]
  logger?: EmbeddedDevnetOptions['logger']
}

export interface RunningDevnet {
  /** The base every client is given, e.g. http://127.0.0.1:8090/devnet */
  url: string
  ledger: DevnetLedger
  close(): Promise<void>
}

export async function startDevnetServer(opts: DevnetServerOptions): Promise<RunningDevnet> {
  const devnet = embedDevnet(opts)
  const app = express()
  app.disable('x-powered-by')
  // Hosts proxy their viewers' faucet requests here with X-Forwarded-For: the faucet limits each viewer, not each host.
  app.set('trust proxy', 'loopback')
  const admin = opts.adminToken ? new AdminGate(tokenDigest(opts.adminToken), 10) : null
  app.use('/devnet', devnetWriteGate({ localNames: localHostNames(opts.host), admin, trustProxy: false }))
  app.use('/devnet', devnet.routes)
  app.get('/', (_req: Request, res: Response) => {
    res.json({ devnet: '/devnet', arc: '/devnet/arc/v1/health', whatsOnChain: '/devnet/woc/v1/bsv/devnet/chain/info' })
  })
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', message: `Nothing at ${req.method} ${req.path}: the devnet lives under /devnet.` })
  })
  const server = createServer({ keepAliveTimeout: (opts.keepAliveTimeoutSeconds ?? 5) * 1000 }, app)
  refuseForeignHosts(server, ownNamesOf(opts.host, opts.publicHosts ?? []), '--public-host (P2P_DEVNET_PUBLIC_HOST)')
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => resolve())
  }).catch((error: unknown) => {
    // A port in use: the miner must not keep mining into a ledger nobody serves.
    devnet.close()
    throw error
  })
  const { port } = server.address() as AddressInfo
  const host = isWildcardBind(opts.host) ? '127.0.0.1' : opts.host
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/devnet`
  return {
    url,
    ledger: devnet.ledger,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      devnet.close()
    },
  }
}
