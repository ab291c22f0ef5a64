// The dashboard's HTTP side. The page itself is public HTML (it holds no data); everything with data in it (the
// stats, start/stop, /metrics) answers only to the admin token. /metrics too, secure by default: scrape it with
// Prometheus' `authorization: { type: Bearer, credentials: <admin token> }`.
import { Router } from 'express'
import type { Registry } from 'prom-client'
import type { AcceptingSwitch } from '../channels/accepting-switch.ts'
import type { AdminGate } from '../../node-shared/admin-gate.ts'
import { requireAdmin } from '../api/require-admin.ts'
import { servePage } from '../page-assets.ts'
import type { DashboardSnapshot } from '../../protocol/dashboard.ts'

export interface DashboardRoutesContext {
  admin: AdminGate
  /** Start/Stop. */
  switch: Pick<AcceptingSwitch, 'set'>
  registry: Registry
  snapshot: () => Promise<DashboardSnapshot>
}

export function dashboardRouter(context: DashboardRoutesContext): Router {
  const router = Router()
  const admin = requireAdmin(context.admin)

  router.get(['/host', '/host/'], servePage('dashboard'))

  router.get('/api/host/stats', admin, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await context.snapshot())
  })

  // Stop answers once every open channel has been settled, so the caller sees the outcome, not a promise of it.
  router.post('/api/host/stop', admin, async (_req, res) => {
    const settled = await context.switch.set(false)
    res.json({ accepting: false, settled: settled.length, closeTxids: settled.flatMap((s) => (s.closeTxid ? [s.closeTxid] : [])) })
  })

  router.post('/api/host/start', admin, async (_req, res) => {
    await context.switch.set(true)
    res.json({ accepting: true })
  })

  router.get('/metrics', admin, async (_req, res) => {
    res.set('Content-Type', context.registry.contentType).send(await context.registry.metrics())
  })

  return router
}
