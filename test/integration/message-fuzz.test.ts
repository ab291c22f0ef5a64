// Every Socket.IO message type, fuzzed against a real host: random payloads, valid messages with one field replaced,
// real transactions with flipped, truncated or extended bytes, and oversized payloads. Each is refused with a known
// code and leaves every channel in the store exactly as it was. Fixed seed, bounded runs.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { PrivateKey } from '@bsv/sdk'
import fc from 'fast-check'
import request from 'supertest'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import { MAX_MESSAGE_BYTES, MAX_TX_HEX_CHARS, RejectCode, type ClientEvent, type Reply } from '../../protocol/messages.ts'
import { openPayerChannel } from '../../client/payer/channel-offer.ts'
import { signSegment, signTip } from '../../client/payer/payer.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'
import { connect, openRawViewer, send, type RawViewer, type ViewerSocket } from '../support/raw-viewer.ts'

const RUNS = { seed: 1313, numRuns: 150 }
const KNOWN_REFUSALS = new Set<string>(RejectCode.options.filter((code) => code !== 'internal'))

let host: TestHost
let stream: TinyStream
let viewer: RawViewer
/** A valid message of each type that the host would accept (or, for fund, judge on its merits) if it were sent. */
let valid: Record<ClientEvent, Record<string, unknown>>
let socket: ViewerSocket

before(async () => {
  stream = writeTinyStream([2, 2, 2])
  host = await startTestHost({ mediaDir: stream.mediaDir, messagesPerSecond: 100_000 })
  await request(host.url).get(stream.playlist).expect(200)
  viewer = await openRawViewer(host.url, 5_000)
  assert.equal((await viewer.pay(stream.segments[0].path, 20)).ok, true)
  viewer.delivered(stream.segments[0].path)
  // A second channel, opened on the same socket but never funded: the fund messages are aimed at it.
  const key = PrivateKey.fromRandom()
  const coin = await requestFaucet(`${host.url}/devnet`, key.toAddress(), 20_000)
  const unfunded = openPayerChannel({ payerKey: key, terms: viewer.terms, cap: 5_000, utxos: [coin] })
  const opened = await viewer.send('open', unfunded.request)
  assert.ok(opened.ok)
  const parent = await (await fetch(`${host.url}/devnet/woc/v1/bsv/devnet/tx/${coin.txid}/hex`)).text()
  const another = openPayerChannel({ payerKey: PrivateKey.fromRandom(), terms: viewer.terms, cap: 5_000, utxos: [await requestFaucet(`${host.url}/devnet`, PrivateKey.fromRandom().toAddress(), 20_000)] })
  const update = signSegment(viewer.channel, viewer.key, stream.segments[1].path, 20, viewer.terms.feeRate)
  const tip = signTip(viewer.channel, viewer.key, 5, viewer.terms.feeRate)
  assert.ok(update.ok && tip.ok)
  valid = {
    open: { ...another.request },
    fund: { channelId: opened.channelId, fundingTx: unfunded.fundingHex, fundingParents: [parent] },
    resume: { channelId: viewer.channelId, token: viewer.token },
    update: { channelId: viewer.channelId, tx: update.tx, segment: stream.segments[1].path },
    tip: { channelId: viewer.channelId, tx: tip.tx, amount: 5 },
    close: { channelId: viewer.channelId },
  }
  socket = viewer.socket
})

after(async () => {
  viewer?.disconnect()
  await host?.dispose()
})

/** Everything a refused message must leave alone: every channel's state and books, and what is live. */
async function hostState(): Promise<string> {
  const channels = (await host.channels.list({ states: null, before: null, limit: 5_000 })).map(({ id, state, paid, sequence, tips, segments, closeTxid, fundingTx }) => ({ id, state, paid, sequence, tips, segments, closeTxid, funded: fundingTx !== null }))
  return JSON.stringify({ channels, live: host.channels.live.records().length })
}

