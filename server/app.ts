// Wires the host: express + the paywall + Socket.IO + its own devnet (when its starter hands it one) + the player, in one process.
import express, { type NextFunction, type Request, type Response } from 'express'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server as SocketServer } from 'socket.io'
import { chainEndpoints, HttpChain } from '../protocol/chain/http-chain.ts'
import { MAX_MESSAGE_BYTES } from '../protocol/messages.ts'
import { startChannelCore, type ChannelCore } from './channels/channel-core.ts'
import { ChainView } from './channels/chain-view.ts'
import { startOpenExpiry } from './channels/open-expiry.ts'
import { startSettlementScheduler } from './channels/settlement-scheduler.ts'
import { payeeVerifier } from './crypto/verify.ts'
import { preflight, type PreflightFindings } from './chain/preflight.ts'
import { connectRemoteDevnet } from './chain/remote-devnet.ts'
import type { OpenDevnet, OwnDevnet } from './chain/own-devnet.ts'
import { devnetWriteGate } from '../node-shared/devnet-write-gate.ts'
import { ConfigError } from '../node-shared/config-error.ts'
import type { HostConfig } from './config.ts'
import { loadIdentity, type Payout } from './identity.ts'
import { createLogger, type Logger } from '../node-shared/logger.ts'
import { refuseBadRangesFirst } from './paywall/early-range-refusal.ts'
import { paywall } from './paywall/gate.ts'
import { CLUSTER_RECHECK_MS, PaymentWaits } from './paywall/payment-waits.ts'
import { tokenDigest } from './channels/channel-tokens.ts'
import type { PaywallObserver } from './paywall/paywall-parts.ts'
import { createMediaPaywall } from './paywall/media-paywall.ts'
import type { LibraryCache } from './media/library-cache.ts'
import { attachChannelSockets, type ChannelServer } from './socket/channel-socket.ts'
import { openBacking } from './cluster/host-backing.ts'
import { edgeLinks } from './edge/signed-url.ts'
import { apiRouter } from './api/routes.ts'
import { AdminGate } from '../node-shared/admin-gate.ts'
import { securityHeaders, withHeaders } from './security/headers.ts'
import { judgeOrigin, ORIGIN_REFUSED, originGuard } from './security/origin-policy.ts'
import { accessLog } from './security/access-log.ts'
import { clientAddress } from '../node-shared/client-address.ts'
import { ownNamesOf, refuseForeignHosts } from '../node-shared/host-allowlist.ts'
import { isWildcardBind, localHostNames } from '../node-shared/host-names.ts'
import { makePrivate } from './security/private-folder.ts'
import { playerRouter } from './page-assets.ts'

export interface RunningHost<D extends OwnDevnet = OwnDevnet> {
  url: string
  port: number
  /** The admin token when this start knows it: configured, or generated now (printed once); null when only its digest is kept. */
  adminToken: string | null
  payout: Payout
  /** What the start-up checks of a real network found (null on devnet). */
  preflight: PreflightFindings | null
  channels: ChannelCore
  /** The devnet in this process (on devnet without --devnet-url), as openDevnet made it. */
  devnet: D | null
  chainView: ChainView
  logger: Logger
  close(): Promise<void>
}

/** What an extension of the host (the dashboard) gets to hang off: routes, sockets, the channel core, paywall events. */
export interface HostParts {
  app: express.Express
  io: ChannelServer
  channels: ChannelCore
  /** The admin token's one door (constant-time compare, attempts per address bounded). */
  admin: AdminGate
  logger: Logger
  /** Observers added here hear of every segment served and every 402. */
  paywallObservers: PaywallObserver[]
  payout: Payout
  /** The streams the host lists, with their names and prices. */
  library: LibraryCache
}

export interface HostHooks<D extends OwnDevnet = OwnDevnet> {
  /** Lets the dashboard and metrics hang off the same channel core without app.ts knowing them. */
  extend?: (parts: HostParts) => void | Promise<void>
  logger?: Logger
  /** Opens the host's own devnet (on devnet without --devnet-url); server/ does not import devnet/, its starter does. */
  openDevnet?: OpenDevnet<D>
}

