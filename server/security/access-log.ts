// One debug line per HTTP request: method, path, status and time. The path only: a query string may carry anything a
// client put there (the host reads no token from it, but a client may still send one), and headers carry the admin
// and channel tokens, so neither is ever logged.
import type { ServerResponse } from 'node:http'
import type { NextFunction, Request, Response } from 'express'
import type { Logger } from '../../node-shared/logger.ts'

export function accessLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    // Read now: a router mounted further on rewrites req.path for its own handlers.
    logWhenAnswered(logger, req.method, req.path, res)
    next()
  }
}

/** The request's line, written once its answer is sent (nothing is watched unless debug lines are kept). */
export function logWhenAnswered(logger: Logger, method: string | undefined, path: string, res: ServerResponse): void {
  if (!logger.isLevelEnabled('debug')) return
  const started = performance.now()
  res.once('finish', () => logger.debug({ method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'http'))
}
