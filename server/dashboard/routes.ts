// The dashboard's HTTP side. The page itself is public HTML (it holds no data); everything with data in it (the
// stats, start/stop, /metrics) answers only to the admin token. /metrics too, secure by default: scrape it with
// Prometheus' `authorization: { type: Bearer, credentials: <admin token> }`.
import { Router } from 'express'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Registry } from 'prom-client'
import type { ChannelService } from '../channels/channel-service.ts'
import type { AdminGate } from '../../node-shared/admin-gate.ts'
import { requireAdmin } from '../api/require-admin.ts'
import { bundleDir } from '../player-pages.ts'
import type { DashboardSnapshot } from '../../protocol/dashboard.ts'

const pageDir = fileURLToPath(new URL('../../client/dashboard/', import.meta.url))
export const DASHBOARD_BUNDLE = 'dashboard.js'

export interface DashboardRoutesContext {
  admin: AdminGate
  service: ChannelService
  registry: Registry
  snapshot: () => Promise<DashboardSnapshot>
}

export function dashboardRouter(context: DashboardRoutesContext): Router {
  const router = Router()
  const admin = requireAdmin(context.admin)

  router.get(['/host', '/host/'], (_req, res) => {
    if (!existsSync(join(bundleDir, DASHBOARD_BUNDLE))) {
      res.status(503).type('text').send('The dashboard is not built yet. Run `npm run build` (npm install and npm start do it for you).')
      return
    }
    res.set('Cache-Control', 'no-store').sendFile('index.html', { root: pageDir })
  })

  router.get('/api/host/stats', admin, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await context.snapshot())
  })

  // Stop answers once every open channel has been settled, so the caller sees the outcome, not a promise of it.
  router.post('/api/host/stop', admin, async (_req, res) => {
    const settled = await context.service.setAccepting(false)
    res.json({ accepting: false, settled: settled.length, closeTxids: settled.flatMap((s) => (s.closeTxid ? [s.closeTxid] : [])) })
  })

  router.post('/api/host/start', admin, async (_req, res) => {
    await context.service.setAccepting(true)
    res.json({ accepting: true })
  })

  router.get('/metrics', admin, async (_req, res) => {
    res.set('Content-Type', context.registry.contentType).send(await context.registry.metrics())
  })

  return router
}
