// The devnet's HTTP face, mounted by the host at /devnet. It speaks ARC (/arc/v1/...) and WhatsOnChain
// (/woc/v1/bsv/devnet/...) shapes so the same HttpChain client serves devnet, testnet and mainnet, plus a
// faucet, on-demand mining and a readable tx page. Everything inbound is validated; garbage gets a 400.
import express, { type NextFunction, type Request, type Response } from 'express'
import { ChainError } from '../../../protocol/chain/chain.ts'
import type { DevnetLedger } from './ledger.ts'
import { pubKeyHashOfAddress, p2pkhScriptHex } from './p2pkh.ts'
import { renderTxPage } from './tx-view.ts'

export interface DevnetRouterOptions {
  /** Faucet requests allowed per client address per minute. */
  faucetPerMinute?: number
}

/** A 1 MB transaction is far above anything a channel needs; the hex and JSON around it stay under this. */
const MAX_TX_BYTES = 1_000_000
const BODY_LIMIT = '2100kb'
const TXID = /^[0-9a-fA-F]{64}$/
const ARC_ERRORS_URL = 'https://bitcoin-sv.github.io/arc/#/errors?id=_'

/** ARC's generic text for each code; the specific reason goes in extraInfo, as ARC does. */
const ARC_DETAIL: Record<number, string> = {
  400: 'The request seems to be malformed and cannot be processed',
  404: 'The requested resource could not be found',
  409: 'Transaction could not be processed',
  460: 'Missing input: a parent transaction or output is unknown',
  461: 'Unlocking script failed',
  462: 'Transaction is invalid because the inputs are non-existent or spent',
  463: 'Transaction is malformed and cannot be processed',
  464: 'Transaction is invalid because the outputs are non-existent or invalid',
  465: 'Fees are insufficient',
  466: 'Transaction is valid, but there is a conflicting tx',
}

const ARC_TITLE: Record<number, string> = {
  400: 'Bad request', 404: 'Not found', 409: 'Generic error', 460: 'Not extended format', 461: 'Malformed transaction',
  462: 'Invalid inputs', 463: 'Malformed transaction', 464: 'Invalid outputs', 465: 'Fee too low', 466: 'Conflicting tx found',
}

function arcError(res: Response, code: number, extraInfo: string, txid?: string): void {
  const status = code >= 400 && code < 600 ? code : 409
  res.status(status).json({
    type: `${ARC_ERRORS_URL}${status}`,
    title: ARC_TITLE[status] ?? 'Generic error',
    status,
    detail: ARC_DETAIL[status] ?? 'Transaction could not be processed',
    txid: txid ?? '',
    extraInfo,
  })
}

function jsonError(res: Response, status: number, error: string, code = status): void {
  res.status(status).json({ error, code })
}

/** The tx hex of a POST body: JSON {rawTx}|{txhex}, text/plain hex, or application/octet-stream bytes. */
function txHexFromBody(body: unknown, jsonField: 'rawTx' | 'txhex'): string | { error: string } {
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) return { error: 'empty body: send the transaction bytes' }
    return body.toString('hex')
  }
  if (typeof body === 'string') {
    const text = body.trim()
    return text.length > 0 ? text : { error: 'empty body: send the transaction as hex' }
  }
  if (typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>)[jsonField] === 'string') {
    return ((body as Record<string, unknown>)[jsonField] as string).trim()
  }
  return { error: `send JSON {"${jsonField}": "<hex>"}, text/plain hex, or application/octet-stream bytes` }
}

function validTxHex(hex: string): string | null {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) return 'the transaction must be even-length hex'
  if (hex.length / 2 > MAX_TX_BYTES) return `the transaction is larger than ${MAX_TX_BYTES} bytes`
  return null
}

/** Fixed one-minute windows per client address: enough to stop a loop from draining the faucet, no more. */
function faucetLimiter(perMinute: number) {
  const windows = new Map<string, { start: number; count: number }>()
  return (req: Request, res: Response, next: NextFunction): void => {
    const now = Date.now()
    const who = req.ip ?? req.socket.remoteAddress ?? 'unknown'
    const w = windows.get(who)
    if (!w || now - w.start >= 60_000) {
      if (windows.size > 10_000) windows.clear()
      windows.set(who, { start: now, count: 1 })
      return next()
    }
    if (w.count >= perMinute) {
      res.setHeader('Retry-After', String(Math.ceil((w.start + 60_000 - now) / 1000)))
      return jsonError(res, 429, `faucet rate limit: at most ${perMinute} requests a minute`)
    }
    w.count++
    next()
  }
}

