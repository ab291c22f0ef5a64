// Random sequences of open, pay, tip, reconnect-and-resume, close and Stop across several viewers, each socket its
// own, against a real host and checked command by command against a simple model of what each channel has paid.
// Invariants: the host never fails internally; paid never decreases and equals the model; no segment is served beyond
// what is paid; every settlement pays exactly the accepted total, checked on the devnet ledger. Fixed seed, bounded.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { Transaction } from '@bsv/sdk'
import fc from 'fast-check'
import request from 'supertest'
import { markDelivered, signSegment, signTip, type PayerChannel } from '../../client/payer/payer.ts'
import type { Reply, SettlementSummary } from '../../protocol/messages.ts'
import { startTestHost, type TestHost } from '../support/host.ts'
import { writeTinyStream, type TinyStream } from '../support/media.ts'
import { connect, openRawViewer, send, type RawViewer, type ViewerSocket } from '../support/raw-viewer.ts'

const SLOTS = 3
const SEGMENT_PRICE = 20

let host: TestHost
let stream: TinyStream

before(async () => {
  stream = writeTinyStream(Array.from({ length: 10 }, () => 2))
  host = await startTestHost({ mediaDir: stream.mediaDir, messagesPerSecond: 10_000 })
  await request(host.url).get(stream.playlist).expect(200)
})

after(async () => {
  await host?.dispose()
})

/** The model: per viewer slot, whether its channel is open or settled, what it has paid, how many segments. */
interface Slot {
  state: 'none' | 'open' | 'closed'
  paid: number
  segments: number
}
type Model = Slot[]

/** The real side: each slot's viewer, its current socket and its payer channel. */
interface Live {
  viewer: RawViewer
  socket: ViewerSocket
  channel: PayerChannel
}
interface Real {
  slots: Array<Live | null>
}

function assertRefusedKnown(reply: Reply<object>, expected: readonly string[], what: string): void {
  assert.equal(reply.ok, false, `${what} was accepted`)
  if (!reply.ok) assert.ok(expected.includes(reply.code), `${what}: ${reply.code} ${reply.message}`)
}

function assertSettledOnChain(summary: SettlementSummary, paid: number): void {
  assert.equal(summary.paid, paid, 'the settlement pays the accepted total')
  if (paid === 0) return assert.equal(summary.closeTxid, null)
  const close = Transaction.fromHex(host.ledger!.rawTx(summary.closeTxid!)!)
  assert.equal(close.outputs[0].satoshis, paid, 'the close on the ledger pays exactly the accepted total')
}

/** Not a byte: 402 for a segment the channel has not paid, 403 once its channel is settled. */
async function assertNotServed(path: string, token: string): Promise<void> {
  const res = await request(host.url).get(path).set('X-Channel-Token', token)
  assert.ok([402, 403].includes(res.status), `${path} answered ${res.status}`)
}

/** No segment beyond what is paid: the next unpaid one is refused with the slot's own token. */
async function assertNothingUnpaidServed(live: Live, slot: Slot): Promise<void> {
  if (slot.segments < stream.segments.length) await assertNotServed(stream.segments[slot.segments].path, live.viewer.token)
}

class OpenCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly slot: number) {}
  check = (m: Readonly<Model>) => m[this.slot].state !== 'open'
  async run(m: Model, r: Real) {
    const viewer = await openRawViewer(host.url, 2_000)
    r.slots[this.slot]?.socket.disconnect()
    r.slots[this.slot] = { viewer, socket: viewer.socket, channel: viewer.channel }
    m[this.slot] = { state: 'open', paid: 0, segments: 0 }
  }
  toString = () => `open(${this.slot})`
}

class PayCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly slot: number) {}
  check = (m: Readonly<Model>) => m[this.slot].state !== 'none' && m[this.slot].segments < stream.segments.length
  async run(m: Model, r: Real) {
    const live = r.slots[this.slot]!
    const slot = m[this.slot]
    const segment = stream.segments[slot.segments].path
    const signed = signSegment(live.channel, live.viewer.key, segment, SEGMENT_PRICE, live.viewer.terms.feeRate)
    if (!signed.ok) return // the payer's own cap: nothing is sent
    const reply = await send(live.socket, 'update', { channelId: live.viewer.channelId, tx: signed.tx, segment })
    if (slot.state === 'closed') return assertRefusedKnown(reply, ['channel_not_open', 'unknown_channel'], 'a payment on a settled channel')
    assert.ok(reply.ok, JSON.stringify(reply))
    assert.ok(reply.paid > slot.paid, 'paid only grows')
    slot.paid += SEGMENT_PRICE
    assert.equal(reply.paid, slot.paid)
    await request(host.url).get(segment).set('X-Channel-Token', live.viewer.token).expect(200)
    live.channel = markDelivered(signed.channel, segment)
    slot.segments++
    await assertNothingUnpaidServed(live, slot)
  }
  toString = () => `pay(${this.slot})`
}

class TipCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly slot: number, readonly amount: number) {}
  check = (m: Readonly<Model>) => m[this.slot].state !== 'none'
  async run(m: Model, r: Real) {
    const live = r.slots[this.slot]!
    const slot = m[this.slot]
    const signed = signTip(live.channel, live.viewer.key, this.amount, live.viewer.terms.feeRate)
    if (!signed.ok) return
    const reply = await send(live.socket, 'tip', { channelId: live.viewer.channelId, tx: signed.tx, amount: this.amount })
    if (slot.state === 'closed') return assertRefusedKnown(reply, ['channel_not_open', 'unknown_channel'], 'a tip on a settled channel')
    assert.ok(reply.ok, JSON.stringify(reply))
    slot.paid += this.amount
    assert.equal(reply.paid, slot.paid)
    live.channel = signed.channel
  }
  toString = () => `tip(${this.slot}, ${this.amount})`
}

/** The socket drops and a new one resumes the channel with its token, as the player does after a reload. */
class ResumeCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly slot: number) {}
  check = (m: Readonly<Model>) => m[this.slot].state !== 'none'
  async run(m: Model, r: Real) {
    const live = r.slots[this.slot]!
    live.socket.disconnect()
    live.socket = (await connect(host.url)).socket
    const reply = await send(live.socket, 'resume', { channelId: live.viewer.channelId, token: live.viewer.token })
    if (m[this.slot].state === 'closed') return assertRefusedKnown(reply, ['channel_not_open'], 'resuming a settled channel')
    assert.ok(reply.ok, JSON.stringify(reply))
    assert.equal(reply.paid, m[this.slot].paid, 'the host remembers exactly what was paid')
    assert.equal(reply.state, 'open')
  }
  toString = () => `resume(${this.slot})`
}

class CloseCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly slot: number) {}
  check = (m: Readonly<Model>) => m[this.slot].state === 'open'
  async run(m: Model, r: Real) {
    const live = r.slots[this.slot]!
    const reply = await send(live.socket, 'close', { channelId: live.viewer.channelId })
    assert.ok(reply.ok, JSON.stringify(reply))
    assertSettledOnChain(reply, m[this.slot].paid)
    m[this.slot].state = 'closed'
    await assertNotServed(stream.segments[0].path, live.viewer.token)
  }
  toString = () => `close(${this.slot})`
}

/** The host's Stop settles every open channel for what it accepted; Start takes viewers again. */
class StopCommand implements fc.AsyncCommand<Model, Real> {
  check = () => true
  async run(m: Model, r: Real) {
    const summaries = await host.channels.switch.set(false)
    await host.channels.switch.set(true)
    for (const [index, slot] of m.entries()) {
      if (slot.state !== 'open') continue
      const summary = summaries.find((s) => s.channelId === r.slots[index]!.viewer.channelId)
      assert.ok(summary, `slot ${index} was settled by Stop`)
      assertSettledOnChain(summary, slot.paid)
      slot.state = 'closed'
    }
  }
  toString = () => 'stop-and-start'
}

test('random sequences of viewer and host actions keep the host consistent with the model', async () => {
  const slot = fc.nat({ max: SLOTS - 1 })
  const commands = [
    slot.map((s) => new OpenCommand(s)),
    slot.map((s) => new PayCommand(s)),
    slot.map((s) => new PayCommand(s)),
    fc.tuple(slot, fc.integer({ min: 1, max: 50 })).map(([s, amount]) => new TipCommand(s, amount)),
    slot.map((s) => new ResumeCommand(s)),
    slot.map((s) => new CloseCommand(s)),
    fc.constant(new StopCommand()),
  ]
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 20 }), async (cmds) => {
      const real: Real = { slots: Array.from({ length: SLOTS }, () => null) }
      try {
        await fc.asyncModelRun(() => ({ model: Array.from({ length: SLOTS }, () => ({ state: 'none' as const, paid: 0, segments: 0 })), real }), cmds)
      } finally {
        for (const live of real.slots) live?.socket.disconnect()
      }
    }),
    { seed: 4242, numRuns: 30, endOnFailure: true },
  )
  const health = await request(host.url).get('/health').expect(200)
  assert.equal(health.body.ok, true)
})
