// One request to the host and its answer: emit with an acknowledgement, and turn silence past a timeout into an
// error that names the request. Used by the session, the bench and the tests, so every caller waits the same way.
import type { Socket } from 'socket.io-client'
import type { ClientEvent, ClientToServerEvents, ReplyOf, RequestOf, ServerToClientEvents } from '../../protocol/messages.ts'

export type HostSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/** The host did not answer within the timeout (it is gone, or the connection is). */
export class HostSilent extends Error {
  constructor(
    /** The request that went unanswered, or "terms" when none arrived. */
    readonly awaited: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer to "${awaited}" within ${Math.round(timeoutMs / 1000)} s`)
    this.name = 'HostSilent'
  }
}

export async function request<E extends ClientEvent>(socket: HostSocket, event: E, payload: RequestOf<E>, timeoutMs: number): Promise<ReplyOf<E>> {
  // socket.io's typings cannot follow a generic event name through emitWithAck; the signature above is what they would
  // give each concrete event, so this is the one place that says so.
  const timed = socket.timeout(timeoutMs) as unknown as { emitWithAck(event: E, payload: RequestOf<E>): Promise<ReplyOf<E>> }
  try {
    return await timed.emitWithAck(event, payload)
  } catch {
    throw new HostSilent(event, timeoutMs)
  }
}