export function devnetRouter(ledger: DevnetLedger, opts: DevnetRouterOptions = {}): express.Router {
  const router = express.Router()
  const json = express.json({ limit: BODY_LIMIT, strict: true })
  const text = express.text({ type: 'text/plain', limit: BODY_LIMIT })
  const raw = express.raw({ type: 'application/octet-stream', limit: MAX_TX_BYTES })
  const txParam = (req: Request): string | null => {
    const txid = String(req.params.txid ?? '')
    return TXID.test(txid) ? txid.toLowerCase() : null
  }

  // ---- ARC ----
  router.post('/arc/v1/tx', json, text, raw, (req, res) => {
    const hex = txHexFromBody(req.body, 'rawTx')
    if (typeof hex !== 'string') return arcError(res, 400, hex.error)
    const bad = validTxHex(hex)
    if (bad) return arcError(res, 400, bad)
    try {
      const { txid } = ledger.submit(hex)
      const status = ledger.txStatus(txid)!
      res.json({
        blockHash: status.blockHash ?? '',
        blockHeight: status.blockHeight ?? 0,
        extraInfo: '',
        status: 200,
        timestamp: new Date(status.timestamp * 1000).toISOString(),
        title: 'OK',
        txStatus: status.status,
        txid,
      })
    } catch (err) {
      if (err instanceof ChainError) return arcError(res, err.code, err.message, err.txid)
      throw err
    }
  })

  router.get('/arc/v1/tx/:txid', (req, res) => {
    const txid = txParam(req)
    if (!txid) return arcError(res, 400, 'txid must be 64 hex characters')
    const status = ledger.txStatus(txid)
    if (!status) return arcError(res, 404, `transaction ${txid} is not known to the devnet`, txid)
    res.json({
      blockHash: status.blockHash ?? '',
      blockHeight: status.blockHeight ?? 0,
      timestamp: new Date(status.timestamp * 1000).toISOString(),
      txStatus: status.status,
      txid,
    })
  })

  router.get('/arc/v1/policy', (_req, res) => {
    res.json({
      policy: {
        maxscriptsizepolicy: 100_000_000,
        maxtxsigopscountspolicy: 4_294_967_295,
        maxtxsizepolicy: MAX_TX_BYTES,
        miningFee: { satoshis: ledger.feeRate.satoshis, bytes: ledger.feeRate.bytes },
      },
      timestamp: new Date().toISOString(),
    })
  })

  router.get('/arc/v1/health', (_req, res) => {
    res.json({ healthy: true, version: 'p2p-channels-devnet', reason: '' })
  })

  // ---- WhatsOnChain ----
  const woc = '/woc/v1/bsv/devnet'
  router.get(`${woc}/chain/info`, (_req, res) => {
    const tip = ledger.block(ledger.height)
    res.json({
      chain: 'devnet',
      blocks: ledger.height,
      headers: ledger.height,
      bestblockhash: tip?.hash ?? '',
      difficulty: 1,
      mediantime: tip?.time ?? 0,
      verificationprogress: 1,
      pruned: false,
    })
  })

  router.get(`${woc}/tx/:txid/hex`, (req, res) => {
    const txid = txParam(req)
    if (!txid) return void res.status(400).type('text/plain').send('txid must be 64 hex characters')
    const hex = ledger.rawTx(txid)
    if (!hex) return void res.status(404).type('text/plain').send('Not Found')
    res.type('text/plain').send(hex)
  })

  router.get(`${woc}/address/:address/unspent/all`, (req, res) => {
    const address = String(req.params.address ?? '')
    const pkh = pubKeyHashOfAddress(address)
    if (!pkh) return jsonError(res, 400, `${address.slice(0, 64)} is not a P2PKH address`)
    const utxos = ledger.unspent(address)
    res.json({
      address,
      script: p2pkhScriptHex(pkh),
      result: utxos.map((u) => ({
        height: u.height,
        tx_pos: u.vout,
        tx_hash: u.txid,
        value: u.satoshis,
        isSpentInMempoolTx: false,
        status: u.height > 0 ? 'confirmed' : 'unconfirmed',
      })),
      error: '',
    })
  })

  router.post(`${woc}/tx/raw`, json, text, (req, res) => {
    const hex = txHexFromBody(req.body, 'txhex')
    if (typeof hex !== 'string') return jsonError(res, 400, hex.error)
    const bad = validTxHex(hex)
    if (bad) return jsonError(res, 400, bad)
    try {
      res.json(ledger.submit(hex).txid)
    } catch (err) {
      if (err instanceof ChainError) return jsonError(res, 400, err.message, err.code)
      throw err
    }
  })

  // ---- devnet extras ----
  router.post('/faucet', faucetLimiter(opts.faucetPerMinute ?? 30), json, async (req, res) => {
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
      if (err instanceof ChainError) return jsonError(res, err.code >= 400 && err.code < 600 ? err.code : 500, err.message, err.code)
      throw err
    }
  })

  router.post('/mine', (_req, res) => {
    res.json({ height: ledger.mine() })
  })

  router.get('/tx/:txid', (req, res) => {
    const txid = txParam(req)
    const page = (status: number, message: string) =>
      void res.status(status).type('html').send(`<!doctype html><meta charset="utf-8"><title>devnet</title><p>${message}</p>`)
    if (!txid) return page(400, 'A transaction id is 64 hex characters.')
    const raw = ledger.rawTx(txid)
    const status = ledger.txStatus(txid)
    if (!raw || !status) return page(404, `The devnet does not know transaction <code>${txid}</code>.`)
    res.type('html').send(renderTxPage(raw, status, ledger.outputsOf(txid), ledger.height))
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
