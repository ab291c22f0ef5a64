// The devnet inside another program's process: the ledger, its routes and its miner, ready to mount at /devnet. The
// host's `npm start` embeds it this way (scripts/start.ts hands it to the host as server/chain/own-devnet.ts's door),
// and `npm run devnet` serves the same thing on a port of its own (server.ts).
import type { Request, Router } from 'express'
import { DevnetLedger, type LedgerLogger } from './ledger.ts'
import { startMiner } from './miner.ts'
import { devnetRouter } from './routes.ts'

export interface EmbeddedDevnetOptions {
  dataDir: string
  /** Mine a block this often; 0 mines only on POST /devnet/mine. */
  blockIntervalSeconds: number
  /** Allows the test routes (POST /devnet/test/double-spend, /devnet/test/reorg). */
  testMode: boolean
  logger?: LedgerLogger & { error(obj: object, msg?: string): void }
  /** Who a request comes from; req.ip by default. */
  clientOf?: (req: Request) => string
}

export interface EmbeddedDevnet {
  ledger: DevnetLedger
  routes: Router
  /** Stops the miner and closes the ledger. */
  close(): void
}

export function embedDevnet(opts: EmbeddedDevnetOptions): EmbeddedDevnet {
  const ledger = DevnetLedger.open({ dataDir: opts.dataDir, logger: opts.logger, testMode: opts.testMode })
  const stopMiner = opts.blockIntervalSeconds > 0
    ? startMiner(ledger, { intervalMs: opts.blockIntervalSeconds * 1000, onError: (err) => opts.logger?.error({ err }, 'devnet could not mine') })
    : () => {}
  return {
    ledger,
    routes: devnetRouter(ledger, { clientOf: opts.clientOf }),
    close() {
      stopMiner()
      ledger.close()
    },
  }
}
