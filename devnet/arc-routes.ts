// The devnet's ARC face (bitcoin-sv/arc pkg/api/arc.yaml): POST /v1/tx and /v1/txs take raw, Extended Format and BEEF
// transactions as JSON {rawTx}, text/plain hex or application/octet-stream bytes; GET /v1/tx/{txid} answers the status
// with the merkle path once mined; GET /v1/policy and /v1/health. Refusals are ARC's RFC 7807 problems.
import express, { type NextFunction, type Request, type Response } from 'express'
import { ChainError } from '../protocol/chain/chain.ts'
import { arcProblem } from './arc-problems.ts'
import type { DevnetLedger, LedgerTxStatus, SubmitResult } from './ledger.ts'
import { BODY_LIMIT, TXID } from './route-helpers.ts'
import { decodeSubmission, decodeSubmissions, submissionBytes, type Submission } from './submission.ts'
import { MAX_TX_BYTES } from './validate.ts'

type Answer = ReturnType<typeof submitted> | ReturnType<typeof arcProblem>

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

/** The bytes of a POST body, read the three ways ARC reads one (internal/api/handler/parsers.go). */
function bodyBytes(req: Request, many: boolean): Uint8Array {
  const body: unknown = req.body
  if (Buffer.isBuffer(body)) return new Uint8Array(body)
  if (typeof body === 'string') {
    return many ? concat(body.split(/\r?\n/).filter((line) => line.trim() !== '').map(submissionBytes)) : submissionBytes(body)
  }
  if (many && Array.isArray(body) && body.every((item) => isRecord(item) && typeof item.rawTx === 'string')) {
    return concat(body.map((item) => submissionBytes((item as { rawTx: string }).rawTx)))
  }
  if (!many && isRecord(body) && typeof body.rawTx === 'string') return submissionBytes(body.rawTx)
  const type = req.headers['content-type'] ?? 'none'
  const how = many
    ? 'a JSON array [{"rawTx": "<hex>"}, ...], text/plain hex one per line, or application/octet-stream bytes'
    : 'JSON {"rawTx": "<hex>"}, text/plain hex, or application/octet-stream bytes'
  throw new ChainError(`send ${how} (this request: content-type ${type})`, 400)
}

/** ARC's TransactionStatus (GET /v1/tx/{txid}). */
function statusOf(s: LedgerTxStatus) {
  return {
    blockHash: s.blockHash ?? '',
    blockHeight: s.blockHeight ?? 0,
    ...(s.competingTxs && s.competingTxs.length > 0 ? { competingTxs: s.competingTxs } : {}),
    extraInfo: s.extraInfo ?? '',
    merklePath: s.merklePath ?? '',
    timestamp: new Date().toISOString(),
    txStatus: s.status,
    txid: s.txid,
  }
}

/** ARC's TransactionResponse (POST): the status with {status: 200, title: 'OK'}. */
function submitted(ledger: DevnetLedger, result: SubmitResult) {
  const status = ledger.txStatus(result.txid) ?? { txid: result.txid, status: result.status, timestamp: 0 }
  return { ...statusOf(status), status: 200, title: 'OK' }
}

function problemOf(err: unknown): ReturnType<typeof arcProblem> {
  if (err instanceof ChainError) return arcProblem(err.code, err.message, err.txid)
  throw err
}

/** What ARC answers for each tx of a submission: a BEEF answers for each unmined tx it brought. */
function answersFor(ledger: DevnetLedger, unit: Submission): Answer[] {
  if (unit.kind === 'tx') {
    try {
      return [submitted(ledger, ledger.submitTx(unit.tx))]
    } catch (err) {
      return [problemOf(err)]
    }
  }
  const outcome = ledger.submitBeef(unit.beef)
  const answers: Answer[] = outcome.accepted.map((result) => submitted(ledger, result))
  return outcome.error ? [...answers, problemOf(outcome.error)] : answers
}

function send(res: Response, answer: Answer): void {
  res.status(answer.status).json(answer)
}

export function arcRouter(ledger: DevnetLedger): express.Router {
  const router = express.Router()
  const parse = [
    express.json({ limit: BODY_LIMIT, strict: true }),
    express.text({ type: 'text/plain', limit: BODY_LIMIT }),
    express.raw({ type: 'application/octet-stream', limit: BODY_LIMIT }),
  ]
  const answer = (res: Response, run: () => void): void => {
    try {
      run()
    } catch (err) {
      send(res, problemOf(err))
    }
  }

  router.post('/v1/tx', ...parse, (req: Request, res: Response) =>
    answer(res, () => {
      const unit = decodeSubmission(bodyBytes(req, false))
      if (unit.kind === 'tx') return send(res, answersFor(ledger, unit)[0])
      // A BEEF answers for the tx it is for (ARC's Atomic BEEF subject, or its last tx).
      const outcome = ledger.submitBeef(unit.beef)
      if (outcome.error) return send(res, problemOf(outcome.error))
      send(res, submitted(ledger, { txid: outcome.subject, status: 'UNKNOWN' }))
    }))

  router.post('/v1/txs', ...parse, (req: Request, res: Response) =>
    answer(res, () => {
      const units = decodeSubmissions(bodyBytes(req, true))
      res.json(units.flatMap((unit) => answersFor(ledger, unit)))
    }))

  router.get('/v1/tx/:txid', (req, res) => {
    const txid = String(req.params.txid)
    if (!TXID.test(txid)) return send(res, arcProblem(400, 'txid must be 64 hex characters'))
    const status = ledger.txStatus(txid.toLowerCase())
    if (!status) return send(res, arcProblem(404, `transaction ${txid} is not known to the devnet`, txid))
    res.json(statusOf(status))
  })

  router.get('/v1/policy', (_req, res) => {
    res.json({
      policy: {
        maxscriptsizepolicy: 100_000_000,
        maxtxsigopscountspolicy: 4_294_967_295,
        maxtxsizepolicy: MAX_TX_BYTES,
        miningFee: { satoshis: ledger.feeRate.satoshis, bytes: ledger.feeRate.bytes },
        standardFormatSupported: true,
      },
      timestamp: new Date().toISOString(),
    })
  })

  router.get('/v1/health', (_req, res) => {
    res.json({ healthy: true, version: 'p2p-channels-devnet', reason: null })
  })

  // Body-parser failures (bad JSON, too large): ARC's problem shape, never a crash.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const e = err as { type?: string; message?: string }
    if (e?.type === 'entity.parse.failed') return send(res, arcProblem(400, `body is not valid JSON: ${e.message ?? ''}`))
    if (e?.type === 'entity.too.large') return send(res, arcProblem(413, `the body is larger than ${BODY_LIMIT}`))
    next(err)
  })

  return router
}
