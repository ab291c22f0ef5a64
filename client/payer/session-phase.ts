// Where a viewing session stands, as one pure transition function. The session moves only through it.

export type SessionPhase =
  /** No channel: the next payment opens one. */
  | 'idle'
  /** Building, co-signing and funding a channel. */
  | 'opening'
  | 'open'
  /** A remembered channel waits to be resumed with the host (after a reload or a lost connection). */
  | 'reconnecting'
  /** Settling one channel to open a bigger one for a raised cap: payments wait for the new channel. */
  | 'switching'
  | 'closing'
  | 'closed'

export type PhaseEvent =
  | { type: 'open_started' }
  | { type: 'funded' }
  /** Opening failed; `remembered` when the funding may have gone out and the channel is kept to recover. */
  | { type: 'open_failed'; remembered: boolean }
  | { type: 'resume_started' }
  | { type: 'resumed' }
  | { type: 'disconnected' }
  | { type: 'switch_started' }
  | { type: 'close_started' }
  /** A channel ended; `final` is false when it settled only so that a bigger one opens. */
  | { type: 'settled'; final: boolean }

export function nextPhase(phase: SessionPhase, event: PhaseEvent): SessionPhase {
  switch (event.type) {
    case 'open_started':
      return 'opening'
    case 'funded':
    case 'resumed':
      return 'open'
    case 'open_failed':
      return event.remembered ? phase : 'idle'
    case 'resume_started':
      return 'reconnecting'
    case 'disconnected':
      return phase === 'open' ? 'reconnecting' : phase
    case 'switch_started':
      return 'switching'
    case 'close_started':
      return 'closing'
    case 'settled':
      return event.final ? 'closed' : 'switching'
  }
}
