// Every answer of the paywall that is not media: its layers only decide (next(refusal)), and one handler writes the
// 400/402/403/404/405/416/502 bodies, each `{ error, message }` plus what that refusal carries (the 402's price and
// last update, a playlist's issues) and its headers (Allow, Content-Range).
import type { ErrorRequestHandler } from 'express'

/**
 * An answer, not a fault: it travels through next() and throw like an error, but is no Error, because capturing a
 * stack that nobody reads cost ~15 µs a refused request, the largest self cost of a flood of odd Range headers.
 */
export class Refusal {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly extra: { headers?: Record<string, string>; body?: object } = {},
  ) {}
}

/** What a Refusal's answer says: `{ error, message }` and what it carries besides. */
export function refusalBody(refusal: Refusal): object {
  return { error: refusal.code, message: refusal.message, ...refusal.extra.body }
}

/** Writes a Refusal; anything else (a bug, an origin that threw) goes on to the host's own error handler. */
export function writeRefusal(): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (!(error instanceof Refusal) || res.headersSent) return next(error)
    res
      .status(error.status)
      .set(error.extra.headers ?? {})
      .json(refusalBody(error))
  }
}