async function assertRefusedUnchanged(event: ClientEvent, payload: unknown): Promise<void> {
  const before = await hostState()
  const reply = (await send(socket, event, payload as never)) as Reply<object>
  assert.equal(reply.ok, false, `${event} ${String(JSON.stringify(payload)).slice(0, 300)} was accepted`)
  if (!reply.ok) assert.ok(KNOWN_REFUSALS.has(reply.code), `${event}: refused with ${reply.code}: ${reply.message}`)
  assert.equal(await hostState(), before, `${event} changed the host's state`)
}

const events = fc.constantFrom<ClientEvent>('open', 'fund', 'resume', 'update', 'tip', 'close')
/** Fields whose replacement could still be a valid message: an optional note is any short string. */
const MUTABLE: Record<ClientEvent, string[]> = {
  open: ['payerPublicKey', 'fundingTxid', 'fundingVout', 'capacity', 'refundTx', 'payoutScript'],
  fund: ['channelId', 'fundingTx'],
  resume: ['channelId', 'token'],
  update: ['channelId', 'tx', 'segment'],
  tip: ['channelId', 'tx', 'amount'],
  close: [],
}
const TX_FIELDS: Partial<Record<ClientEvent, string>> = { open: 'refundTx', fund: 'fundingTx', update: 'tx', tip: 'tx' }

test('random payloads for every message type are refused as malformed, changing nothing', async () => {
  await fc.assert(
    fc.asyncProperty(events, fc.anything({ maxDepth: 2 }), async (event, payload) => {
      await assertRefusedUnchanged(event, payload)
    }),
    RUNS,
  )
})

test('a valid message with one field replaced by anything is refused with a known code, changing nothing', async () => {
  const mutations = events
    .filter((event) => MUTABLE[event].length > 0)
    .chain((event) => fc.tuple(fc.constant(event), fc.constantFrom(...MUTABLE[event]), fc.oneof(fc.anything({ maxDepth: 1 }), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 80 }), fc.integer())))
  await fc.assert(
    fc.asyncProperty(mutations, async ([event, field, value]) => {
      fc.pre(value !== valid[event][field])
      await assertRefusedUnchanged(event, { ...valid[event], [field]: value })
    }),
    RUNS,
  )
})

/** A real transaction's bytes with one byte flipped, cut short, or with bytes added at the end. */
const mangledTx = (hex: string) => {
  const bytes = Buffer.from(hex, 'hex')
  return fc.oneof(
    fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([at, mask]) => {
      const copy = Buffer.from(bytes)
      copy[at] ^= mask
      return copy.toString('hex')
    }),
    fc.integer({ min: 1, max: bytes.length - 1 }).map((length) => bytes.subarray(0, length).toString('hex')),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((tail) => Buffer.concat([bytes, tail]).toString('hex')),
  )
}

test('real transactions with flipped, truncated or extended bytes are refused with a known code, changing nothing', async () => {
  const cases = fc.constantFrom<ClientEvent>('open', 'fund', 'update', 'tip').chain((event) => fc.tuple(fc.constant(event), mangledTx(valid[event][TX_FIELDS[event]!] as string)))
  await fc.assert(
    fc.asyncProperty(cases, async ([event, tx]) => {
      await assertRefusedUnchanged(event, { ...valid[event], [TX_FIELDS[event]!]: tx })
    }),
    RUNS,
  )
})

test('oversized payloads: a transaction over the limit is malformed; a message over the buffer limit closes only that socket', async () => {
  for (const event of ['open', 'fund', 'update', 'tip'] as const) {
    await assertRefusedUnchanged(event, { ...valid[event], [TX_FIELDS[event]!]: 'ab'.repeat(MAX_TX_HEX_CHARS / 2 + 1) })
  }
  const before = await hostState()
  const { socket: flooder } = await connect(host.url)
  const closed = new Promise<string>((resolve) => flooder.once('disconnect', resolve))
  const oversized = { ...valid.update, tx: 'ab'.repeat(MAX_MESSAGE_BYTES) } as { channelId: string; tx: string; segment: string }
  flooder.emit('update', oversized, () => assert.fail('an oversized message got an answer'))
  assert.equal(await closed, 'transport close')
  assert.equal(await hostState(), before)
  // The host goes on: the honest viewer's valid update, held back until now, is accepted.
  const reply = await send(socket, 'update', valid.update as never)
  assert.ok(reply.ok, JSON.stringify(reply))
})
