// Security headers on every HTTP response (helmet). The Content-Security-Policy is one the player and the dashboard
// satisfy as they are: scripts and styles from the host's own files only (no inline ones anywhere), media and the
// player's worker from blob: (hls.js feeds MediaSource through blob URLs), and the ledger's API for a real network.
import helmet from 'helmet'
import type { RequestHandler } from 'express'

export interface HeaderPolicy {
  /** CSP frame-ancestors: who may frame the pages ('self' by default). */
  frameAncestors: readonly string[]
  /** Origins the pages may fetch from besides the host itself (WhatsOnChain on testnet and mainnet). */
  connectSources: readonly string[]
}

export function securityHeaders(policy: HeaderPolicy): RequestHandler {
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
        connectSrc: ["'self'", ...policy.connectSources],
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
