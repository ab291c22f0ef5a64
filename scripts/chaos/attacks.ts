// The hostile traffic `npm run chaos` throws at a host, one class at a time, each bounded in count and in time.
// Every attack tallies what the host answered; none of them holds a channel, so none can cost the host money.
import { randomBytes } from 'node:crypto'
import { connect as tcpConnect } from 'node:net'
import { io, type Socket } from 'socket.io-client'
import { isClientEvent, MAX_MESSAGE_BYTES } from '../../protocol/messages.ts'
import { requestWithHost, upgradeWithHost } from '../../test/support/host-header.ts'
import { connectFrom, openRequests } from '../../test/support/unfunded-opens.ts'

export interface AttackContext {
  url: string
  /** A segment the attackers never paid for. */
  segment: string
  sockets: number
  durationMs: number
  /** At most this many cases per attack, however fast the host answers. */
  maxCases: number
}

export interface AttackOutcome {
  cases: number
  /** How the host answered, e.g. { malformed: 480, rate_limited: 20 } or { '402': 300 }. */
  answers: Record<string, number>
  /** What must never happen did (an unpaid segment served, a 5xx, a crash): described, else empty. */
  violations: string[]
  /** Why the class could not run here, e.g. 'needs root to mount a tmpfs'. */
  skipped?: string
}

/** The attacks that need nothing but the host's address, by name: what the attack process can run. */
export const ADDRESS_ONLY_ATTACKS = (): Attack[] => [openFlood, garbageMessages, oversized, garbageHttp, oddRanges, foreignHost]

export interface Attack {
  name: string
  run(ctx: AttackContext): Promise<AttackOutcome>
}

const tally = (answers: Record<string, number>, key: string) => {
  answers[key] = (answers[key] ?? 0) + 1
}
const hex = (bytes: number) => randomBytes(bytes).toString('hex')
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function openSocket(url: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connection within 10 s')), 10_000)
    socket.once('connect', () => (clearTimeout(timer), resolve(socket)))
    socket.once('connect_error', (error) => (clearTimeout(timer), reject(error)))
  })
}

/** Runs `one` in `lanes` parallel loops until the time or the case budget is spent. */
async function lanes(ctx: AttackContext, count: number, one: (lane: number) => Promise<void>): Promise<number> {
  let cases = 0
  const until = Date.now() + ctx.durationMs
  await Promise.all(
    Array.from({ length: count }, async (_, lane) => {
      while (Date.now() < until && cases < ctx.maxCases) {
        cases++
        await one(lane)
      }
    }),
  )
  return cases
}

/** At most this many unfunded opens per connection (the host's default): a flood's opens past it are refused. */
const PENDING_OPENS_PER_CONNECTION = 4

/**
 * Each of `ctx.sockets` sockets sends `payload()` as `event` and waits for the ack (or 3 s). `prepare` builds the
 * payload maker once, before the flood; `accepts` is how many the host may accept per socket (0: junk is never).
 */
function socketFlood(name: string, prepare: (url: string) => Promise<() => [string, unknown]>, accepts = 0): Attack {
  return {
    name,
    async run(ctx) {
      const answers: Record<string, number> = {}
      const payload = await prepare(ctx.url)
      const sockets = await Promise.all(Array.from({ length: ctx.sockets }, () => openSocket(ctx.url)))
      for (const socket of sockets) socket.on('protocolError', (error: { code: string }) => tally(answers, error.code))
      const cases = await lanes(ctx, sockets.length, async (lane) => {
        const [event, body] = payload()
        // The host answers an unknown event with a protocolError, never an ack: no use waiting for one.
        if (!isClientEvent(event)) return void sockets[lane].emit(event, body)
        try {
          const reply = (await sockets[lane].timeout(3_000).emitWithAck(event, body)) as { ok: boolean; code?: string }
          tally(answers, reply.ok ? 'accepted' : reply.code!)
        } catch {
          // Unknown events and rate-limited ones get a protocolError instead of an ack (tallied above).
        }
      })
      for (const socket of sockets) socket.disconnect()
      const allowed = accepts * sockets.length
      const violations = (answers.accepted ?? 0) > allowed ? [`${answers.accepted} messages were accepted, at most ${allowed} may be`] : []
      if (answers.internal) violations.push(`${answers.internal} internal errors`)
      return { cases, answers, violations }
    },
  }
}

