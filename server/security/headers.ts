// Security headers on every HTTP response (helmet). The Content-Security-Policy is one the player and the dashboard
// satisfy as they are: scripts and styles from the host's own files only (no inline ones anywhere), media and the
// player's worker from blob: (hls.js feeds MediaSource through blob URLs), the ledger's API for a real network, and
// the viewer's own BRC-100 wallet on this computer.
import helmet from 'helmet'
import type { RequestHandler } from 'express'

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
