// `npm start`: the host, the devnet, the sample stream and the player in one process, with no configuration needed.
import { Command, Option } from 'commander'
import { ConfigError, parseConfig, parseList, parseMultipliers, type HostConfigInput } from './config.ts'
import { startHost } from './app.ts'
import { join } from 'node:path'
import { attachDashboard } from './dashboard/attach.ts'
import { PAYOUT_KEY_FILE } from './identity.ts'
import { describePreflight, PreflightError } from './chain/preflight.ts'
import { createLogger } from './logger.ts'
import { secretOption } from './secret-option.ts'

/** A list flag that may be given several times, each a comma-separated list. */
const collectList = (value: string, previous: string[] | undefined) => [...(previous ?? []), ...(parseList(value) ?? [])]

const program = new Command()
  .name('p2p-channels')
  .description('Pay-per-second HLS over BSV payment channels: paywall proxy, devnet, player and dashboard.')
  .addOption(new Option('--port <n>', 'port to listen on').env('P2P_PORT').default('8080'))
  .addOption(new Option('--host <addr>', 'address to bind; 0.0.0.0 exposes the host to the network').env('P2P_HOST').default('127.0.0.1'))
  .addOption(new Option('--public-host <names>', 'names the host answers to besides 127.0.0.1, localhost and the bound address, e.g. video.example.com (repeatable, or comma-separated); other Host headers get 421').env('P2P_PUBLIC_HOST').argParser(collectList))
  .addOption(new Option('--media <dir>', 'media folder served by the built-in origin').env('P2P_MEDIA').default('media'))
  .addOption(new Option('--origin <url>', 'proxy an external HTTP origin instead of the media folder').env('P2P_ORIGIN'))
  .addOption(new Option('--price <sats>', 'satoshis per second of media').env('P2P_PRICE').default('10'))
  .addOption(new Option('--rendition-price <list>', 'price multipliers per rendition, e.g. 720p=1.5').env('P2P_RENDITION_PRICE'))
  .addOption(new Option('--preview-seconds <n>', 'serve the first N seconds of every stream free, without a channel').env('P2P_PREVIEW_SECONDS').default('0'))
  .addOption(new Option('--network <name>', 'ledger to use').choices(['devnet', 'testnet', 'mainnet']).env('P2P_NETWORK').default('devnet'))
  .addOption(new Option('--data <dir>', 'folder for durable state (channels, devnet chain)').env('P2P_DATA').default('data'))
  .addOption(new Option('--admin-token <token>', 'token for the dashboard and admin API (generated when absent); shows in the process list: prefer the file or P2P_ADMIN_TOKEN').env('P2P_ADMIN_TOKEN'))
  .addOption(new Option('--admin-token-file <path>', 'read the admin token from this file').env('P2P_ADMIN_TOKEN_FILE'))
  .addOption(new Option('--lifetime <blocks>', 'channel lifetime in blocks (refund nLockTime = open height + this)').env('P2P_LIFETIME').default('144'))
  .addOption(new Option('--idle-timeout <seconds>', 'settle a channel after this long without payments').env('P2P_IDLE_TIMEOUT').default('300'))
  .addOption(new Option('--block-interval <seconds>', 'devnet: mine a block this often (0: on demand only)').env('P2P_BLOCK_INTERVAL').default('30'))
  .addOption(new Option('--devnet-url <url>', 'devnet: use the ledger `npm run devnet` serves, e.g. http://127.0.0.1:8090/devnet').env('P2P_DEVNET_URL'))
  .addOption(new Option('--devnet-test-mode', 'own devnet: allow POST /devnet/test/double-spend, which lets a conflicting tx win (tests only)').env('P2P_DEVNET_TEST_MODE'))
  .addOption(new Option('--payout-address <addr>', 'where earnings are paid (required on testnet/mainnet; devnet makes one)').env('P2P_PAYOUT_ADDRESS'))
  .addOption(new Option('--arc-url <url>', 'ARC endpoint for testnet/mainnet').env('P2P_ARC_URL'))
  .addOption(new Option('--arc-api-key <key>', 'ARC API key; shows in the process list: prefer the file or P2P_ARC_API_KEY').env('P2P_ARC_API_KEY'))
  .addOption(new Option('--arc-api-key-file <path>', 'read the ARC API key from this file').env('P2P_ARC_API_KEY_FILE'))
  .addOption(new Option('--woc-url <url>', 'WhatsOnChain base URL, e.g. https://api.whatsonchain.com/v1/bsv/test').env('P2P_WOC_URL'))
  .addOption(new Option('--woc-api-key <key>', 'WhatsOnChain API key; shows in the process list: prefer the file or P2P_WOC_API_KEY').env('P2P_WOC_API_KEY'))
  .addOption(new Option('--woc-api-key-file <path>', 'read the WhatsOnChain API key from this file').env('P2P_WOC_API_KEY_FILE'))
  .addOption(new Option('--durability <mode>', 'full: fsync every payment; normal: survive a killed process').choices(['full', 'normal']).env('P2P_DURABILITY').default('full'))
  .addOption(new Option('--store <url>', 'postgres://… shared by several instances (default: SQLite in --data)').env('P2P_STORE'))
  .addOption(new Option('--instance <name>', 'this instance\'s name behind nginx (sticky Socket.IO routing)').env('P2P_INSTANCE'))
  .addOption(new Option('--edge-secret-file <path>', 'edge mode: the secret nginx checks signed segment URLs with').env('P2P_EDGE_SECRET_FILE'))
  .addOption(new Option('--edge-base-url <url>', 'edge mode: where signed segment URLs point (a path or a CDN URL)').env('P2P_EDGE_BASE_URL').default('/edge/'))
  .addOption(new Option('--edge-url-ttl <seconds>', 'edge mode: how long a signed segment URL stays valid').env('P2P_EDGE_URL_TTL').default('60'))
  .addOption(new Option('--open-timeout <seconds>', 'delete an open whose funding has not arrived within this long').env('P2P_OPEN_TIMEOUT').default('60'))
  .addOption(new Option('--max-pending-per-connection <n>', 'unfunded opens one connection may hold').env('P2P_MAX_PENDING_PER_CONNECTION').default('4'))
  .addOption(new Option('--max-pending-per-address <n>', 'unfunded opens one client address may hold').env('P2P_MAX_PENDING_PER_ADDRESS').default('16'))
  .addOption(new Option('--max-pending-opens <n>', 'unfunded opens the whole host holds').env('P2P_MAX_PENDING_OPENS').default('1000'))
  .addOption(new Option('--max-connections-per-address <n>', 'Socket.IO connections per client address').env('P2P_MAX_CONNECTIONS_PER_ADDRESS').default('64'))
  .addOption(new Option('--message-rate <n>', 'Socket.IO messages per second one connection may send').env('P2P_MESSAGE_RATE').default('40'))
  .addOption(new Option('--address-message-rate <n>', 'Socket.IO messages per second all connections of one client address may send').env('P2P_ADDRESS_MESSAGE_RATE').default('200'))
  .addOption(new Option('--handshake-timeout <seconds>', 'a Socket.IO connection must join within this long').env('P2P_HANDSHAKE_TIMEOUT').default('10'))
  .addOption(new Option('--headers-timeout <seconds>', 'HTTP: request headers must arrive within this long').env('P2P_HEADERS_TIMEOUT').default('10'))
  .addOption(new Option('--request-timeout <seconds>', 'HTTP: a whole request must arrive within this long').env('P2P_REQUEST_TIMEOUT').default('30'))
  .addOption(new Option('--keep-alive-timeout <seconds>', 'HTTP: close an idle keep-alive connection after this long').env('P2P_KEEP_ALIVE_TIMEOUT').default('5'))
  .addOption(new Option('--admin-attempts <n>', 'wrong admin tokens one client address may try per minute').env('P2P_ADMIN_ATTEMPTS').default('10'))
  .addOption(new Option('--trust-proxy', 'behind nginx: per-address limits use the X-Forwarded-For address nginx appends').env('P2P_TRUST_PROXY'))
  .addOption(new Option('--frame-ancestors <list>', "who may frame the player and dashboard (CSP frame-ancestors), e.g. \"'self' https://blog.example\"").env('P2P_FRAME_ANCESTORS'))
  .addOption(new Option('--allow-origin <list>', 'other browser origins Socket.IO and the APIs answer, comma-separated').env('P2P_ALLOW_ORIGIN'))
  .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).env('P2P_LOG_LEVEL').default('info'))
  .addOption(new Option('--no-sample', 'do not generate the sample stream on first start'))