/** Distinct open requests the flood cycles through: after one pass, each is refused as an outpoint already claimed. */
const FLOOD_OUTPOINTS = 400

/**
 * The flood of the issue: real open requests, co-signable by the host, never funded, each on its own funding outpoint
 * and then sent again. Each connection gets its few pending opens; the rest are refused (a request sent again as
 * `outpoint_reused`), and the accepted ones expire after --open-timeout.
 */
export const openFlood = socketFlood(
  'open flood (50 sockets)',
  async (url) => {
    const { socket, terms } = await connectFrom(url)
    socket.disconnect()
    const requests = await openRequests(url, terms, FLOOD_OUTPOINTS)
    let next = 0
    return () => ['open', requests[next++ % requests.length]]
  },
  PENDING_OPENS_PER_CONNECTION,
)

const EVENTS = ['open', 'fund', 'resume', 'update', 'tip', 'close', 'hello', '__proto__', 'constructor']
const JUNK: Array<() => unknown> = [
  () => null,
  () => 42,
  () => hex(64),
  () => ({ channelId: hex(12), tx: hex(200), segment: '/media/../../etc/passwd' }),
  () => ({ channelId: hex(12), token: 'x'.repeat(43) }),
  () => [1, [2, [3, [4]]]],
  () => ({ __proto__: { ok: true }, channelId: {} }),
]
export const garbageMessages = socketFlood('garbage messages (50 sockets)', async () => () => [
  EVENTS[Math.floor(Math.random() * EVENTS.length)],
  JUNK[Math.floor(Math.random() * JUNK.length)](),
])

/** Messages over Socket.IO's buffer limit: the host drops the connection, and nothing else. */
export const oversized: Attack = {
  name: 'oversized messages',
  async run(ctx) {
    const answers: Record<string, number> = {}
    const cases = await lanes({ ...ctx, maxCases: Math.min(ctx.maxCases, 200) }, 10, async () => {
      const socket = await openSocket(ctx.url)
      const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve))
      socket.emit('update', { channelId: hex(12), tx: 'ab'.repeat(MAX_MESSAGE_BYTES), segment: ctx.segment })
      tally(answers, await Promise.race([closed, sleep(5_000).then(() => 'still connected')]))
      socket.disconnect()
    })
    return { cases, answers, violations: answers['still connected'] ? ['an oversized message was taken'] : [] }
  },
}

