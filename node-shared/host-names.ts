// The names a server (the host, the devnet) answers to, and which addresses are this machine's own. A browser sends the name it was given in
// the Host header; under DNS rebinding that name is the attacker's (attacker.example, resolved to 127.0.0.1), so a host
// that answers only to its own names is out of such a page's reach. Pure, but for the interfaces the caller passes in.
import { isIP } from 'node:net'

/** The names every host answers to: it is always reachable as itself on this machine. */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]']

const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '[::]'])

/** A bind to every interface of the machine. */
export const isWildcardBind = (bind: string): boolean => WILDCARD_BINDS.has(bind)
/** One label of a DNS name (an IPv4 address is four of them); IPv6 addresses go in brackets. */
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/

/**
 * A name as this host compares it: lower case, without a trailing dot, IPv6 in brackets; null when it is not a name
 * (a port, a path, a user, spaces or anything else a Host header must not hold).
 */
export function normalizeName(text: string): string | null {
  const lower = text.trim().toLowerCase()
  const bare = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower
  if (isIP(bare) === 6) return `[${bare}]`
  const name = lower.endsWith('.') ? lower.slice(0, -1) : lower
  return name.length <= 253 && name.split('.').every((label) => LABEL.test(label)) ? name : null
}

/** The name in a Host header ("name", "name:port", "[v6]:port"), normalized; null when the header is absent or malformed. */
export function hostHeaderName(header: string | undefined): string | null {
  if (header === undefined) return null
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+)(?::\d{1,5})?$/.exec(header.trim())
  return match ? normalizeName(match[1]) : null
}

/** A peer address (as Node reports it, IPv4-mapped or not) on this machine's loopback. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase()
  const v4 = bare.startsWith('::ffff:') ? bare.slice(7) : bare
  return (isIP(v4) === 4 && v4.startsWith('127.')) || bare === '::1'
}

/** A bind address or name that only this machine reaches. */
export function isLoopbackBind(bind: string): boolean {
  const name = normalizeName(bind)
  return name === 'localhost' || isLoopbackAddress(name ?? undefined)
}

export interface OwnNamesOptions {
  /** The address the host binds (--host). */
  bind: string
  /** Names given with --public-host. */
  publicHosts: readonly string[]
  /** This machine's interface addresses: a wildcard bind (0.0.0.0, ::) is reached under any of them. */
  interfaceAddresses: readonly string[]
}

/** Every name the host answers to: loopback's, the bound address (or, bound to all, every interface's), and the public ones. */
export function ownHostNames(options: OwnNamesOptions): ReadonlySet<string> {
  const bound = isWildcardBind(options.bind) ? options.interfaceAddresses : [options.bind]
  const names = [...LOOPBACK_NAMES, ...bound, ...options.publicHosts].map(normalizeName)
  return new Set(names.filter((name): name is string => name !== null))
}

/** The names only this machine reaches the host under: loopback's, and the bound address when it is a loopback one. */
export function localHostNames(bind: string): ReadonlySet<string> {
  const names = isLoopbackBind(bind) ? [...LOOPBACK_NAMES, bind] : LOOPBACK_NAMES
  return new Set(names.map(normalizeName).filter((name): name is string => name !== null))
}
