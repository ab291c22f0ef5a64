// Who may write to the devnet: mine, take from the faucet, or force a double spend in test mode. Mining moves the clock
// every refund's lock time is measured by, so a viewer who could mine could take back what they paid. Writes are let
// through for the admin token (Authorization: Bearer), or for a client on this machine's loopback that names the host
// by a loopback name (the player of a fresh `npm start`, the tests, the viewer fleet). Everything else is refused with 403;
// reading the chain and broadcasting transactions stay open to all, as on a real network. Both programs mount it: the
// devnet before its own routes, the host before its own devnet or its proxy to a shared one.
import type { NextFunction, Request, Response } from 'express'
import { bearerToken, type AdminGate } from './admin-gate.ts'
import { clientAddress } from './client-address.ts'
import { hostHeaderName, isLoopbackAddress } from './host-names.ts'

/** The devnet's writes, relative to where it is mounted (/devnet). */
export function isDevnetWrite(method: string, path: string): boolean {
  return method === 'POST' && (path === '/mine' || path === '/faucet' || path.startsWith('/test/'))
}

export interface DevnetWritePolicy {
  /** Names only this machine reaches the host under (host-names.ts localHostNames). */
  localNames: ReadonlySet<string>
  /** The admin token's door; null when there is no token (a standalone devnet without --admin-token). */
  admin: AdminGate | null
  /** Behind nginx: the client is X-Forwarded-For's last entry, never nginx's loopback address. */
  trustProxy: boolean
}

/** Mount before the devnet (its own router, or the proxy to a shared one): writes pass only as the policy allows. */
export function devnetWriteGate(policy: DevnetWritePolicy) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!isDevnetWrite(req.method, req.path)) return next()
    const address = clientAddress(req.socket.remoteAddress, req.headers, policy.trustProxy)
    const name = hostHeaderName(req.headers.host)
    if (isLoopbackAddress(address) && name !== null && policy.localNames.has(name)) return next()
    const token = bearerToken(req.get('authorization'))
    const verdict = policy.admin && token !== undefined ? policy.admin.check(token, address) : 'missing'
    if (verdict === 'admitted') return next()
    if (verdict === 'limited') {
      res.setHeader('Retry-After', String(policy.admin!.retryAfterSeconds(address)))
      return refuse(res, 429, `too many wrong admin tokens from this address: at most ${policy.admin!.attemptsPerMinute} a minute`)
    }
    const why = verdict === 'wrong' ? 'that admin token is wrong' : 'no admin token'
    refuse(res, 403, `${why}: mining, the faucet and test mode answer only to the admin token (Authorization: Bearer <token>) or to a client on this machine that uses http://127.0.0.1 or http://localhost`)
  }
}

/** The devnet's plain JSON error, { error, code }, as its own routes answer. */
function refuse(res: Response, status: number, error: string): void {
  res.status(status).json({ error, code: status })
}
