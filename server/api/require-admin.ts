// The host's admin routes answer only to the admin token (node-shared/admin-gate.ts): 401 without one, 403 for a wrong one,
// 429 once this address has tried too many wrong ones this minute.
import type { NextFunction, Request, Response } from 'express'
import { bearerToken, type AdminGate } from '../../node-shared/admin-gate.ts'
import { clientAddress } from '../../node-shared/client-address.ts'

export const TOO_MANY_ATTEMPTS = 'too_many_attempts'

export function requireAdmin(gate: AdminGate) {
  return (req: Request, res: Response, next: NextFunction) => {
    const address = clientAddress(req.socket.remoteAddress, req.headers, gate.trustProxy)
    switch (gate.check(bearerToken(req.get('authorization')), address)) {
      case 'admitted':
        return next()
      case 'missing':
        res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized', message: 'Send the admin token as "Authorization: Bearer <token>". It is printed when the host first starts, or set with --admin-token-file.' })
        return
      case 'wrong':
        res.status(403).json({ error: 'forbidden', message: 'That admin token is wrong.' })
        return
      case 'limited': {
        const wait = gate.retryAfterSeconds(address)
        res.status(429).set('Retry-After', String(wait)).json({
          error: TOO_MANY_ATTEMPTS,
          message: `Too many wrong admin tokens from this address: at most ${gate.attemptsPerMinute} a minute. Try again in ${wait} s.`,
        })
      }
    }
  }
}
