// Prometheus metrics for one host. Each host owns its Registry (never prom-client's global one), so several hosts can
// run in one process (tests, the viewer fleet) without their counters mixing or colliding on registration.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { HostEvent, HostStats } from './stats.ts'

export interface MetricSources {
  stats(): HostStats
  socketConnections(): { viewer: number; dashboard: number }
}

export interface HostMetrics {
  registry: Registry
  record(event: HostEvent): void
}

export function createHostMetrics(sources: MetricSources): HostMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'p2p_process_' })

  const updatesAccepted = new Counter({
    name: 'p2p_updates_accepted_total',
    help: 'Channel updates (segment payments and tips) the host accepted and stored.',
    labelNames: ['kind'] as const,
    registers: [registry],
  })
  // Bound once: a payment's count then needs no label lookup (prom-client hashes the labels on every inc otherwise).
  const acceptedByKind = { segment: updatesAccepted.labels({ kind: 'segment' }), tip: updatesAccepted.labels({ kind: 'tip' }) }
  const updatesRejected = new Counter({
    name: 'p2p_updates_rejected_total',
    help: 'Requests the channel core refused, by reject code (protocol/messages.ts RejectCode).',
    labelNames: ['reason'] as const,
    registers: [registry],
  })
  const verifySeconds = new Histogram({
    name: 'p2p_verify_seconds',
    help: 'Time to check one channel update, signature included.',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [registry],
  })
  const segmentsServed = new Counter({ name: 'p2p_segments_served_total', help: 'Paid media segments served.', registers: [registry] })
  const bytesServed = new Counter({ name: 'p2p_bytes_served_total', help: 'Bytes of paid media segments served.', registers: [registry] })
  const paymentRequired = new Counter({ name: 'p2p_payment_required_total', help: 'Segment requests answered 402 Payment Required.', registers: [registry] })
  const satsAccepted = new Counter({ name: 'p2p_satoshis_accepted_total', help: 'Satoshis accepted off chain (segments and tips).', registers: [registry] })
  const satsSettled = new Counter({ name: 'p2p_satoshis_settled_total', help: 'Satoshis paid to the host by broadcast close transactions.', registers: [registry] })
  const channelsSettled = new Counter({ name: 'p2p_channels_settled_total', help: 'Channels settled, by close reason.', labelNames: ['reason'] as const, registers: [registry] })

  new Gauge({
    name: 'p2p_channels',
    help: 'Channels by state: open (including those being settled) and closed.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = sources.stats()
      this.set({ state: 'open' }, stats.channelsOpen)
      this.set({ state: 'closed' }, stats.channelsSettled)
    },
  })
  new Gauge({
    name: 'p2p_socket_connections',
    help: 'Socket.IO connections now: viewers (channel protocol) and dashboards.',
    labelNames: ['namespace'] as const,
    registers: [registry],
    collect() {
      const connections = sources.socketConnections()
      this.set({ namespace: 'viewer' }, connections.viewer)
      this.set({ namespace: 'dashboard' }, connections.dashboard)
    },
  })
  new Gauge({
    name: 'p2p_accepting',
    help: '1 while the host accepts new channels, 0 while it is stopped.',
    registers: [registry],
    collect() {
      this.set(sources.stats().accepting ? 1 : 0)
    },
  })

  return {
    registry,
    record(event) {
      switch (event.type) {
        case 'accepted':
          acceptedByKind[event.kind].inc()
          satsAccepted.inc(event.amount)
          break
        case 'rejected':
          updatesRejected.inc({ reason: event.code })
          break
        case 'verified':
          verifySeconds.observe(event.seconds)
          break
        case 'served':
          segmentsServed.inc()
          bytesServed.inc(event.bytes)
          break
        case 'paymentRequired':
          paymentRequired.inc()
          break
        case 'settled':
          if (event.onChain) satsSettled.inc(event.paid)
          channelsSettled.inc({ reason: event.reason })
          break
        case 'opened':
        case 'accepting':
          break
      }
    },
  }
}
