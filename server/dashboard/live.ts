// The dashboard's live feed: a Socket.IO namespace of its own, admitted only with the admin token, to which the host
// pushes a fresh snapshot whenever something happens (coalesced), and every few seconds for the clock-driven
// figures (viewers watching now, the rate, the chart's moving hour). Browsers never poll.
import type { Namespace, Server } from 'socket.io'
import type { AdminGate } from '../../node-shared/admin-gate.ts'
import { clientAddress } from '../../node-shared/client-address.ts'
import { DASHBOARD_NAMESPACE, type DashboardServerEvents, type DashboardSnapshot } from '../../protocol/dashboard.ts'

export interface LiveFeed {
  /** Something changed: push a snapshot soon. Many calls within the coalescing window send one snapshot. */
  changed(): void
  connections(): number
}

export interface LiveFeedOptions {
  admin: AdminGate
  snapshot: () => Promise<DashboardSnapshot>
  onError: (error: unknown) => void
  coalesceMs?: number
  tickMs?: number
}

export function attachLiveFeed(io: Server<any, any, any, any>, options: LiveFeedOptions): LiveFeed {
  const namespace = io.of(DASHBOARD_NAMESPACE) as Namespace<Record<string, never>, DashboardServerEvents>
  const coalesceMs = options.coalesceMs ?? 200
  const tickMs = options.tickMs ?? 5_000
  let pending: NodeJS.Timeout | null = null
  let ticker: NodeJS.Timeout | null = null

  namespace.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token
    const address = clientAddress(socket.handshake.address, socket.handshake.headers, options.admin.trustProxy)
    const verdict = options.admin.check(typeof token === 'string' ? token : undefined, address)
    if (verdict === 'admitted') return next()
    const messages = {
      missing: 'unauthorized: send the admin token',
      wrong: 'forbidden: that admin token is wrong',
      limited: `too_many_attempts: too many wrong admin tokens from this address; try again in ${options.admin.retryAfterSeconds(address)} s`,
    }
    next(new Error(messages[verdict]))
  })

  const push = (target: { emit: Namespace<Record<string, never>, DashboardServerEvents>['emit'] }) => {
    options.snapshot().then((snapshot) => target.emit('snapshot', snapshot), options.onError)
  }

  // Timers run only while a dashboard is connected: an idle host, or one being closed, has nothing scheduled.
  const stopTimers = () => {
    if (pending) clearTimeout(pending)
    if (ticker) clearInterval(ticker)
    pending = null
    ticker = null
  }

  namespace.on('connection', (socket) => {
    push(socket)
    if (!ticker) ticker = setInterval(() => push(namespace), tickMs).unref()
    socket.on('disconnect', () => {
      if (namespace.sockets.size === 0) stopTimers()
    })
  })

  return {
    changed() {
      if (pending || namespace.sockets.size === 0) return
      pending = setTimeout(() => {
        pending = null
        if (namespace.sockets.size > 0) push(namespace)
      }, coalesceMs).unref()
    },
    connections: () => namespace.sockets.size,
  }
}
