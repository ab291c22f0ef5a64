import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHostMetrics } from '../../server/dashboard/metrics.ts'
import { reduceStats, seedStats, type HostEvent, type HostStats } from '../../server/dashboard/stats.ts'

function host() {
  let stats: HostStats = seedStats([], true)
  const metrics = createHostMetrics({ stats: () => stats, socketConnections: () => ({ viewer: 2, dashboard: 1 }) })
  return {
    metrics,
    record(event: HostEvent) {
      stats = reduceStats(stats, event)
      metrics.record(event)
    },
    value: async (sample: string) => {
      const line = (await metrics.registry.metrics()).split('\n').find((l) => l.startsWith(`${sample} `))
      return line === undefined ? undefined : Number(line.slice(sample.length + 1))
    },
  }
}

test('two hosts in one process keep separate registries and counters', async () => {
  const a = host()
  const b = host()
  a.record({ type: 'opened', channelId: 'c1', at: 1 })
  a.record({ type: 'accepted', channelId: 'c1', kind: 'segment', amount: 20, seconds: 2, stream: '/media/show/master.m3u8', at: 2 })
  a.record({ type: 'accepted', channelId: 'c1', kind: 'tip', amount: 5, seconds: 0, stream: null, at: 3 })
  a.record({ type: 'rejected', code: 'underpaid', at: 4 })
  a.record({ type: 'verified', seconds: 0.0003, at: 5 })
  a.record({ type: 'served', channelId: 'c1', bytes: 4096, at: 6 })
  a.record({ type: 'paymentRequired', at: 7 })

  assert.equal(await a.value('p2p_updates_accepted_total{kind="segment"}'), 1)
  assert.equal(await a.value('p2p_updates_accepted_total{kind="tip"}'), 1)
  assert.equal(await a.value('p2p_updates_rejected_total{reason="underpaid"}'), 1)
  assert.equal(await a.value('p2p_satoshis_accepted_total'), 25)
  assert.equal(await a.value('p2p_segments_served_total'), 1)
  assert.equal(await a.value('p2p_bytes_served_total'), 4096)
  assert.equal(await a.value('p2p_payment_required_total'), 1)
  assert.equal(await a.value('p2p_verify_seconds_count'), 1)
  assert.equal(await a.value('p2p_verify_seconds_bucket{le="0.0005"}'), 1)
  assert.equal(await a.value('p2p_channels{state="open"}'), 1)
  assert.equal(await a.value('p2p_socket_connections{namespace="viewer"}'), 2)

  assert.equal(await b.value('p2p_satoshis_accepted_total'), 0)
  assert.equal(await b.value('p2p_channels{state="open"}'), 0)
})

test('settling moves satoshis to the settled counter and closes the channel gauge', async () => {
  const a = host()
  a.record({ type: 'opened', channelId: 'c1', at: 1 })
  a.record({ type: 'accepted', channelId: 'c1', kind: 'segment', amount: 40, seconds: 2, stream: '/media/show/master.m3u8', at: 2 })
  a.record({ type: 'settled', channelId: 'c1', paid: 40, onChain: true, reason: 'host_stopped', at: 3 })
  a.record({ type: 'accepting', accepting: false, at: 3 })
  assert.equal(await a.value('p2p_satoshis_settled_total'), 40)
  assert.equal(await a.value('p2p_channels_settled_total{reason="host_stopped"}'), 1)
  assert.equal(await a.value('p2p_channels{state="open"}'), 0)
  assert.equal(await a.value('p2p_channels{state="closed"}'), 1)
  assert.equal(await a.value('p2p_accepting'), 0)
})
