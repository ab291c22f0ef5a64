// Admin pages and APIs answer only to the host's admin token (Authorization: Bearer <token>, never a URL). The token
// is compared in constant time (as hashes, so even its length does not show), and each client address may try only so
// many wrong tokens a minute: then it is refused (429) until the minute is over, right token or not.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'
import { clientAddress } from '../security/client-address.ts'

const digest = (value: string) => createHash('sha256').update(value).digest()
const MINUTE_MS = 60_000
/** Addresses remembered at most; past this the ones whose minute is over are forgotten. */
const REMEMBERED_ADDRESSES = 10_000

export function isAdminToken(candidate: string | undefined, adminToken: string): boolean {
  return typeof candidate === 'string' && timingSafeEqual(digest(candidate), digest(adminToken))
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  return match?.[1]
}

export type AdminVerdict = 'admitted' | 'missing' | 'wrong' | 'limited'

/** The one door to everything admin: the HTTP routes and the dashboard's live namespace both ask it. */
export class AdminGate {
  private readonly failures = new Map<string, { since: number; count: number }>()

  constructor(
    private readonly adminToken: string,
    readonly attemptsPerMinute: number,
    /** Behind nginx: the client is X-Forwarded-For's last entry (server/security/client-address.ts). */
    readonly trustProxy = false,
    private readonly now: () => number = Date.now,
  ) {}

  check(candidate: string | undefined, address: string): AdminVerdict {
    const now = this.now()
    const seen = this.failures.get(address)
    const current = seen && now - seen.since < MINUTE_MS ? seen : null
    if (current && current.count >= this.attemptsPerMinute) return 'limited'
    if (candidate === undefined) return 'missing'
    if (isAdminToken(candidate, this.adminToken)) return 'admitted'
    this.forgetStale(now)
    this.failures.set(address, current ? { since: current.since, count: current.count + 1 } : { since: now, count: 1 })
    return 'wrong'
  }

  /** Seconds until `address` may try again. */
  retryAfterSeconds(address: string): number {
    const seen = this.failures.get(address)
    return seen ? Math.max(1, Math.ceil((seen.since + MINUTE_MS - this.now()) / 1000)) : 0
  }

  private forgetStale(now: number): void {
    if (this.failures.size < REMEMBERED_ADDRESSES) return
    for (const [address, seen] of this.failures) if (now - seen.since >= MINUTE_MS) this.failures.delete(address)
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
        res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized', message: 'Send the admin token as "Authorization: Bearer <token>". It is printed when the host starts.' })
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
