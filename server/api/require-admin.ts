// Admin pages and APIs answer only to the host's admin token (Authorization: Bearer <token>, never a URL). The host
// holds only the token's SHA-256 digest (the data folder never has the token itself); a candidate is compared with it
// in constant time. Each client address (an IPv6 one by its /64) may try only so many wrong tokens a minute: then it is
// refused (429) until the minute is over, right token or not.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'
import { AddressWindows } from '../security/address-windows.ts'
import { clientAddress } from '../security/client-address.ts'

/** The admin token as the host keeps it: a random token of 24 bytes needs no slow hash, SHA-256 suffices. */
export const tokenDigest = (token: string): Buffer => createHash('sha256').update(token).digest()

export function isAdminToken(candidate: string | undefined, digest: Buffer): boolean {
  return typeof candidate === 'string' && timingSafeEqual(tokenDigest(candidate), digest)
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  return match?.[1]
}

export type AdminVerdict = 'admitted' | 'missing' | 'wrong' | 'limited'

/** The one door to everything admin: the HTTP routes, the dashboard's live namespace and the devnet's writes ask it. */
export class AdminGate {
  /** Wrong tokens per client address, in one-minute windows, for at most 10,000 addresses (least recent forgotten). */
  private readonly failures: AddressWindows

  constructor(
    private readonly digest: Buffer,
    readonly attemptsPerMinute: number,
    /** Behind nginx: the client is X-Forwarded-For's last entry (server/security/client-address.ts). */
    readonly trustProxy = false,
    now: () => number = Date.now,
  ) {
    this.failures = new AddressWindows(attemptsPerMinute, { now })
  }

  check(candidate: string | undefined, address: string): AdminVerdict {
    if (this.failures.full(address)) return 'limited'
    if (candidate === undefined) return 'missing'
    if (isAdminToken(candidate, this.digest)) return 'admitted'
    this.failures.add(address)
    return 'wrong'
  }

  /** Seconds until `address` may try again. */
  retryAfterSeconds(address: string): number {
    return this.failures.retryAfterSeconds(address)
  }
}

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
