// The admin token's door, shared by the host and the devnet: answers only to the token sent as
// "Authorization: Bearer <token>", never in a URL. A server holds only the token's SHA-256 digest (the host's data
// folder never has the token itself); a candidate is compared with it in constant time. Each client address (an IPv6
// one by its /64) may try only so many wrong tokens a minute: then it is refused until the minute is over, right token
// or not.
import { createHash, timingSafeEqual } from 'node:crypto'
import { AddressWindows } from './address-windows.ts'

/** The admin token as a server keeps it: a random token of 24 bytes needs no slow hash, SHA-256 suffices. */
export const tokenDigest = (token: string): Buffer => createHash('sha256').update(token).digest()

function isAdminToken(candidate: string | undefined, digest: Buffer): boolean {
  return typeof candidate === 'string' && timingSafeEqual(tokenDigest(candidate), digest)
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  return match?.[1]
}

export type AdminVerdict = 'admitted' | 'missing' | 'wrong' | 'limited'

/** The one door to everything admin: the host's HTTP routes, the dashboard's live namespace and the devnet's writes ask it. */
export class AdminGate {
  /** Wrong tokens per client address, in one-minute windows, for at most 10,000 addresses (least recent forgotten). */
  private readonly failures: AddressWindows

  constructor(
    private readonly digest: Buffer,
    readonly attemptsPerMinute: number,
    /** Behind nginx: the client is X-Forwarded-For's last entry (node-shared/client-address.ts). */
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
