// One debug line per HTTP request: method, path, status and time. The path only: a query string may carry anything a
// client put there (the host reads no token from it, but a client may still send one), and headers carry the admin
// and channel tokens, so neither is ever logged.
import type { NextFunction, Request, Response } from 'express'
import type { Logger } from '../../node-shared/logger.ts'

export function accessLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!logger.isLevelEnabled('debug')) return next()
    const started = performance.now()
    // Read now: a router mounted further on rewrites req.path for its own handlers.
    const { method, path } = req
    res.once('finish', () => logger.debug({ method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'http'))
    next()
  }
}
