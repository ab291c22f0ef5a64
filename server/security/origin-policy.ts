// Which browser origins may talk to the host: its own, and those listed with --allow-origin. A request without an
// Origin header is no browser's cross-site request (curl, the viewer fleet, Node's Socket.IO client) and passes.
import type { IncomingMessage } from 'node:http'
import type { NextFunction, Request, Response } from 'express'

export type OriginVerdict = 'none' | 'same' | 'allowed' | 'refused'

/**
 * Same origin: the Origin's host name is the Host header's. Scheme and port are left out on purpose: behind a proxy
 * that ends TLS the host sees plain HTTP while the browser's origin is https, and nginx's $host carries no port.
 */
export function judgeOrigin(req: IncomingMessage, allowed: readonly string[]): OriginVerdict {
  const origin = req.headers.origin
  if (origin === undefined) return 'none'
  if (allowed.includes(origin)) return 'allowed'
  const hostname = (text: string) => {
    try {
      return new URL(text).hostname
    } catch {
      return ''
    }
  }
  const own = hostname(`http://${req.headers.host ?? ''}`)
  return own !== '' && hostname(origin) === own ? 'same' : 'refused'
}

export const ORIGIN_REFUSED = 'origin_not_allowed'

/** The APIs: other origins are refused (403) unless allowed, and allowed ones get CORS headers. */
export function originGuard(allowed: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const verdict = judgeOrigin(req, allowed)
    if (verdict === 'refused') {
      res.status(403).json({ error: ORIGIN_REFUSED, message: `Requests from ${req.headers.origin} are refused; the host answers its own origin and those listed with --allow-origin.` })
      return
    }
    if (verdict === 'allowed') {
      res.vary('Origin').set({ 'Access-Control-Allow-Origin': req.headers.origin!, 'Access-Control-Allow-Headers': 'Authorization, Content-Type, Range', 'Access-Control-Allow-Methods': 'GET, POST' })
      if (req.method === 'OPTIONS') return void res.status(204).end()
    }
    next()
  }
}
