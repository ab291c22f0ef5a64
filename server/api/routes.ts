// The host's JSON API: a public health check and stream list, and the admin's view of every channel.
import { Router } from 'express'
import type { ChannelPage, ChannelRow } from '../../protocol/dashboard.ts'
import type { Network } from '../../protocol/messages.ts'
import type { ChannelViews } from '../channels/channel-views.ts'
import type { ChainView } from '../channels/chain-view.ts'
import type { ChannelRecord } from '../store/channel-store.ts'
import type { LibraryCache } from '../media/library-cache.ts'
import type { PendingSettlement } from '../channels/settlement-retry.ts'
import { nextCursor, parsePageQuery } from './channel-pages.ts'
import type { AdminGate } from '../../node-shared/admin-gate.ts'
import { requireAdmin } from './require-admin.ts'

export interface ApiContext {
  /** The channels as the admin reads them: pages, the open ones, closes being retried; the prices and the switch. */
  channels: Pick<ChannelViews, 'list' | 'live' | 'settlement' | 'terms' | 'switch'>
  chainView: ChainView
  admin: AdminGate
  network: Network
  library: LibraryCache
}

/** Every stream of the media library, the sample first, with the price per second it is sold at. */
function listStreams(library: LibraryCache, hostPrice: number): Array<{ name: string; url: string; kind: 'master' | 'media'; pricePerSecond: number }> {
  return library.current().streams.map(({ name, url, kind, pricePerSecond }) => ({ name, url, kind, pricePerSecond: pricePerSecond ?? hostPrice }))
}

export function channelRow(record: ChannelRecord, pending?: PendingSettlement): ChannelRow {
  const row: ChannelRow = {
    id: record.id,
    state: record.state,
    viewer: record.payerPublicKey,
    capacity: record.capacity,
    paid: record.paid,
    tips: record.tips,
    segments: record.segments,
    seconds: record.seconds,
    fee: record.fee,
    lockTime: record.lockTime,
    fundingTxid: record.fundingTxid,
    closeTxid: record.closeTxid,
    closeReason: record.closeReason,
    createdAt: record.createdAt,
    lastActivityAt: record.lastActivityAt,
    closedAt: record.closedAt,
  }
  if (pending && record.state === 'closing') row.settlementPending = { failures: pending.failures, lastError: pending.lastError, nextAttemptAt: pending.nextAttemptAt }
  return row
}

/** The admin's rows, each closing channel with its failed attempts so far. */
export function channelRows(records: readonly ChannelRecord[], pending: ReadonlyMap<string, PendingSettlement>): ChannelRow[] {
  return records.map((record) => channelRow(record, pending.get(record.id)))
}

export function apiRouter(context: ApiContext): Router {
  const router = Router()
  const { channels, chainView } = context

  router.get('/health', (_req, res) => {
    res.json({ ok: true, network: context.network, height: chainView.height, accepting: channels.switch.accepting, openChannels: channels.live.records().length })
  })

  router.get('/api/info', (_req, res) => {
    const devnet = context.network === 'devnet'
    const terms = channels.terms.current()
    res.json({
      network: context.network,
      devnet: devnet ? '/devnet' : null,
      woc: devnet ? '/devnet/woc/v1/bsv/devnet' : `https://api.whatsonchain.com/v1/bsv/${context.network === 'mainnet' ? 'main' : 'test'}`,
      pricePerSecond: terms.pricePerSecond,
      renditionMultipliers: terms.renditionMultipliers,
      previewSeconds: terms.previewSeconds,
      streamPrices: terms.streamPrices,
      accepting: channels.switch.accepting,
      streams: listStreams(context.library, terms.pricePerSecond),
      // The terms the socket sends on connect: a page that has them with its first request opens its channel (keys,
      // funding, refund) while its socket is still connecting.
      terms,
    })
  })

  router.get('/api/channels', requireAdmin(context.admin), async (req, res) => {
    const parsed = parsePageQuery(req.query)
    if (!parsed.ok) return void res.status(400).json({ error: parsed.error, message: parsed.message })
    const records = await channels.list(parsed.query)
    const page: ChannelPage = { channels: channelRows(records, channels.settlement.pending()), nextCursor: nextCursor(records, parsed.query.limit) }
    res.set('Cache-Control', 'no-store').json(page)
  })

  return router
}
