// Two host instances on one PostgreSQL, behind nginx in edge mode, on one devnet in its own process: the fleet plays
// through nginx while one instance is killed, and the books still balance to the satoshi.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { runFleet } from '../../scripts/fleet/run-fleet.ts'
import type { FleetProgress } from '../../scripts/fleet/viewer.ts'
import { CLUSTER_ADMIN_TOKEN, startCluster, type ClusterInstance, type LocalCluster } from '../support/cluster.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'
import { tempDir } from '../support/host.ts'
import { connect, openRawViewer, send } from '../support/raw-viewer.ts'
import { runScript } from '../support/script-process.ts'
import { signSegment } from '../../client/payer/payer.ts'

const PRICE = 10
const SEGMENTS = 24

async function servedBy(instance: ClusterInstance): Promise<{ segments: number; bytes: number }> {
  const text = await (await fetch(`${instance.url}/metrics`, { headers: { Authorization: `Bearer ${CLUSTER_ADMIN_TOKEN}` } })).text()
  const read = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN)
  return { segments: read('p2p_segments_served_total'), bytes: read('p2p_bytes_served_total') }
}

async function openChannelsOn(instance: ClusterInstance): Promise<number> {
  return ((await (await fetch(`${instance.url}/health`)).json()) as { openChannels: number }).openChannels
}

