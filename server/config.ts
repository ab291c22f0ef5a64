// One validated configuration object. Flags, environment variables and defaults all meet here.
import { z } from 'zod'
import { checkAddress } from '../protocol/address.ts'
import { describeIssues, Network } from '../protocol/messages.ts'
import { isLoopbackBind, normalizeName } from './security/host-names.ts'

const port = z.coerce.number().int().min(0).max(65535)
const positiveInt = z.coerce.number().int().positive()
const positiveNumber = z.coerce.number().positive()

export const HostConfig = z.object({
  port: port.default(8080),
  /** Loopback unless the host opts in to exposing the service. */
  host: z.string().min(1).default('127.0.0.1'),
  /**
   * Names the host answers to besides 127.0.0.1, localhost, [::1] and the bound address: a public host's (the name
   * viewers and nginx's Host header use). Any other Host header gets 421, which is what defeats DNS rebinding.
   */
  publicHosts: z.array(z.string().refine((name) => normalizeName(name) !== null, 'a host name or address, without scheme or port (e.g. video.example.com)')).default([]),
  mediaDir: z.string().min(1).default('media'),
  /** An external HTTP origin (nginx, a CDN, another machine); the built-in static origin serves mediaDir otherwise. */
  origin: z.url({ protocol: /^https?$/ }).optional(),
  /** Satoshis per second of media (the seed's "1 packet/sec 10 SAT"). */
  price: z.coerce.number().int().nonnegative().default(10),
  /** Per-rendition price multipliers, e.g. { "720p": 1.5 }. */
  renditionMultipliers: z.record(z.string(), z.number().positive()).default({}),
  network: Network.default('devnet'),
  dataDir: z.string().min(1).default('data'),
  adminToken: z.string().min(16, 'the admin token must be at least 16 characters').optional(),
  /** Channel lifetime in blocks: the refund's nLockTime is the open height plus this. */
  lifetimeBlocks: positiveInt.default(144),
  /** Settle this many blocks before the refund unlocks. */
  deadlineMarginBlocks: z.coerce.number().int().nonnegative().default(6),
  /** Settle a channel that has seen no payment for this long. */
  idleTimeoutSeconds: positiveInt.default(300),
  minCapacity: positiveInt.default(1_000),
  maxCapacity: positiveInt.default(10_000_000),
  /** Devnet only: mine a block this often (0 = only on demand). */
  blockIntervalSeconds: z.coerce.number().nonnegative().default(30),
  /** Devnet only: the ledger `npm run devnet` serves (e.g. http://127.0.0.1:8090/devnet), instead of the host's own. */
  devnetUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Devnet only: POST /devnet/test/double-spend lets a conflicting tx win, as a miner could. For tests, never by default. */
  devnetTestMode: z.boolean().default(false),
  /** Where the host's earnings go: every channel's updates, and so its close, pay this P2PKH address. */
  payoutAddress: z.string().min(1).optional(),
  arcUrl: z.url().optional(),
  arcApiKey: z.string().optional(),
  wocUrl: z.url().optional(),
  wocApiKey: z.string().optional(),
  /** 'full' survives power loss; 'normal' survives a killed process (SQLite WAL). */
  durability: z.enum(['full', 'normal']).default('full'),
  /** A PostgreSQL URL shared by several instances of this host; absent: SQLite in dataDir (docs/deploy.md). */
  store: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL (leave it out for SQLite in --data)').optional(),
  /** This instance's name behind nginx: its Socket.IO connections are pinned to it with a cookie (docs/deploy.md). */
  instance: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and dashes, at most 32').optional(),
  /** Edge mode: the secret nginx checks signed segment URLs with (secure_link); media bytes then never pass through the host. */
  edgeSecret: z.string().min(32, 'the edge secret must be at least 32 characters').regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').optional(),
  /** Where signed segment URLs point: nginx's signed location, or a CDN's. */
  edgeBaseUrl: z.string().regex(/^(https?:\/\/[^/\s]+)?\/\S*\/$/, 'a path or an http(s) URL ending in /').default('/edge/'),
  /** How long a signed segment URL stays valid. */
  edgeUrlTtlSeconds: positiveInt.default(60),
  /** Socket.IO messages a socket may send per second (burst allowed up to twice that). */
  messagesPerSecond: positiveInt.default(40),
  // Bounded resources (README, "Security"): each limit refuses with its own code.
  /** An open whose funding has not arrived within this long is deleted, its co-signed refund with it. */
  openTimeoutSeconds: positiveNumber.default(60),
  pendingOpensPerConnection: positiveInt.default(4),
  pendingOpensPerAddress: positiveInt.default(16),
  pendingOpensTotal: positiveInt.default(1_000),
  connectionsPerAddress: positiveInt.default(64),
  /** Socket.IO messages all connections of one client address may send per second together (burst: twice that). */
  messagesPerSecondPerAddress: positiveInt.default(200),
  /** A Socket.IO connection must join within this long (slowloris). */
  handshakeTimeoutSeconds: positiveNumber.default(10),
  /** HTTP: all request headers within this long, the whole request within requestTimeout; idle keep-alive closes after keepAliveTimeout. */
  headersTimeoutSeconds: positiveNumber.default(10),
  requestTimeoutSeconds: positiveNumber.default(30),
  keepAliveTimeoutSeconds: positiveNumber.default(5),
  /** Wrong admin tokens one client address may try per minute; then every attempt is refused with 429 until the minute is over. */
  adminAttemptsPerMinute: positiveInt.default(10),
  /** Behind nginx: take the client address for the per-address limits from X-Forwarded-For's last entry (docs/deploy.md). */
  trustProxy: z.boolean().default(false),
  // Security headers and origins.
  /** Who may frame the host's pages (CSP frame-ancestors): 'self' unless a host embeds its player elsewhere. */
  frameAncestors: z.array(z.string().regex(/^('self'|'none'|https?:\/\/[^\s;,']+|\*)$/, "'self', 'none', * or an http(s) origin")).min(1).default(["'self'"]),
  /** Browser origins besides the host's own that Socket.IO and the APIs answer. */
  allowOrigins: z.array(z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin)).default([]),
  originTimeoutMs: positiveInt.default(10_000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The first this many seconds of every stream's media time are served free, without a channel. */
  previewSeconds: z.coerce.number().nonnegative().max(86_400).default(0),
  /** Generate the sample stream on first start when the media folder has none. */
  generateSample: z.boolean().default(true),
})
export type HostConfig = z.infer<typeof HostConfig>
export type HostConfigInput = z.input<typeof HostConfig>

export class ConfigError extends Error {}

export function parseConfig(input: HostConfigInput): HostConfig {
  const result = HostConfig.safeParse(input)
  if (!result.success) throw new ConfigError(`Invalid configuration: ${describeIssues(result.error)}`)
  if (result.data.minCapacity > result.data.maxCapacity) {
    throw new ConfigError('Invalid configuration: --min-capacity is larger than --max-capacity')
  }
  if (result.data.devnetUrl && result.data.network !== 'devnet') {
    throw new ConfigError(`Invalid configuration: --devnet-url names a devnet ledger, but the host runs on ${result.data.network}`)
  }
  if (result.data.devnetUrl && result.data.devnetTestMode) {
    throw new ConfigError('Invalid configuration: --devnet-test-mode is for the host\'s own devnet; start the shared one with `npm run devnet -- --test-mode`')
  }
  if (result.data.devnetTestMode && !isLoopbackBind(result.data.host)) {
    throw new ConfigError(
      `Invalid configuration: --devnet-test-mode lets whoever reaches the host make a conflicting transaction win; it is for tests on this machine only, with a loopback --host (127.0.0.1, ::1 or localhost), not ${result.data.host}`,
    )
  }
  if (result.data.store && result.data.network === 'devnet' && !result.data.devnetUrl) {
    throw new ConfigError('Invalid configuration: instances sharing --store must share one ledger too; on devnet start it with `npm run devnet` and pass --devnet-url')
  }
  const payoutProblem = payoutAddressProblem(result.data.payoutAddress, result.data.network)
  if (payoutProblem) throw new ConfigError(`Invalid configuration: ${payoutProblem}`)
  if (result.data.headersTimeoutSeconds > result.data.requestTimeoutSeconds) {
    throw new ConfigError('Invalid configuration: --headers-timeout must not be longer than --request-timeout')
  }
  if (result.data.deadlineMarginBlocks >= result.data.lifetimeBlocks) {
    throw new ConfigError('Invalid configuration: the deadline margin must be smaller than the channel lifetime')
  }
  return result.data
}

/** Why the payout address cannot be used on `network`, or null when it can (devnet makes its own when none is given). */
export function payoutAddressProblem(address: string | undefined, network: Network): string | null {
  if (address === undefined) {
    if (network === 'devnet') return null
    return (
      `--payout-address (or P2P_PAYOUT_ADDRESS) is required on ${network}. Every channel's earnings are paid to it when ` +
      'the channel settles; without it they would go to a key kept only in the data folder. Give the address of a wallet ' +
      `you control${network === 'testnet' ? ' (a testnet address, starting with m or n)' : ' (starting with 1)'}.`
    )
  }
  const checked = checkAddress(address, network)
  return checked.ok ? null : `--payout-address: ${checked.message}`
}

/** "a, b ,c" -> ["a", "b", "c"]: list flags (--frame-ancestors, --allow-origin). */
export function parseList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined
  return text.split(/[\s,]+/).filter(Boolean)
}

/** "720p=1.5,1080p=2" -> { "720p": 1.5, "1080p": 2 } */
export function parseMultipliers(text: string): Record<string, number> {
  const entries = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [name, value] = part.split('=')
      const multiplier = Number(value)
      if (!name || !Number.isFinite(multiplier) || multiplier <= 0) {
        throw new ConfigError(`Invalid rendition price "${part}": use NAME=MULTIPLIER, e.g. 720p=1.5`)
      }
      return [name, multiplier] as const
    })
  return Object.fromEntries(entries)
}