export async function startHost<D extends OwnDevnet = OwnDevnet>(config: HostConfig, hooks: HostHooks<D> = {}): Promise<RunningHost<D>> {
  const logger = hooks.logger ?? createLogger(config.logLevel)
  const openDevnet = config.network === 'devnet' && !config.devnetUrl ? hooks.openDevnet : undefined
  if (config.network === 'devnet' && !config.devnetUrl && !openDevnet) {
    throw new ConfigError('This host was started without a devnet of its own: pass --devnet-url (a ledger started with `npm run devnet`), or start it with `npm start`.')
  }
  if (!config.origin && config.generateSample) {
    // Loaded only here: a host proxying an external origin never needs the ffmpeg tooling.
    const { ensureSampleStream } = await import('./media/sample.ts')
    await ensureSampleStream(config.mediaDir, { log: (line: string) => logger.info(line) })
  }
  const chainOptions = (devnetBaseUrl?: string) =>
    HttpChain.optionsFor(config.network, { devnetBaseUrl, arcUrl: config.arcUrl, arcApiKey: config.arcApiKey, wocUrl: config.wocUrl, wocApiKey: config.wocApiKey })
  // A real network is checked before anything starts: a host that cannot reach its ledger must not take viewers.
  const preflightFindings = config.network === 'devnet' ? null : await preflight(chainOptions())
  if (preflightFindings) logger.info(preflightFindings, 'preflight passed')
  // On devnet: a ledger of its own, or the shared one at --devnet-url.
  const remoteDevnet = config.network === 'devnet' && config.devnetUrl ? await connectRemoteDevnet(config.devnetUrl) : null
  makePrivate(config.dataDir)
  const backing = await openBacking(config, logger)
  const { store } = backing
  const identity = await loadIdentity(store, { dataDir: config.dataDir, network: config.network, adminToken: config.adminToken, payoutAddress: config.payoutAddress, log: logger, shared: Boolean(config.store) })
  const devnet = openDevnet?.({
    dataDir: config.dataDir,
    blockIntervalSeconds: config.blockIntervalSeconds,
    testMode: config.devnetTestMode,
    logger,
    clientOf: (req) => clientAddress(req.socket.remoteAddress, req.headers, config.trustProxy),
  }) ?? null
  // The stores made their files (and SQLite its -wal and -shm) with the default mode: now they are the owner's alone.
  makePrivate(config.dataDir)

  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', false)
  // Express would hash every JSON answer for an ETag: refusals, API replies, all no-store. Files keep their own.
  app.set('etag', false)
  const headers = securityHeaders({ frameAncestors: config.frameAncestors, connectSources: config.network === 'devnet' ? [] : [new URL(chainEndpoints(config.network).woc).origin] })
  app.use(withHeaders(headers))
  app.use(originGuard(config.allowOrigins))
  app.use(accessLog(logger))
  // Slowloris: a client must send its headers, and its whole request, in bounded time; idle keep-alives close.
  const httpServer: HttpServer = createServer(
    {
      headersTimeout: config.headersTimeoutSeconds * 1000,
      requestTimeout: config.requestTimeoutSeconds * 1000,
      keepAliveTimeout: config.keepAliveTimeoutSeconds * 1000,
      // Node looks for overdue requests this often (30 s by default, far coarser than the timeouts themselves).
      connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutSeconds * 1000),
    },
    refuseBadRangesFirst(app, { headers, allowOrigins: config.allowOrigins, logger }),
  )
  httpServer.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // A request cut off by --headers-timeout or --request-timeout is told so; anything else was not HTTP.
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request'
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`)
    else socket.destroy()
  })
  const io: ChannelServer = new SocketServer(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    serveClient: false,
    // A connection that has not joined a namespace by then is dropped (slowloris over Socket.IO).
    connectTimeout: config.handshakeTimeoutSeconds * 1000,
    // Browsers from other origins are refused at the handshake unless --allow-origin lists them.
    allowRequest: (req, callback) => {
      const refused = judgeOrigin(req, config.allowOrigins) === 'refused'
      callback(refused ? ORIGIN_REFUSED : null, !refused)
    },
    ...(config.allowOrigins.length > 0 ? { cors: { origin: config.allowOrigins } } : {}),
  })
  // DNS rebinding: every request and WebSocket upgrade (Socket.IO's too, hence after it attached) names this host or gets 421.
  refuseForeignHosts(httpServer, ownNamesOf(config.host, config.publicHosts))
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject)
    httpServer.listen(config.port, config.host, () => resolve())
  })
  const { port } = httpServer.address() as AddressInfo
  const localHost = isWildcardBind(config.host) ? '127.0.0.1' : config.host
  const url = `http://${localHost.includes(':') ? `[${localHost}]` : localHost}:${port}`

  const chain = new HttpChain(chainOptions(remoteDevnet?.url ?? `${url}/devnet`))
  const chainView = new ChainView(chain, (error) => logger.warn({ err: error }, 'could not refresh chain height and fee rate'))
  const verifier = payeeVerifier()
  if (verifier.engine === 'openssl') logger.warn('libsecp256k1 has no binary for this platform: payments are verified with OpenSSL, about 5x slower')
  const media = createMediaPaywall(config, store, logger)
  const edge = config.edgeSecret ? edgeLinks({ baseUrl: config.edgeBaseUrl, secret: config.edgeSecret, ttlSeconds: config.edgeUrlTtlSeconds }) : null
  const channels = await startChannelCore({
    policy: {
      network: config.network,
      lifetimeBlocks: config.lifetimeBlocks,
      deadlineMarginBlocks: config.deadlineMarginBlocks,
      idleTimeoutSeconds: config.idleTimeoutSeconds,
      minCapacity: config.minCapacity,
      maxCapacity: config.maxCapacity,
      openTimeoutSeconds: config.openTimeoutSeconds,
    },
    payeeKey: identity.channelKey,
    payoutScript: identity.payout.script,
    store,
    chain,
    view: chainView,
    media: media.pricing,
    verifySignature: verifier.verify,
    cluster: backing.cluster,
    edge,
    warn: (details, message) => logger.warn(details, message),
  })
  const paywallObservers: PaywallObserver[] = []
  const observer: PaywallObserver = {
    served: (channelId, bytes) => paywallObservers.forEach((o) => o.served(channelId, bytes)),
    paymentRequired: (segment) => paywallObservers.forEach((o) => o.paymentRequired(segment)),
  }

  backing.attach(io, channels)
  attachChannelSockets(
    io,
    channels,
    {
      messagesPerSecond: config.messagesPerSecond,
      messagesPerSecondPerAddress: config.messagesPerSecondPerAddress,
      connectionsPerAddress: config.connectionsPerAddress,
      pendingOpensPerConnection: config.pendingOpensPerConnection,
      pendingOpensPerAddress: config.pendingOpensPerAddress,
      pendingOpensTotal: config.pendingOpensTotal,
      openTimeoutMs: config.openTimeoutSeconds * 1000,
      trustProxy: config.trustProxy,
    },
    logger,
  )
  chainView.onFeeRateChange(() => io.emit('terms', channels.terms.current()))
  channels.events.on('fundingLost', (record, loss) =>
    logger.warn({ channelId: record.id, fundingTxid: record.fundingTxid, reason: loss.reason, by: loss.txid }, "a channel's funding was lost: the channel is stopped"),
  )

  const admin = new AdminGate(identity.adminTokenDigest, config.adminAttemptsPerMinute, config.trustProxy)
  // Mining, the faucet and test mode, on the host's own devnet or the shared one it proxies: the admin's or this machine's.
  if (devnet || remoteDevnet) app.use('/devnet', devnetWriteGate({ localNames: localHostNames(config.host), admin, trustProxy: config.trustProxy }))
  if (devnet) app.use('/devnet', devnet.routes)
  if (remoteDevnet) app.use('/devnet', remoteDevnet.proxy)
  app.use('/media', paywall({ channels: channels.loader, edge, book: media.book, pricing: media.pricing, origin: media.origin, observer, waits: new PaymentWaits(channels.events, tokenDigest, backing.cluster.shared ? CLUSTER_RECHECK_MS : undefined) }))
  app.use(apiRouter({ channels, chainView, admin, network: config.network, library: media.library }))
  await hooks.extend?.({ app, io, channels, admin, logger, paywallObservers, payout: identity.payout, library: media.library })
  app.use(playerRouter())
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', message: `Nothing at ${req.method} ${req.path}.` })
  })
  app.use((error: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500
    if (status === 500) logger.error({ err: error, path: req.path }, 'request failed')
    if (res.headersSent) return void res.destroy()
    res.status(status).json({ error: status === 500 ? 'internal' : 'bad_request', message: status === 500 ? 'The host hit an internal error.' : error.message })
  })

  await chainView.refresh()
  // The devnet answers at once and mines often; real networks are asked every half minute.
  const refreshMs = (config.chainRefreshSeconds ?? (config.network === 'devnet' ? 1 : 30)) * 1000
  chainView.start(refreshMs)
  await channels.recover()
  // Fundings are watched as often as the chain view refreshes, until their channels settle.
  const stopFundingWatch = channels.fundings.start(refreshMs)
  const stopOpenExpiry = startOpenExpiry(channels.opening, config.openTimeoutSeconds * 1000, (error) => logger.warn({ err: error }, 'could not expire unfunded opens; will retry'))
  const stopScheduler = startSettlementScheduler(channels.settlement, 1_000, (error, channelId) =>
    logger.warn({ err: error, channelId }, 'settlement failed; will retry'),
  )

  return {
    url,
    port,
    adminToken: config.adminToken ?? identity.generatedAdminToken,
    payout: identity.payout,
    preflight: preflightFindings,
    channels,
    devnet,
    chainView,
    logger,
    async close() {
      stopOpenExpiry()
      stopScheduler()
      stopFundingWatch()
      chainView.stop()
      io.disconnectSockets(true)
      await new Promise<void>((resolve) => io.close(() => resolve()))
      httpServer.closeAllConnections()
      await new Promise<void>((resolve) => httpServer.close(() => resolve()))
      media.origin.close()
      remoteDevnet?.close()
      devnet?.close()
      await backing.close()
    },
  }
}
