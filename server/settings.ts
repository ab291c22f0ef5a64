// Every setting of the host, once: its flag, its help, its type and its default. The command line (command-line.ts),
// the P2P_ environment variables, `npm start -- --help` and the validated configuration (config.ts) are all made
// from this table, so adding a setting is one entry here.
import { z } from 'zod'
import { Network } from '../protocol/messages.ts'
import { normalizeName } from '../node-shared/host-names.ts'

export interface Setting<S extends z.ZodType = z.ZodType> {
  /** commander's form: `--port <n>` takes a value; `--trust-proxy` is a switch; `--no-sample` turns a setting off. */
  flag: string
  help: string
  schema: S
  /** A secret: also read from the file `--<name>-file` (or P2P_<NAME>_FILE) names, so it need not show in `ps`. */
  secret?: boolean
  /** A list that may be given several times, each a comma-separated list. */
  repeatable?: boolean
}

const setting = <S extends z.ZodType>(flag: string, help: string, schema: S, extra: Pick<Setting, 'secret' | 'repeatable'> = {}): Setting<S> => ({ flag, help, schema, ...extra })

const port = z.coerce.number().int().min(0).max(65535)
const positiveInt = z.coerce.number().int().positive()
const positiveNumber = z.coerce.number().positive()
const nonNegativeInt = z.coerce.number().int().nonnegative()
const httpUrl = z.url({ protocol: /^https?$/ })
/** An empty value (an exported but empty P2P_ variable) is no value. */
const optional = <S extends z.ZodType>(schema: S) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional())
/** "a, b ,c" on the command line (a repeated flag gives several such texts); an array from code. */
const splitList = (value: unknown) => {
  const split = (text: string) => text.split(/[\s,]+/).filter(Boolean)
  if (typeof value === 'string') return split(value)
  return Array.isArray(value) ? value.flatMap((each) => (typeof each === 'string' ? split(each) : [each])) : value
}
const list = <S extends z.ZodType>(item: S, atLeast = 0) => z.preprocess(splitList, z.array(item).min(atLeast))

