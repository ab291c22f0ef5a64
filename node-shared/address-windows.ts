// Counts per client address in fixed windows (wrong admin tokens, faucet requests), remembered in a bounded LRU: a
// count is one Map step, and past `capacity` addresses the one counted longest ago is forgotten (never a scan). An IPv6
// client is counted by its /64, since one machine is routinely given a whole /64 to pick addresses from.
import { isIP } from 'node:net'

/** The key a client is counted under: an IPv4 address as it is (IPv4-mapped IPv6 too), an IPv6 one as its /64. */
export function addressKey(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0].toLowerCase()
  if (isIP(bare) !== 6) return bare
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)
  if (mapped) return mapped[1]
  const compressed = bare.includes('::')
  const [head, tail] = compressed ? bare.split('::') : [bare, '']
  const groups = (text: string) => (text ? text.split(':') : [])
  // An embedded IPv4 address (last) stands for two groups.
  const width = (parts: string[]) => parts.reduce((n, part) => n + (part.includes('.') ? 2 : 1), 0)
  const missing = compressed ? 8 - width(groups(head)) - width(groups(tail)) : 0
  const full = [...groups(head), ...Array<string>(missing).fill('0'), ...groups(tail)]
  return `${full.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`
}

export interface AddressWindowsOptions {
  windowMs?: number
  /** Addresses remembered at most. */
  capacity?: number
  now?: () => number
}

export class AddressWindows {
  private readonly windows = new Map<string, { since: number; count: number }>()
  private readonly windowMs: number
  private readonly capacity: number
  private readonly now: () => number

  constructor(
    /** Counts an address may reach in one window. */
    readonly perWindow: number,
    options: AddressWindowsOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000
    this.capacity = options.capacity ?? 10_000
    this.now = options.now ?? Date.now
  }

  /** Addresses remembered now (at most the capacity). */
  get size(): number {
    return this.windows.size
  }

  /** True when `address` has used up its window. */
  full(address: string): boolean {
    return (this.current(addressKey(address))?.count ?? 0) >= this.perWindow
  }

  /** Counts one for `address`: it becomes the most recently counted, and the least recent past the capacity goes. */
  add(address: string): void {
    const key = addressKey(address)
    const current = this.current(key)
    this.windows.delete(key)
    this.windows.set(key, current ? { since: current.since, count: current.count + 1 } : { since: this.now(), count: 1 })
    if (this.windows.size > this.capacity) this.windows.delete(this.windows.keys().next().value!)
  }

  /** Seconds until `address`'s window is over (at least 1), or 0 when it has none. */
  retryAfterSeconds(address: string): number {
    const current = this.current(addressKey(address))
    return current ? Math.max(1, Math.ceil((current.since + this.windowMs - this.now()) / 1000)) : 0
  }

  private current(key: string): { since: number; count: number } | null {
    const seen = this.windows.get(key)
    return seen && this.now() - seen.since < this.windowMs ? seen : null
  }
}
