// Socket.IO edge of the protocol: validates every message, binds sockets to the channels they opened, bounds rates. A
// message the host drops (past a rate limit, or an unknown event) is answered through its acknowledgement with the
// refusal's code, so the client hears at once instead of waiting out its own timeout; only a message without one gets
// the code as a protocolError event.
import type { Server } from 'socket.io'
import {
  describeIssues,
  isClientEvent,
  RequestSchemas,
  type ClientEvent,
  type RejectCode,
  type Rejection,
  type ReplyOf,
  type RequestOf,
  type ServerToClientEvents,
} from '../../protocol/messages.ts'
import type { ChannelEventSource, Refuse } from '../channels/channel-events.ts'
import type { ChannelOpening } from '../channels/channel-opening.ts'
import type { HostTerms } from '../channels/host-terms.ts'
import type { Payments } from '../channels/payments.ts'
import type { Settlement } from '../channels/settlement.ts'
import { clientAddress } from '../../node-shared/client-address.ts'
import { ClientLimits, type ClientLimitsConfig } from './client-limits.ts'
import { take, type TokenBucket } from './token-bucket.ts'
import { plainUpdate } from './update-shape.ts'

interface SocketData {
  channels: Set<string>
  bucket: TokenBucket
  address: string
}

/** The viewer's events as they arrive: untrusted until the event's schema has parsed them, the ack maybe missing. */
type InboundEvents = { [E in ClientEvent]: (payload: unknown, ack?: unknown) => void }

export type ChannelServer = Server<InboundEvents, ServerToClientEvents, Record<string, never>, SocketData>

export const channelRoom = (channelId: string) => `channel:${channelId}`

export interface SocketLimits extends ClientLimitsConfig {
  messagesPerSecond: number
  trustProxy: boolean
}

export interface SocketLog {
  warn(details: object, message: string): void
  error(details: object, message: string): void
}

/** The channel core as the socket edge sees it: each viewer request goes to the piece that answers it. */
export interface SocketChannels {
  opening: Pick<ChannelOpening, 'open' | 'fund'>
  payments: Pick<Payments, 'resume' | 'pay' | 'tip'>
  settlement: Pick<Settlement, 'closeForViewer'>
  terms: Pick<HostTerms, 'current'>
  /** An open this edge turns away itself (a pending-work limit) is counted like any refusal. */
  refuse: Refuse
  events: ChannelEventSource
}

