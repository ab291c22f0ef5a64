// POST /devnet/test/reorg (test mode only): {"blocks": N, "replace": [{"txid", "rawTx"}], "drop": [txid]} orphans the
// last N blocks for a longer chain, as reorg.ts describes, and answers what became of them.
import type { Request, Response } from 'express'
import { ChainError } from '../protocol/chain/chain.ts'
import type { DevnetLedger } from './ledger.ts'
import { parseReorgRequest } from './reorg.ts'
import { jsonError } from './route-helpers.ts'

export function reorgRoute(ledger: DevnetLedger) {
  return (req: Request, res: Response): void => {
    try {
      res.json(ledger.reorg(parseReorgRequest(req.body)))
    } catch (err) {
      if (!(err instanceof ChainError)) throw err
      jsonError(res, err.code >= 400 && err.code < 600 ? err.code : 500, err.message, err.code)
    }
  }
}
