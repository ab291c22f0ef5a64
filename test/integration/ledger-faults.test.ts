// The ledger misbehaves (down, slow, 5xx, garbage) behind a fault-injecting proxy in front of a real devnet's ARC API.
// At fund: a clear refusal and nothing served, and the viewer can open again. At close: retried with backoff until it lands, shown as "settlement
// pending" meanwhile, and only ever one close transaction.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { PrivateKey, Transaction } from '@bsv/sdk'
import request from 'supertest'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import { io } from 'socket.io-client'
import type { HostSocket } from '../../client/payer/host-request.ts'
import { ChannelSession } from '../../client/payer/session.ts'
import { keyWallet } from '../../client/payer/key-wallet.ts'
import { MemoryStorage } from '../../client/payer/storage.ts'
import { ViewerFailure } from '../../client/payer/viewer-errors.ts'
import { openPayerChannel } from '../../client/payer/channel-offer.ts'
import type { ChannelRow } from '../../protocol/dashboard.ts'
import { startDevnetServer, type RunningDevnet } from '../../devnet/server.ts'
import { startTestHost, tempDir, type TestHost } from '../support/host.ts'
import { LEDGER_FAULTS, startFaultyLedger, type FaultyLedger } from '../../scripts/chaos/faulty-ledger.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'
import { connect, openRawViewer, send } from '../support/raw-viewer.ts'

let devnet: RunningDevnet
let ledger: FaultyLedger
let host: TestHost
let stream: TinyStream

before(async () => {
  devnet = await startDevnetServer({ port: 0, host: '127.0.0.1', dataDir: tempDir('faulty-devnet'), blockIntervalSeconds: 0, testMode: false })
  ledger = await startFaultyLedger(`${devnet.url}/arc`)
  stream = writeTinyStream([2, 2, 2])
  host = await startTestHost({ mediaDir: stream.mediaDir, devnetUrl: devnet.url, arcUrl: ledger.arcUrl })
  await request(host.url).get(stream.playlist).expect(200)
})

after(async () => {
  await host?.dispose()
  await ledger?.close()
  await devnet?.close()
})

async function channelRows(): Promise<ChannelRow[]> {
  const res = await request(host.url).get('/api/channels').set('Authorization', `Bearer ${host.adminToken}`).expect(200)
  return (res.body as { channels: ChannelRow[] }).channels
}

test('at fund, a ledger that is down, failing (503) or answering garbage gets ledger_unavailable and nothing is served', async () => {
  const { socket, terms } = await connect(host.url)
  try {
    for (const fault of LEDGER_FAULTS.filter((f) => f !== 'slow')) {
      const key = PrivateKey.fromRandom()
      const coin = await requestFaucet(`${host.url}/devnet`, key.toAddress(), 20_000)
      const opened = openPayerChannel({ payerKey: key, terms, cap: 5_000, utxos: [coin] })
      const open = await send(socket, 'open', opened.request)
      assert.ok(open.ok, JSON.stringify(open))
      ledger.fault = fault
      const fund = await send(socket, 'fund', { channelId: open.channelId, fundingTx: opened.fundingHex })
      ledger.fault = 'none'
      assert.equal(!fund.ok && fund.code, 'ledger_unavailable', `${fault}: ${JSON.stringify(fund)}`)
      const row = (await channelRows()).find((r) => r.id === open.channelId)
      assert.equal(row?.state, 'opening', `${fault}: the channel is not open, so no token can be served`)
      assert.equal(host.channels.live.records().length, 0)
      // The ledger back, the same funding goes through: the refusal lost the viewer nothing.
      const again = await send(socket, 'fund', { channelId: open.channelId, fundingTx: opened.fundingHex })
      assert.ok(again.ok, `${fault}, then healthy: ${JSON.stringify(again)}`)
      await request(host.url).get(stream.segments[0].path).set('X-Channel-Token', again.token).expect(402)
      await send(socket, 'close', { channelId: open.channelId })
    }
  } finally {
    socket.disconnect()
  }
})

test("a viewer whose funding the ledger refused opens again from the same coins: each open funds an outpoint of its own", async () => {
  const socket: HostSocket = io(host.url, { transports: ['websocket'], reconnection: false, forceNew: true })
  const key = PrivateKey.fromRandom()
  const coin = requestFaucet(`${host.url}/devnet`, key.toAddress(), 20_000)
  const session = new ChannelSession({ socket, wallet: keyWallet({ key, utxos: async () => [await coin] }), storage: new MemoryStorage() })
  try {
    await session.waitForTerms()
    ledger.fault = 'down'
    await assert.rejects(session.open(5_000), (error: unknown) => error instanceof ViewerFailure && error.viewerError.code === 'ledger_unavailable')
    ledger.fault = 'none'
    // The coin is still unspent; the new open's funding spends it too, but is another tx on another outpoint.
    await session.open(5_000)
    assert.equal(host.channels.live.records().length, 1)
    await session.close()
  } finally {
    ledger.fault = 'none'
    session.dispose()
    socket.disconnect()
  }
})

test('at fund, a slow ledger only delays the answer', async () => {
  ledger.fault = 'slow'
  try {
    const viewer = await openRawViewer(host.url, 5_000)
    assert.equal((await viewer.pay(stream.segments[0].path, 20)).ok, true)
    await viewer.send('close', { channelId: viewer.channelId })
    viewer.disconnect()
  } finally {
    ledger.fault = 'none'
  }
})

test('at close, the host retries with backoff through every fault, shows settlement pending, and lands one close for the accepted total', async () => {
  const viewer = await openRawViewer(host.url, 5_000)
  assert.equal((await viewer.pay(stream.segments[0].path, 20)).ok, true)
  viewer.delivered(stream.segments[0].path)
  assert.equal((await viewer.tip(7)).ok, true)
  const broadcastsBefore = ledger.broadcastTxids.length
  ledger.fault = 'http_503'
  const close = await viewer.send('close', { channelId: viewer.channelId })
  assert.equal(!close.ok && close.code, 'ledger_unavailable', 'the close could not land yet')
  const pending = (await channelRows()).find((r) => r.id === viewer.channelId)
  assert.equal(pending?.state, 'closing')
  assert.ok(pending?.settlementPending && pending.settlementPending.failures >= 1, JSON.stringify(pending))
  for (const fault of ['down', 'garbage'] as const) {
    ledger.fault = fault
    const failures = host.channels.settlement.pending().get(viewer.channelId)!.failures
    await until(() => (host.channels.settlement.pending().get(viewer.channelId)?.failures ?? 0) > failures, 15_000, `a retry under ${fault}`)
  }
  const attempts = host.channels.settlement.pending().get(viewer.channelId)!
  assert.ok(attempts.nextAttemptAt - attempts.lastAttemptAt >= 2_000, 'the retries back off')
  ledger.fault = 'none'
  await until(async () => (await channelRows()).find((r) => r.id === viewer.channelId)?.state === 'closed', 30_000, 'the close to land')
  const closed = (await channelRows()).find((r) => r.id === viewer.channelId)!
  assert.equal(closed.settlementPending, undefined)
  const closes = new Set(ledger.broadcastTxids.slice(broadcastsBefore))
  assert.deepEqual([...closes], [closed.closeTxid], 'every attempt sent the same close')
  const onChain = Transaction.fromHex(devnet.ledger.rawTx(closed.closeTxid!)!)
  assert.equal(onChain.outputs[0].satoshis, 27, 'the close pays exactly the accepted total, tip included')
  viewer.disconnect()
})

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