async function main() {
  const options = program.parse().opts()
  const input: HostConfigInput = {
    port: options.port,
    host: options.host,
    publicHosts: options.publicHost ?? [],
    mediaDir: options.media,
    origin: options.origin,
    price: options.price,
    renditionMultipliers: options.renditionPrice ? parseMultipliers(options.renditionPrice) : {},
    previewSeconds: options.previewSeconds,
    network: options.network,
    dataDir: options.data,
    adminToken: secretOption('--admin-token', options.adminToken, options.adminTokenFile),
    lifetimeBlocks: options.lifetime,
    idleTimeoutSeconds: options.idleTimeout,
    blockIntervalSeconds: options.blockInterval,
    devnetUrl: options.devnetUrl,
    devnetTestMode: options.devnetTestMode === true,
    // An empty P2P_PAYOUT_ADDRESS is no address.
    payoutAddress: options.payoutAddress || undefined,
    arcUrl: options.arcUrl,
    arcApiKey: secretOption('--arc-api-key', options.arcApiKey, options.arcApiKeyFile),
    wocUrl: options.wocUrl,
    wocApiKey: secretOption('--woc-api-key', options.wocApiKey, options.wocApiKeyFile),
    durability: options.durability,
    store: options.store,
    instance: options.instance,
    edgeSecret: secretOption('--edge-secret', undefined, options.edgeSecretFile),
    edgeBaseUrl: options.edgeBaseUrl,
    edgeUrlTtlSeconds: options.edgeUrlTtl,
    openTimeoutSeconds: options.openTimeout,
    pendingOpensPerConnection: options.maxPendingPerConnection,
    pendingOpensPerAddress: options.maxPendingPerAddress,
    pendingOpensTotal: options.maxPendingOpens,
    connectionsPerAddress: options.maxConnectionsPerAddress,
    messagesPerSecond: options.messageRate,
    messagesPerSecondPerAddress: options.addressMessageRate,
    handshakeTimeoutSeconds: options.handshakeTimeout,
    headersTimeoutSeconds: options.headersTimeout,
    requestTimeoutSeconds: options.requestTimeout,
    keepAliveTimeoutSeconds: options.keepAliveTimeout,
    adminAttemptsPerMinute: options.adminAttempts,
    trustProxy: options.trustProxy === true,
    frameAncestors: parseList(options.frameAncestors),
    allowOrigins: parseList(options.allowOrigin),
    logLevel: options.logLevel,
    generateSample: options.sample,
  }
  const config = parseConfig(input)
  const logger = createLogger(config.logLevel)
  const host = await startHost(config, { logger, extend: attachDashboard })
  const adminHint = config.adminToken
    ? '(the one you configured)'
    : host.adminToken
      ? `${host.adminToken}\n              (shown this once: the host keeps only its digest; a new one is set with --admin-token-file or P2P_ADMIN_TOKEN)`
      : '(generated at the first start and shown then; only its digest is kept: set a new one with --admin-token-file or P2P_ADMIN_TOKEN)'
  console.log(
    [
      '',
      `  P2P Channels is running on ${config.network}.`,
      `  Player:     ${host.url}/`,
      `  Dashboard:  ${host.url}/host   admin token: ${adminHint}`,
      `  Payout:     ${host.payout.address}${host.payout.generated ? ` (a devnet key the host made: ${join(config.dataDir, PAYOUT_KEY_FILE)})` : ''}`,
      ...(host.preflight ? describePreflight(host.preflight) : []),
      ...(host.ledger ? [`  Devnet API: ${host.url}/devnet/arc/v1/policy  and  ${host.url}/devnet/woc/v1/bsv/devnet/chain/info`] : []),
      ...(config.devnetUrl ? [`  Devnet:     ${config.devnetUrl} (shared; the player reaches it at ${host.url}/devnet)`] : []),
      ...(config.store ? [`  Store:      PostgreSQL, shared${config.instance ? ` (this is instance ${config.instance})` : ''}`] : []),
      ...(config.edgeSecret ? [`  Edge mode:  paid segments are served by nginx at ${config.edgeBaseUrl}, to signed URLs`] : []),
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  )
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down')
    host.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', () => shutdown('SIGINT'))
  process.once('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof PreflightError) console.error(error.message)
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`Port already in use: ${(error as Error).message}. Pick another with --port.`)
  else console.error(error)
  process.exit(1)
})
