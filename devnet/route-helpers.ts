// What the devnet's route files share: body and txid limits, and the plain JSON error of the non-ARC routes.
import type { Response } from 'express'

/** A BEEF carries its ancestors too; 2 MB of hex holds a 1 MB transaction and then some. */
export const BODY_LIMIT = '2100kb'
export const TXID = /^[0-9a-fA-F]{64}$/

export function jsonError(res: Response, status: number, error: string, code = status): void {
  res.status(status).json({ error, code })
}
