// Security headers on every HTTP response (helmet). The Content-Security-Policy is one the player and the dashboard
// satisfy as they are: scripts and styles from the host's own files only (no inline ones anywhere), media and the
// player's worker from blob: (hls.js feeds MediaSource through blob URLs), the ledger's API for a real network, and
// the viewer's own BRC-100 wallet on this computer. helmet decides the headers; they depend on no request, so they are
// taken from it once and set on each response in one call (helmet's dozen middlewares per request were a tenth of the
// host's time for a refused request in chaos's odd-Range flood).
import type { ServerResponse } from 'node:http'
import helmet from 'helmet'
import type { NextFunction, Request, RequestHandler, Response } from 'express'

export interface HeaderPolicy {
  /** CSP frame-ancestors: who may frame the pages ('self' by default). */
  frameAncestors: readonly string[]
  /** Origins the pages may fetch from besides the host itself (WhatsOnChain on testnet and mainnet). */
  connectSources: readonly string[]
}

/**
 * Where @bsv/sdk's WalletClient('auto') looks for the viewer's wallet on their own computer: the binary wallet wire,
 * then BSV Desktop's HTTPS and HTTP JSON ports. Only the viewer's machine answers there, never the host.
 */
export const LOCAL_WALLET_SOURCES = ['http://localhost:3301', 'https://localhost:2121', 'http://localhost:3321'] as const

/** The security headers of every answer under `policy`. */
export function securityHeaders(policy: HeaderPolicy): Map<string, string> {
  return headersSetBy(helmetFor(policy))
}

/** The middleware that sets `headers` on every response. */
export function withHeaders(headers: Map<string, string>): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.setHeaders(headers)
    next()
  }
}

/** The headers a middleware that looks at no request sets on a response, read by running it once on a recorder. */
function headersSetBy(middleware: ReturnType<typeof helmet>): Map<string, string> {
  const headers = new Map<string, string>()
  const recorder = {
    setHeader: (name: string, value: string) => headers.set(name, value),
    removeHeader: (name: string) => headers.delete(name),
  } as unknown as ServerResponse
  let finished = false
  middleware({} as never, recorder, (error?: unknown) => {
    if (error) throw error
    finished = true
  })
  if (!finished) throw new Error('the security headers middleware did not finish synchronously')
  return headers
}

function helmetFor(policy: HeaderPolicy) {
  const sameOriginOnly = policy.frameAncestors.length === 1 && policy.frameAncestors[0] === "'self'"
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        mediaSrc: ["'self'", 'blob:'],
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", ...policy.connectSources, ...LOCAL_WALLET_SOURCES],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: [...policy.frameAncestors],
      },
    },
    // X-Frame-Options knows only SAMEORIGIN and DENY: a host that loosens frame-ancestors relies on the CSP alone.
    xFrameOptions: sameOriginOnly ? { action: 'sameorigin' } : false,
    // A player embedded on another site loads the host's media and scripts from there.
    crossOriginResourcePolicy: { policy: sameOriginOnly ? 'same-origin' : 'cross-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  })
}
