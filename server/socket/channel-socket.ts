// Socket.IO edge of the protocol: validates every message, binds sockets to the channels they opened, bounds rates.
import type { Server, Socket } from 'socket.io'
import type { z } from 'zod'
import {
  CloseRequest,
  describeIssues,
  FundRequest,
  OpenRequest,
  ResumeRequest,
  TipRequest,
  UpdateRequest,
  type ClientToServerEvents,
  type Rejection,
  type Reply,
  type ServerToClientEvents,
} from '../../protocol/messages.ts'
import type { ChannelService } from '../channels/channel-service.ts'
import { take, type TokenBucket } from './token-bucket.ts'

interface SocketData {
  channels: Set<string>
  bucket: TokenBucket
}

export type ChannelServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
type ChannelSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

export const channelRoom = (channelId: string) => `channel:${channelId}`

export interface SocketLimits {
  messagesPerSecond: number
}

export interface SocketLog {
  warn(details: object, message: string): void
  error(details: object, message: string): void
}

const KNOWN_EVENTS = new Set<string>(['open', 'fund', 'resume', 'update', 'tip', 'close'])

export function attachChannelSockets(io: ChannelServer, service: ChannelService, limits: SocketLimits, log: SocketLog): void {
  io.on('connection', (socket) => {
    socket.data.channels = new Set()
    socket.data.bucket = { tokens: limits.messagesPerSecond * 2, updatedAt: Date.now() }
    socket.emit('terms', service.terms())

    socket.use(([event], next) => {
      const verdict = take(socket.data.bucket, Date.now(), limits.messagesPerSecond, limits.messagesPerSecond * 2)
      socket.data.bucket = verdict.bucket
      if (!verdict.allowed) {
        socket.emit('protocolError', { code: 'rate_limited', message: `Slow down: at most ${limits.messagesPerSecond} messages per second.`, event: String(event) })
        return
      }
      if (!KNOWN_EVENTS.has(String(event))) {
        socket.emit('protocolError', { code: 'malformed', message: `Unknown event "${String(event)}".`, event: String(event) })
        return
      }
      next()
    })

    const handle = <S extends z.ZodType, R extends object>(
      event: keyof ClientToServerEvents,
      schema: S,
      handler: (request: z.infer<S>) => Reply<R> | Promise<Reply<R>>,
    ) => {
      ;(socket as Socket).on(event, async (payload: unknown, ack: unknown) => {
        const reply = (answer: Reply<R>) => {
          if (typeof ack === 'function') ack(answer)
          else if (!answer.ok) socket.emit('protocolError', { code: answer.code, message: answer.message, event })
        }
        if (typeof ack !== 'function') {
          socket.emit('protocolError', { code: 'malformed', message: `"${event}" needs an acknowledgement callback.`, event })
          return
        }
        const parsed = schema.safeParse(payload)
        if (!parsed.success) {
          reply({ ok: false, code: 'malformed', message: `Malformed "${event}": ${describeIssues(parsed.error)}` })
          return
        }
        try {
          reply(await handler(parsed.data))
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

    const bind = (socket: ChannelSocket, channelId: string) => {
      socket.data.channels.add(channelId)
      void socket.join(channelRoom(channelId))
    }

    handle('open', OpenRequest, (request) => {
      const reply = service.open(request)
      if (reply.ok) bind(socket, reply.channelId)
      return reply
    })
    handle('fund', FundRequest, (request) => bound(request.channelId) ?? service.fund(request))
    handle('resume', ResumeRequest, async (request) => {
      const reply = await service.resume(request)
      if (reply.ok) bind(socket, request.channelId)
      return reply
    })
    handle('update', UpdateRequest, (request) => bound(request.channelId) ?? service.pay(request))
    handle('tip', TipRequest, (request) => bound(request.channelId) ?? service.tip(request))
    handle('close', CloseRequest, async (request) => {
      const refusal = bound(request.channelId)
      if (refusal) return refusal
      return { ok: true, ...(await service.settle(request.channelId, 'viewer')) }
    })
  })

  service.on('settled', (summary) => io.to(channelRoom(summary.channelId)).emit('settled', summary))
  service.on('accepting', (accepting, reason) => {
    io.emit('hostStatus', { accepting, reason })
    io.emit('terms', service.terms())
  })
}