export function attachChannelSockets(io: ChannelServer, channels: SocketChannels, limits: SocketLimits, log: SocketLog): void {
  const clients = new ClientLimits(limits)
  channels.events.on('expired', (channelIds) => channelIds.forEach((id) => clients.releaseChannel(id)))
  channels.events.on('opened', (record) => clients.releaseChannel(record.id))

  // Counted at the handshake: a refused connection never reaches 'connection' and so holds nothing.
  io.use((socket, next) => {
    const address = clientAddress(socket.handshake.address, socket.handshake.headers, limits.trustProxy)
    const verdict = clients.connect(address)
    if (!verdict.ok) return next(Object.assign(new Error(`${verdict.code}: ${verdict.message}`), { data: { code: verdict.code } }))
    socket.data.address = address
    socket.once('disconnect', () => clients.disconnect(socket.data.address))
    next()
  })

  io.on('connection', (socket) => {
    socket.data.channels = new Set()
    socket.data.bucket = { tokens: limits.messagesPerSecond * 2, updatedAt: Date.now() }
    socket.emit('terms', channels.terms.current())

    socket.use((packet, next) => {
      const event = String(packet[0])
      // The acknowledgement, when the client asked for one, is the packet's last argument.
      const ack: unknown = packet.length > 1 ? packet[packet.length - 1] : undefined
      const drop = (code: RejectCode, message: string) => {
        if (typeof ack === 'function') ack({ ok: false, code, message } satisfies Rejection)
        else socket.emit('protocolError', { code, message, event })
      }
      const now = Date.now()
      const verdict = take(socket.data.bucket, now, limits.messagesPerSecond, limits.messagesPerSecond * 2)
      socket.data.bucket = verdict.bucket
      if (!verdict.allowed) return drop('rate_limited', `Slow down: at most ${limits.messagesPerSecond} messages per second. Nothing was done; send it again later.`)
      const fromAddress = clients.message(socket.data.address, now)
      if (!fromAddress.ok) return drop(fromAddress.code, `${fromAddress.message} Nothing was done; send it again later.`)
      if (!isClientEvent(event)) return drop('malformed', `Unknown event "${event}".`)
      next()
    })

    /**
     * Parses the event's payload with its own schema (or, for an update, its fixed shape first: update-shape.ts), runs
     * the handler, and answers through the acknowledgement.
     */
    const handle = <E extends ClientEvent>(event: E, handler: (request: RequestOf<E>) => ReplyOf<E> | Promise<ReplyOf<E>>) => {
      const plain = event === 'update' ? (plainUpdate as (payload: unknown) => RequestOf<E> | null) : null
      // Widened to the union on purpose: every inbound event has the same untrusted shape until it is parsed.
      const inbound: ClientEvent = event
      socket.on(inbound, async (payload: unknown, ack?: unknown) => {
        if (typeof ack !== 'function') {
          socket.emit('protocolError', { code: 'malformed', message: `"${event}" needs an acknowledgement callback.`, event })
          return
        }
        const reply = (answer: ReplyOf<E>) => ack(answer)
        let request = plain?.(payload) ?? null
        if (request === null) {
          const parsed = RequestSchemas[event].safeParse(payload)
          if (!parsed.success) {
            reply({ ok: false, code: 'malformed', message: `Malformed "${event}": ${describeIssues(parsed.error)}` })
            return
          }
          request = parsed.data
        }
        try {
          reply(await handler(request))
        } catch (error) {
          log.error({ err: error, event }, 'socket handler failed')
          reply({ ok: false, code: 'internal', message: 'The host hit an internal error; try again shortly.' })
        }
      })
    }

    const bound = (channelId: string): Rejection | null =>
      socket.data.channels.has(channelId)
        ? null
        : { ok: false, code: 'unknown_channel', message: 'This connection has not opened or resumed that channel; send "resume" with its token first.' }

    const bind = (channelId: string) => {
      socket.data.channels.add(channelId)
      void socket.join(channelRoom(channelId))
    }

    handle('open', async (request) => {
      const slot = { connection: socket.id, address: socket.data.address }
      const admitted = clients.reserveOpen(slot, Date.now())
      if (!admitted.ok) return channels.refuse(null, admitted.code, admitted.message)
      const reply = await channels.opening.open(request).catch((error: unknown) => {
        clients.release(slot)
        throw error
      })
      if (!reply.ok) clients.release(slot)
      else {
        clients.assign(slot, reply.channelId, Date.now())
        bind(reply.channelId)
      }
      return reply
    })
    handle('fund', (request) => bound(request.channelId) ?? channels.opening.fund(request))
    handle('resume', async (request) => {
      const reply = await channels.payments.resume(request)
      if (reply.ok) bind(request.channelId)
      return reply
    })
    handle('update', (request) => bound(request.channelId) ?? channels.payments.pay(request))
    handle('tip', (request) => bound(request.channelId) ?? channels.payments.tip(request))
    handle('close', (request) => bound(request.channelId) ?? channels.settlement.closeForViewer(request.channelId))
  })

  channels.events.on('settled', (summary) => io.to(channelRoom(summary.channelId)).emit('settled', summary))
  channels.events.on('fundingLost', (record, loss) => io.to(channelRoom(record.id)).emit('fundingLost', { channelId: record.id, ...loss }))
  channels.events.on('accepting', (accepting, reason) => {
    io.emit('hostStatus', { accepting, reason })
    io.emit('terms', channels.terms.current())
  })
}