describe('two host instances, one PostgreSQL, nginx in front in edge mode', () => {
  let stream: TinyStream
  let cluster: LocalCluster
  let db: pg.Pool

  before(async () => {
    stream = writeTinyStream(Array.from({ length: SEGMENTS }, () => 1), 'show')
    cluster = await startCluster({ instances: 2, mediaDir: stream.mediaDir, edge: true, hostArgs: ['--price', String(PRICE), '--idle-timeout', '600'] })
    db = new pg.Pool({ connectionString: cluster.storeUrl })
  })
  after(async () => {
    await db?.end()
    await cluster?.stop()
  })

  test('an instance whose channel key is not the fleet\'s refuses to start, and says what to do', async () => {
    const dataDir = tempDir('stray')
    const stray = runScript('scripts/start.ts', ['--port', '0', '--data', dataDir, '--media', stream.mediaDir, '--no-sample', '--store', cluster.storeUrl, '--devnet-url', cluster.devnetUrl, '--log-level', 'warn'])
    await stray.waitFor(/is not the one the other instances sharing this store sign with .*Copy the first instance's channel\.key/s)
    assert.equal(await stray.exit, 1)
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('the same update sent to both instances at the same time is accepted by exactly one', async () => {
    const [a, b] = cluster.instances
    for (const instance of cluster.instances) assert.equal((await fetch(`${instance.url}${stream.playlist}`)).status, 200)
    const viewer = await openRawViewer(a.url, 5_000)
    const { socket: onB } = await connect(b.url)
    assert.equal((await send(onB, 'resume', { channelId: viewer.channelId, token: viewer.token })).ok, true, 'B loads the channel A opened from the store')
    for (const [index, segment] of stream.segments.slice(0, 6).entries()) {
      const signed = signSegment(viewer.channel, viewer.key, segment.path, PRICE, viewer.terms.feeRate)
      assert.ok(signed.ok)
      const update = { channelId: viewer.channelId, tx: signed.tx, segment: segment.path }
      const replies = await Promise.all([send(viewer.socket, 'update', update), send(onB, 'update', update)])
      const accepted = replies.filter((reply) => reply.ok)
      assert.equal(accepted.length, 1, `update ${index}: ${JSON.stringify(replies.map((reply) => (reply.ok ? 'ok' : reply.code)))}`)
      const refused = replies.find((reply) => !reply.ok)
      assert.ok(refused && !refused.ok && (refused.code === 'replay' || refused.code === 'stale'), `the loser says why, not "internal": ${JSON.stringify(refused)}`)
      viewer.channel = signed.channel
      viewer.delivered(segment.path)
    }
    const { rows } = await db.query('SELECT count(*)::int AS n, max(paid)::int AS paid FROM payments WHERE channel_id = $1', [viewer.channelId])
    assert.deepEqual(rows[0], { n: 6, paid: 6 * PRICE }, 'one stored payment per update')
    const closed = await send(onB, 'close', { channelId: viewer.channelId })
    assert.ok(closed.ok && closed.paid === 6 * PRICE && closed.closeTxid)
    viewer.disconnect()
    onB.disconnect()
  })

  test('a fleet plays through nginx while one instance is SIGKILLed: every viewer resumes and finishes, nginx serves every segment, and paid = served = settled = the ledger', async () => {
    const [a, b] = cluster.instances
    const progress: FleetProgress = { active: 0, finished: 0, segments: 0, satoshis: 0, errors: 0 }
    const alreadyOnA = await openChannelsOn(a)
    const count = 8
    const fleet = runFleet({ url: cluster.url, playlistPath: '/media/show/master.m3u8', count, seconds: 120, cap: 2_000, speed: 3, rampMs: 500, ackTimeoutMs: 4_000, progress })
    // Mid-stream: a third of the segments played, and the killed instance holds some of the viewers.
    for (let i = 0; i < 600 && progress.segments < (count * SEGMENTS) / 3; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    assert.ok((await openChannelsOn(a)) > alreadyOnA, 'instance a holds some of the fleet\'s channels when it is killed')
    assert.deepEqual(await servedBy(a), { segments: 0, bytes: 0 }, 'no media byte passed through instance a')
    a.process.child.kill('SIGKILL')
    const run = await fleet

    assert.deepEqual(run.summary.mismatches, [])
    assert.equal(run.summary.errors.pay ?? 0, 0, JSON.stringify(run.results.map((result) => result.firstError).filter(Boolean)))
    assert.equal(run.summary.segmentsOk, count * SEGMENTS, 'every viewer played every segment, across the kill')
    assert.ok(run.results.every((result) => result.stoppedEarly === 'end_of_stream'))
    assert.equal(run.summary.channelsSettled, count)
    assert.equal(run.summary.closesVerified, count, 'every close is on the ledger and pays what the viewer signed')
    assert.equal(run.summary.satoshisSettled, count * SEGMENTS * PRICE)
    assert.equal(await openChannelsOn(b), 0)
    assert.deepEqual(await servedBy(b), { segments: 0, bytes: 0 }, 'no media byte passed through instance b')

    // Every accepted payment is in the store, and settled exactly once: one close per channel, for all it accepted.
    const ids = run.results.map((result) => result.channelId)
    const { rows } = await db.query(
      `SELECT c.id, c.state, c.paid::int, c.close_txid, (SELECT coalesce(sum(amount), 0)::int FROM payments p WHERE p.channel_id = c.id) AS accepted
       FROM channels c WHERE c.id = ANY($1::text[])`,
      [ids],
    )
    assert.equal(rows.length, count)
    for (const row of rows) {
      assert.equal(row.state, 'closed')
      assert.equal(row.accepted, row.paid, `channel ${row.id}: its stored payments add up to what it settled`)
      const result = run.results.find((candidate) => candidate.channelId === row.id)!
      assert.equal(row.close_txid, result.closeTxid)
      assert.equal(row.paid, result.settled)
    }
    assert.equal(new Set(rows.map((row) => row.close_txid)).size, count)

    // nginx served the segments itself: one signed request answered 200 per segment played (the first test's are not signed).
    const log = readFileSync(join(cluster.nginx.prefix, 'access.log'), 'utf8')
    const edgeHits = log.split('\n').filter((line) => / "GET \/edge\/show\/360p\/seg_\d+\.ts HTTP\/1\.1" 200 /.test(line)).length
    assert.ok(edgeHits >= count * SEGMENTS, `nginx answered ${edgeHits} signed segment requests`)
  })

  test('the killed instance comes back, and Stop or Start pressed on one instance switches every instance', async () => {
    const [a, b] = cluster.instances
    await a.restart()
    const accepting = async (instance: ClusterInstance) => ((await (await fetch(`${instance.url}/health`)).json()) as { accepting: boolean }).accepting
    const press = (instance: ClusterInstance, what: 'stop' | 'start') =>
      fetch(`${instance.url}/api/host/${what}`, { method: 'POST', headers: { Authorization: `Bearer ${CLUSTER_ADMIN_TOKEN}` } })
    const until = async (instance: ClusterInstance, wanted: boolean) => {
      for (let i = 0; i < 100 && (await accepting(instance)) !== wanted; i++) await new Promise((resolve) => setTimeout(resolve, 50))
      return accepting(instance)
    }
    assert.equal((await press(b, 'stop')).status, 200)
    assert.equal(await until(a, false), false, 'a follows the Stop pressed on b')
    const { socket, terms } = await connect(a.url)
    assert.equal(terms.accepting, false, 'a new viewer on a is told the host is stopped')
    socket.disconnect()
    assert.equal((await press(a, 'start')).status, 200)
    assert.equal(await until(b, true), true, 'b follows the Start pressed on a')
  })
})
