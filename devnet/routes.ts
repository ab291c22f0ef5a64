// The devnet's HTTP face, mounted at /devnet (by the host, or by `npm run devnet` on its own). It speaks ARC
// (/arc/v1/...) and WhatsOnChain (/woc/v1/bsv/devnet/...) so the same clients serve devnet, testnet and mainnet, plus a
// faucet, on-demand mining, a readable tx page and, in test mode only, a forced double spend and a chain
// reorganisation. Everything inbound is validated; garbage gets a 400. Who may mine, use the faucet or the test routes
// is node-shared/devnet-write-gate.ts's to say, in front of this router.
import express, { type NextFunction, type Request, type Response } from 'express'
import { ChainError } from '../protocol/chain/chain.ts'
import { AddressWindows } from '../node-shared/address-windows.ts'
import { arcRouter } from './arc-routes.ts'
import type { DevnetLedger } from './ledger.ts'
import { pubKeyHashOfAddress } from './p2pkh.ts'
import { BODY_LIMIT, jsonError, TXID } from './route-helpers.ts'
import { reorgRoute } from './reorg-route.ts'
import { renderTxPage } from './tx-view.ts'
import { wocRouter } from './woc-routes.ts'

export interface DevnetRouterOptions {
  /** Faucet requests allowed per client address per minute, whoever asks (admin or loopback; node-shared/devnet-write-gate.ts). */
  faucetPerMinute?: number
  /** Who a request comes from; req.ip by default (the host passes its --trust-proxy reading). */
  clientOf?: (req: Request) => string
}

/** Fixed one-minute windows per client address (IPv6 by /64, a bounded LRU): enough to stop a loop from draining the faucet. */
function faucetLimiter(perMinute: number, clientOf: (req: Request) => string) {
  const windows = new AddressWindows(perMinute)
  return (req: Request, res: Response, next: NextFunction): void => {
    const who = clientOf(req)
    if (windows.full(who)) {
      res.setHeader('Retry-After', String(windows.retryAfterSeconds(who)))
      return jsonError(res, 429, `faucet rate limit: at most ${perMinute} requests a minute`)
    }
    windows.add(who)
    next()
  }
}

export function devnetRouter(ledger: DevnetLedger, opts: DevnetRouterOptions = {}): express.Router {
  const router = express.Router()
  const json = express.json({ limit: BODY_LIMIT, strict: true })
  const chainErrorStatus = (err: ChainError) => (err.code >= 400 && err.code < 600 ? err.code : 500)

  router.use('/arc', arcRouter(ledger))
  router.use('/woc/v1/bsv/devnet', wocRouter(ledger))

  const clientOf = opts.clientOf ?? ((req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown')
  router.post('/faucet', faucetLimiter(opts.faucetPerMinute ?? 30, clientOf), json, async (req, res) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>
    const { address, satoshis } = body
    if (typeof address !== 'string' || pubKeyHashOfAddress(address) === null) {
      return jsonError(res, 400, 'send JSON {"address": "<P2PKH address>", "satoshis": <integer>}')
    }
    if (typeof satoshis !== 'number' || !Number.isSafeInteger(satoshis) || satoshis < 1 || satoshis > ledger.faucetCap) {
      return jsonError(res, 400, `satoshis must be an integer between 1 and ${ledger.faucetCap}`)
    }
    try {
      res.json(await ledger.faucet(address, satoshis))
    } catch (err) {
      if (err instanceof ChainError) return jsonError(res, chainErrorStatus(err), err.message, err.code)
      throw err
    }
  })

  router.post('/mine', (_req, res) => {
    res.json({ height: ledger.mine() })
  })

  if (ledger.testMode) {
    // A miner's choice between two conflicting txs, for tests: {"rawTx": "<hex>", "mine": true} makes rawTx win.
    router.post('/test/double-spend', json, (req, res) => {
      const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>
      if (typeof body.rawTx !== 'string') return jsonError(res, 400, 'send JSON {"rawTx": "<hex of the tx that wins>", "mine": <boolean>}')
      try {
        const { txid } = ledger.forceConflict(body.rawTx)
        const height = body.mine === true ? ledger.mine() : undefined
        res.json({ txid, txStatus: ledger.txStatus(txid)?.status, ...(height === undefined ? {} : { height }) })
      } catch (err) {
        if (err instanceof ChainError) return jsonError(res, chainErrorStatus(err), err.message, err.code)
        throw err
      }
    })
    router.post('/test/reorg', json, reorgRoute(ledger))
  }

  router.get('/tx/:txid', (req, res) => {
    const txid = String(req.params.txid ?? '')
    const page = (status: number, message: string) =>
      void res.status(status).type('html').send(`<!doctype html><meta charset="utf-8"><title>devnet</title><p>${message}</p>`)
    if (!TXID.test(txid)) return page(400, 'A transaction id is 64 hex characters.')
    const raw = ledger.rawTx(txid.toLowerCase(), true)
    const status = ledger.txStatus(txid.toLowerCase())
    if (!raw || !status) return page(404, `The devnet does not know transaction <code>${txid.toLowerCase()}</code>.`)
    res.type('html').send(renderTxPage(raw, status, ledger.outputsOf(status.txid), ledger.height))
  })

  router.use((_req: Request, res: Response) => jsonError(res, 404, 'no such devnet endpoint'))

  // Body-parser failures (bad JSON, too large) and anything unexpected: a JSON answer, never a crash.
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string }
    if (e?.type === 'entity.parse.failed') return jsonError(res, 400, `body is not valid JSON: ${e.message ?? ''}`)
    if (e?.type === 'entity.too.large') return jsonError(res, 413, 'body too large')
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return jsonError(res, e.status, e.message ?? 'bad request')
    jsonError(res, 500, `devnet error: ${e?.message ?? String(err)}`)
  })

  return router
}
