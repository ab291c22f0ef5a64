// The host's own devnet, in its process (`npm start` without --devnet-url). The host does not import devnet/ (the
// layering check forbids it): whoever starts the host hands it this door (scripts/start.ts, the tests), and the host
// reaches that chain through HttpChain at its own /devnet, as it reaches a shared devnet or a real network.
import type { Request, RequestHandler } from 'express'
import type { Logger } from '../../node-shared/logger.ts'

export interface OwnDevnetOptions {
  /** The ledger's file goes in the host's data folder. */
  dataDir: string
  /** Mine a block this often; 0 mines only on POST /devnet/mine. */
  blockIntervalSeconds: number
  /** Allows the test routes (POST /devnet/test/double-spend, /devnet/test/reorg). */
  testMode: boolean
  logger: Logger
  /** Who a request comes from, as the host reads it (--trust-proxy): the faucet limits each client. */
  clientOf(req: Request): string
}

export interface OwnDevnet {
  /** Answers under /devnet: ARC, WhatsOnChain, the faucet, mining. The host puts the write gate in front. */
  routes: RequestHandler
  /** Stops the miner and closes the ledger. */
  close(): void
}

export type OpenDevnet<D extends OwnDevnet = OwnDevnet> = (options: OwnDevnetOptions) => D
