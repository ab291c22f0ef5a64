// Hangs the host dashboard off a running host: statistics, the live feed, the admin routes and /metrics.
// This is the imperative shell: it turns the channel core's and the paywall's events into HostEvents, folds them
// into the pure statistics (stats.ts), counts them in Prometheus, and nudges the live feed. The events are folded in
// batches once the current I/O is done (or when something reads the statistics), off the payment path.
import type { HostParts } from '../app.ts'
import type { ChannelViews } from '../channels/channel-views.ts'
import { LISTED_STATES } from '../../protocol/dashboard.ts'
import { nextCursor } from '../api/channel-pages.ts'
import { channelRows } from '../api/routes.ts'
import { attachLiveFeed } from './live.ts'
import { addSettled, tallyPayout } from './payout.ts'
import { createHostMetrics } from './metrics.ts'
import { dashboardRouter } from './routes.ts'
import { dashboardSnapshot, TABLE_ROWS } from './snapshot.ts'
import { reduceStatsAll, seedStats, type HostEvent, type HostStats } from './stats.ts'

/** Read once at start-up so totals survive a restart; bounded so a very old host does not load its whole history. */
const SEED_CHANNELS = 100_000

/** What the dashboard reads of the channel core (server/channels/channel-views.ts), and the switch it presses. */
export type DashboardParts = Omit<HostParts, 'channels'> & { channels: ChannelViews }

export async function attachDashboard({ app, io, channels, admin, logger, paywallObservers, payout, library }: DashboardParts): Promise<void> {
  // Unfunded opens are left out everywhere: they hold no money, and a flood of them must not crowd out real channels.
  const listed = (limit: number) => channels.list({ states: LISTED_STATES, before: null, limit })
  const known = await listed(SEED_CHANNELS)
  let folded: HostStats = seedStats(known, channels.switch.accepting, await channels.books.salesByStream())
  let pending: HostEvent[] = []
  let foldScheduled = false
  const stats = (): HostStats => {
    if (pending.length > 0) {
      folded = reduceStatsAll(folded, pending)
      pending = []
    }
    return folded
  }
  let paidOut = tallyPayout(known, payout.script)
  const { network, pricePerSecond: hostPrice } = channels.terms.current()
  const now = () => Date.now()
  const lastActivity = () => channels.live.records().map((record) => record.lastActivityAt)
  const snapshot = async () => {
    const rows = await listed(TABLE_ROWS)
    const context = { network, rows: channelRows(rows, channels.settlement.pending()), cursor: nextCursor(rows, TABLE_ROWS), tips: await channels.books.recentTips(TABLE_ROWS), viewers: await channels.books.knownViewers(TABLE_ROWS), library: library.current().streams, hostPrice }
    return { ...dashboardSnapshot(stats(), now(), lastActivity(), context), payout: { address: payout.address, generated: payout.generated, ...paidOut } }
  }

  const live = attachLiveFeed(io, {
    admin,
    snapshot,
    onError: (error) => logger.warn({ err: error }, 'could not push a dashboard snapshot'),
  })
  const metrics = createHostMetrics({
    stats,
    socketConnections: () => ({ viewer: io.of('/').sockets.size, dashboard: live.connections() }),
  })

  const dispatch = (event: HostEvent) => {
    // A verification timing changes no statistic (reduceStats leaves them as they are): only Prometheus counts it.
    if (event.type !== 'verified') pending.push(event)
    if (!foldScheduled && pending.length > 0) {
      foldScheduled = true
      setImmediate(() => {
        foldScheduled = false
        stats()
      })
    }
    metrics.record(event)
    // Verification timings change nothing on the page; everything else does.
    if (event.type !== 'verified') live.changed()
  }

  channels.events.on('opened', (record) => dispatch({ type: 'opened', channelId: record.id, at: now() }))
  channels.events.on('accepted', (event) =>
    dispatch({ type: 'accepted', channelId: event.channelId, kind: event.kind, amount: event.amount, seconds: event.seconds, stream: event.stream, at: now() }),
  )
  channels.events.on('rejected', (event) => dispatch({ type: 'rejected', code: event.code, at: now() }))
  channels.events.on('verified', (seconds) => dispatch({ type: 'verified', seconds, at: now() }))
  channels.events.on('settled', (_summary, record) => (paidOut = addSettled(paidOut, record, payout.script)))
  channels.events.on('settled', (summary) =>
    dispatch({ type: 'settled', channelId: summary.channelId, paid: summary.paid, onChain: summary.closeTxid !== null, reason: summary.reason, at: now() }),
  )
  channels.events.on('accepting', (accepting) => dispatch({ type: 'accepting', accepting, at: now() }))
  paywallObservers.push({
    served: (channelId, bytes) => dispatch({ type: 'served', channelId, bytes, at: now() }),
    paymentRequired: () => dispatch({ type: 'paymentRequired', at: now() }),
  })

  app.use(dashboardRouter({ admin, switch: channels.switch, registry: metrics.registry, snapshot }))
}
