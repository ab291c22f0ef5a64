import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { Transaction } from '@bsv/sdk'
import { freePort } from '../support/free-port.ts'
import { tempDir } from '../support/host.ts'
import { writeTinyStream } from '../support/media.ts'
import { openRawViewer } from '../support/raw-viewer.ts'

const ADMIN_TOKEN = 'crash-test-admin-token-42'

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    await sleep(100)
  }
  throw new Error(`timed out waiting for ${what}`)
}

function startHostProcess(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
}

const children: ChildProcess[] = []
const dataDir = tempDir('crash')
after(() => {
  for (const child of children) child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

test('SIGKILL mid-stream loses no accepted payment, and the channel settles on the next start', async () => {
  const stream = writeTinyStream([2, 2, 2, 2])
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const args = ['--port', String(port), '--data', dataDir, '--media', stream.mediaDir, '--no-sample', '--block-interval', '0', '--idle-timeout', '3', '--admin-token', ADMIN_TOKEN, '--log-level', 'warn']
  const channels = async () => {
    const res = await fetch(`${url}/api/channels`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
    return res.ok ? ((await res.json()) as { channels: Array<{ id: string; paid: number; segments: number; state: string; closeTxid: string | null }> }).channels : undefined
  }

  const first = startHostProcess(args)
  children.push(first)
  await waitFor('the host to start', async () => ((await fetch(`${url}/health`)).ok ? true : undefined))
  assert.equal((await fetch(`${url}${stream.playlist}`)).status, 200)

  const viewer = await openRawViewer(url, 5_000)
  for (const segment of stream.segments.slice(0, 3)) {
    assert.equal((await viewer.pay(segment.path, 20)).ok, true)
    assert.equal((await fetch(`${url}${segment.path}`, { headers: { 'X-Channel-Token': viewer.token } })).status, 200)
    viewer.delivered(segment.path)
  }
  first.kill('SIGKILL')
  await new Promise((resolve) => first.once('exit', resolve))
  viewer.disconnect()

  const second = startHostProcess(args)
  children.push(second)
  await waitFor('the host to restart', async () => ((await fetch(`${url}/health`)).ok ? true : undefined))
  const [row] = (await channels())!.filter((channel) => channel.id === viewer.channelId)
  assert.equal(row.paid, 60, 'every accepted update survived the kill')
  assert.equal(row.segments, 3)

  const settled = await waitFor('the channel to settle', async () => {
    const found = (await channels())?.find((channel) => channel.id === viewer.channelId)
    return found?.state === 'closed' && found.closeTxid ? found : undefined
  })
  const hex = await (await fetch(`${url}/devnet/woc/v1/bsv/devnet/tx/${settled.closeTxid}/hex`)).text()
  const close = Transaction.fromHex(hex.trim())
  assert.equal(close.outputs[0].satoshis, 60, 'the close pays the host everything accepted before the crash')
  second.kill('SIGTERM')
  await new Promise((resolve) => second.once('exit', resolve))
})

test('SIGKILL while ten viewers are paying (their payments committed in shared batches) loses no acknowledged payment', async () => {
  const stream = writeTinyStream(Array.from({ length: 80 }, () => 1), 'burst')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const burstData = tempDir('crash-burst')
  const args = ['--port', String(port), '--data', burstData, '--media', stream.mediaDir, '--no-sample', '--block-interval', '0', '--admin-token', ADMIN_TOKEN, '--log-level', 'warn']
  const first = startHostProcess(args)
  children.push(first)
  await waitFor('the host to start', async () => ((await fetch(`${url}/health`)).ok ? true : undefined))
  assert.equal((await fetch(`${url}${stream.playlist}`)).status, 200)

  const viewers = await Promise.all(Array.from({ length: 10 }, () => openRawViewer(url, 5_000)))
  /** What the host acknowledged to each viewer: an acknowledged payment is one the host promised to keep. */
  const acknowledged = new Map<string, number>()
  const killed = new Promise<void>((resolve) => first.once('exit', () => resolve()))
  const paying = viewers.map(async (viewer) => {
    for (const segment of stream.segments) {
      const reply = await Promise.race([viewer.pay(segment.path, 10), killed.then(() => null)]).catch(() => null)
      if (reply === null || !reply.ok) return
      acknowledged.set(viewer.channelId, reply.paid)
      viewer.delivered(segment.path)
    }
  })
  await waitFor('payments to flow', async () => ([...acknowledged.values()].reduce((a, b) => a + b, 0) >= 300 ? true : undefined))
  first.kill('SIGKILL')
  await Promise.all(paying)
  for (const viewer of viewers) viewer.disconnect()

  const second = startHostProcess(args)
  children.push(second)
  await waitFor('the host to restart', async () => ((await fetch(`${url}/health`)).ok ? true : undefined))
  const res = await fetch(`${url}/api/channels`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
  const rows = ((await res.json()) as { channels: Array<{ id: string; paid: number; segments: number }> }).channels
  for (const viewer of viewers) {
    const row = rows.find((channel) => channel.id === viewer.channelId)!
    const acked = acknowledged.get(viewer.channelId) ?? 0
    assert.ok(row.paid >= acked, `channel ${viewer.channelId}: the host keeps ${row.paid}, it acknowledged ${acked}`)
    assert.ok(row.paid <= acked + 10, 'at most the one payment in flight at the kill was committed unacknowledged')
    assert.equal(row.paid, row.segments * 10, 'the stored totals and the stored payments agree')
  }
  second.kill('SIGTERM')
  await new Promise((resolve) => second.once('exit', resolve))
  rmSync(burstData, { recursive: true, force: true })
})