/** "720p=1.5,1080p=2" -> { "720p": 1.5, "1080p": 2 } on the command line; an object from code. */
const multipliers = z.union([z.string(), z.record(z.string(), z.number().positive())]).transform((value, ctx) => {
  if (typeof value !== 'string') return value
  const entries: Array<[string, number]> = []
  for (const part of value.split(',').map((each) => each.trim()).filter(Boolean)) {
    const [name, text] = part.split('=')
    const multiplier = Number(text)
    if (!name || !Number.isFinite(multiplier) || multiplier <= 0) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not NAME=MULTIPLIER, e.g. 720p=1.5` })
      return z.NEVER
    }
    entries.push([name, multiplier])
  }
  return Object.fromEntries(entries)
})

export const SETTINGS = {
  port: setting('--port <n>', 'port to listen on', port.default(8080)),
  host: setting('--host <addr>', 'address to bind; 0.0.0.0 exposes the host to the network', z.string().min(1).default('127.0.0.1')),
  publicHosts: setting(
    '--public-host <names>',
    'names the host answers to besides 127.0.0.1, localhost and the bound address, e.g. video.example.com (repeatable, or comma-separated); other Host headers get 421',
    list(z.string().refine((name) => normalizeName(name) !== null, 'a host name or address, without scheme or port (e.g. video.example.com)')).default([]),
    { repeatable: true },
  ),
  mediaDir: setting('--media <dir>', 'media folder served by the built-in origin', z.string().min(1).default('media')),
  origin: setting('--origin <url>', 'proxy an external HTTP origin (nginx, a CDN, another machine) instead of the media folder', optional(httpUrl)),
  price: setting('--price <sats>', 'satoshis per second of media', z.coerce.number().int().nonnegative().default(10)),
  renditionMultipliers: setting('--rendition-price <list>', 'price multipliers per rendition, e.g. 720p=1.5,1080p=2', multipliers.default({})),
  previewSeconds: setting('--preview-seconds <n>', 'serve the first N seconds of every stream free, without a channel', z.coerce.number().nonnegative().max(86_400).default(0)),
  network: setting('--network <name>', 'ledger to use: devnet, testnet or mainnet', Network.default('devnet')),
  dataDir: setting('--data <dir>', 'folder for durable state (channels, keys, the devnet chain)', z.string().min(1).default('data')),
  adminToken: setting('--admin-token <token>', 'token for the dashboard and admin API, at least 16 characters (generated when absent); shows in the process list: prefer the file or P2P_ADMIN_TOKEN', optional(z.string().min(16, 'the admin token must be at least 16 characters')), { secret: true }),
  lifetimeBlocks: setting('--lifetime <blocks>', "channel lifetime in blocks: the refund's nLockTime is the open height plus this", positiveInt.default(144)),
  deadlineMarginBlocks: setting('--deadline-margin <blocks>', 'settle this many blocks before the refund unlocks', nonNegativeInt.default(6)),
  idleTimeoutSeconds: setting('--idle-timeout <seconds>', 'settle a channel after this long without payments', positiveInt.default(300)),
  minCapacity: setting('--min-capacity <sats>', 'the smallest channel the host opens', positiveInt.default(1_000)),
  maxCapacity: setting('--max-capacity <sats>', 'the largest channel the host opens', positiveInt.default(10_000_000)),
  blockIntervalSeconds: setting('--block-interval <seconds>', 'devnet: mine a block this often (0: on demand only)', z.coerce.number().nonnegative().default(30)),
  devnetUrl: setting('--devnet-url <url>', 'devnet: use the ledger `npm run devnet` serves, e.g. http://127.0.0.1:8090/devnet', optional(httpUrl)),
  devnetTestMode: setting('--devnet-test-mode', "own devnet: allow POST /devnet/test/double-spend and /devnet/test/reorg: a conflicting tx winning, a chain reorganisation (tests only)", z.boolean().default(false)),
  payoutAddress: setting('--payout-address <addr>', 'where earnings are paid (required on testnet/mainnet; devnet makes one)', optional(z.string().min(1))),
  arcUrl: setting('--arc-url <url>', 'ARC endpoint for testnet/mainnet', optional(z.url())),
  arcApiKey: setting('--arc-api-key <key>', 'ARC API key; shows in the process list: prefer the file or P2P_ARC_API_KEY', optional(z.string()), { secret: true }),
  wocUrl: setting('--woc-url <url>', 'WhatsOnChain base URL, e.g. https://api.whatsonchain.com/v1/bsv/test', optional(z.url())),
  wocApiKey: setting('--woc-api-key <key>', 'WhatsOnChain API key; shows in the process list: prefer the file or P2P_WOC_API_KEY', optional(z.string()), { secret: true }),
  chainRefreshSeconds: setting('--chain-refresh <seconds>', "how often the host reads the ledger's height and fee rate and asks it about the open channels' fundings (default: 1 on devnet, 30 otherwise)", optional(positiveNumber)),
  durability: setting('--durability <mode>', 'full: fsync every payment (survives power loss); normal: survives a killed process', z.enum(['full', 'normal']).default('full')),
  store: setting('--store <url>', 'postgres://… shared by several instances (default: SQLite in --data; docs/deploy.md)', optional(z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL (leave it out for SQLite in --data)'))),
  instance: setting('--instance <name>', "this instance's name behind nginx (sticky Socket.IO routing)", optional(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and dashes, at most 32'))),
  edgeSecret: setting('--edge-secret <secret>', 'edge mode: the secret nginx checks signed segment URLs with (secure_link)', optional(z.string().min(32, 'the edge secret must be at least 32 characters').regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')), { secret: true }),
  edgeBaseUrl: setting('--edge-base-url <url>', "edge mode: where signed segment URLs point: nginx's signed location (a path) or a CDN URL, ending in /", z.string().regex(/^(https?:\/\/[^/\s]+)?\/\S*\/$/, 'a path or an http(s) URL ending in /').default('/edge/')),
  edgeUrlTtlSeconds: setting('--edge-url-ttl <seconds>', 'edge mode: how long a signed segment URL stays valid', positiveInt.default(60)),
  // Bounded resources (docs/security.md): each limit refuses with its own code.
  openTimeoutSeconds: setting('--open-timeout <seconds>', 'delete an open whose funding has not arrived within this long, its co-signed refund with it', positiveNumber.default(60)),
  pendingOpensPerConnection: setting('--max-pending-per-connection <n>', 'unfunded opens one connection may hold', positiveInt.default(4)),
  pendingOpensPerAddress: setting('--max-pending-per-address <n>', 'unfunded opens one client address may hold', positiveInt.default(16)),
  pendingOpensTotal: setting('--max-pending-opens <n>', 'unfunded opens the whole host holds', positiveInt.default(1_000)),
  connectionsPerAddress: setting('--max-connections-per-address <n>', 'Socket.IO connections per client address', positiveInt.default(64)),
  messagesPerSecond: setting('--message-rate <n>', 'Socket.IO messages per second one connection may send (bursts of twice that)', positiveInt.default(40)),
  messagesPerSecondPerAddress: setting('--address-message-rate <n>', 'Socket.IO messages per second all connections of one client address may send together', positiveInt.default(200)),
  handshakeTimeoutSeconds: setting('--handshake-timeout <seconds>', 'a Socket.IO connection must join within this long (slowloris)', positiveNumber.default(10)),
  headersTimeoutSeconds: setting('--headers-timeout <seconds>', 'HTTP: request headers must arrive within this long', positiveNumber.default(10)),
  requestTimeoutSeconds: setting('--request-timeout <seconds>', 'HTTP: a whole request must arrive within this long', positiveNumber.default(30)),
  keepAliveTimeoutSeconds: setting('--keep-alive-timeout <seconds>', 'HTTP: close an idle keep-alive connection after this long', positiveNumber.default(5)),
  adminAttemptsPerMinute: setting('--admin-attempts <n>', 'wrong admin tokens one client address may try per minute (then 429 until the minute is over)', positiveInt.default(10)),
  trustProxy: setting('--trust-proxy', 'behind nginx: per-address limits use the X-Forwarded-For address nginx appends (docs/deploy.md)', z.boolean().default(false)),
  frameAncestors: setting('--frame-ancestors <list>', "who may frame the player and dashboard (CSP frame-ancestors), e.g. \"'self' https://blog.example\"", list(z.string().regex(/^('self'|'none'|https?:\/\/[^\s;,']+|\*)$/, "'self', 'none', * or an http(s) origin"), 1).default(["'self'"])),
  allowOrigins: setting('--allow-origin <list>', 'other browser origins Socket.IO and the APIs answer, comma-separated', list(httpUrl.transform((url) => new URL(url).origin)).default([])),
  originTimeoutMs: setting('--origin-timeout <ms>', 'how long the host waits for the origin to answer', positiveInt.default(10_000)),
  logLevel: setting('--log-level <level>', 'log level: fatal, error, warn, info, debug, trace or silent', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  generateSample: setting('--no-sample', 'do not generate the sample stream on first start when the media folder has none', z.boolean().default(true)),
} satisfies Record<string, Setting>

export type SettingKey = keyof typeof SETTINGS

/** The flag's long name as typed: `--port`, `--no-sample`. */
export function flagName(key: SettingKey): string {
  return SETTINGS[key].flag.split(' ')[0]
}