const GARBAGE_REQUESTS = [
  () => randomBytes(200),
  () => Buffer.from(`GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
  () => Buffer.from('GET / HTTP/9.9\r\n\r\n'),
  () => Buffer.from(`GET /media HTTP/1.1\r\n${'X-A: b\r\n'.repeat(2_000)}\r\n`),
  () => Buffer.from('POST /api/channels HTTP/1.1\r\nContent-Length: -1\r\n\r\n'),
  () => Buffer.from('GET /media/%zz%00 HTTP/1.1\r\nHost: x\r\n\r\n'),
]

/** What an HTTP server answers a raw request with: its status, or how the connection ended. */
function rawRequest(url: string, bytes: Buffer): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = tcpConnect(Number(port), hostname)
    let head = ''
    const done = (answer: string) => {
      socket.destroy()
      resolve(answer)
    }
    const timer = setTimeout(() => done('timeout'), 5_000)
    socket.on('connect', () => socket.end(bytes))
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)
      if (status) (clearTimeout(timer), done(status[1]))
    })
    socket.on('error', () => (clearTimeout(timer), done('reset')))
    socket.on('close', () => (clearTimeout(timer), done('closed')))
  })
}

export const garbageHttp: Attack = {
  name: 'garbage HTTP',
  async run(ctx) {
    const answers: Record<string, number> = {}
    const cases = await lanes(ctx, ctx.sockets, async () => {
      tally(answers, await rawRequest(ctx.url, GARBAGE_REQUESTS[Math.floor(Math.random() * GARBAGE_REQUESTS.length)]()))
    })
    const errors = Object.entries(answers).filter(([status]) => status.startsWith('5'))
    return { cases, answers, violations: errors.map(([status, n]) => `${n} answers ${status}`) }
  },
}

const RANGES = ['bytes=0-', 'bytes=-1', 'bytes=0-0', 'bytes=99999999999-', 'bytes=5-1', 'bytes=0-1,2-3', 'items=0-1', 'bytes=abc', `bytes=${'0-1,'.repeat(500)}0-1`, 'bytes=-0', 'bytes=0-18446744073709551616']
const TOKENS = [undefined, 'x'.repeat(43), '', randomBytes(32).toString('base64url')]

/** Unpaid segments asked for by odd byte ranges and bad tokens: never a byte of them. */
export const oddRanges: Attack = {
  name: 'odd Range headers',
  async run(ctx) {
    const answers: Record<string, number> = {}
    const cases = await lanes(ctx, ctx.sockets, async (lane) => {
      const headers: Record<string, string> = { Range: RANGES[lane % RANGES.length] }
      const token = TOKENS[Math.floor(lane / RANGES.length) % TOKENS.length]
      if (token !== undefined) headers['X-Channel-Token'] = token
      try {
        const res = await fetch(ctx.url + ctx.segment, { headers })
        await res.arrayBuffer()
        tally(answers, String(res.status))
      } catch {
        tally(answers, 'reset')
      }
    })
    const served = Object.entries(answers).filter(([status]) => status.startsWith('2') || status.startsWith('5'))
    return { cases, answers, violations: served.map(([status, n]) => `${n} answers ${status} to unpaid requests`) }
  },
}

/** What a DNS-rebinding page (attacker.example resolved to the host's address) would ask, each with its answer's status. */
const FOREIGN_PROBES: Array<(url: string, host: string, segment: string) => Promise<number>> = [
  ...['/api/info', '/health', '/host', '/', '/socket.io/?EIO=4&transport=polling'].map((path) => async (url: string, host: string) => (await requestWithHost(url, path, host)).status),
  async (url, host, segment) => (await requestWithHost(url, segment, host)).status,
  async (url, host) => (await requestWithHost(url, '/devnet/mine', host, { method: 'POST' })).status,
  async (url, host) =>
    (await requestWithHost(url, '/devnet/faucet', host, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"address": "1BitcoinEaterAddressDontSendf59kuE", "satoshis": 1000}' })).status,
  (url, host) => upgradeWithHost(url, host),
]

/** Requests and Socket.IO handshakes under a name the host does not own: every one 421, and the chain never moves. */
export const foreignHost: Attack = {
  name: 'foreign Host (DNS rebinding)',
  async run(ctx) {
    const answers: Record<string, number> = {}
    const names = ['attacker.example', `attacker.example:${new URL(ctx.url).port}`, `127.0.0.1.attacker.example`]
    const height = async () => ((await (await fetch(`${ctx.url}/devnet/woc/v1/bsv/devnet/chain/info`)).json()) as { blocks: number }).blocks
    const before = await height()
    const cases = await lanes(ctx, ctx.sockets, async (lane) => {
      const probe = FOREIGN_PROBES[lane % FOREIGN_PROBES.length]
      try {
        tally(answers, String(await probe(ctx.url, names[Math.floor(lane / FOREIGN_PROBES.length) % names.length], ctx.segment)))
      } catch {
        tally(answers, 'reset')
      }
    })
    const moved = (await height()) - before
    const answered = Object.entries(answers).filter(([status]) => status !== '421')
    const violations = answered.map(([status, n]) => `${n} answers ${status} to a foreign Host`)
    if (moved !== 0) violations.push(`the chain moved ${moved} blocks`)
    return { cases, answers, violations }
  },
}
