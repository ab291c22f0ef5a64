// A flood of bad Range headers on media costs the host as little as it can: such a request is refused in the HTTP
// server's own request listener, before Express, its middleware and the paywall's routers see it (they were most of
// the host's time for each request of chaos's odd-Range class). Only what the request alone decides is refused here,
// with the answer the paywall would give (readMediaRequest reads the Range the same way, for what comes through):
// a GET or HEAD of a media file (no playlist) under a path the paywall accepts, whose Range is not one range of bytes
// or asks for no byte. A request from another browser origin goes on to Express, whose origin guard decides it.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { isPlaylistPath } from '../../protocol/hls/playlist-path.ts'
import { readRangeHeader } from '../../protocol/hls/range-header.ts'
import type { Logger } from '../../node-shared/logger.ts'
import { logWhenAnswered } from '../security/access-log.ts'
import { judgeOrigin } from '../security/origin-policy.ts'
import { safeMediaPath } from './gate.ts'
import { rangeRefusal } from './media-request.ts'
import { refusalBody } from './refusal.ts'

const MEDIA = '/media'

export interface EarlyRefusalParts {
  /** The headers every answer carries (the security headers). */
  headers: Map<string, string>
  allowOrigins: readonly string[]
  logger: Logger
}

/** `app`, with media requests whose Range is refused answered before it. */
export function refuseBadRangesFirst(app: RequestListener, parts: EarlyRefusalParts): RequestListener {
  return (req, res) => {
    if (!refusedEarly(req, res, parts)) app(req, res)
  }
}

function refusedEarly(req: IncomingMessage, res: ServerResponse, parts: EarlyRefusalParts): boolean {
  const header = req.headers.range
  if (header === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) return false
  const url = req.url ?? ''
  if (!url.startsWith(MEDIA + '/')) return false
  const range = readRangeHeader(header)
  if (range.kind !== 'refused') return false
  const query = url.indexOf('?')
  const path = query < 0 ? url : url.slice(0, query)
  const relative = safeMediaPath(path.slice(MEDIA.length))
  if (relative === null || isPlaylistPath(relative)) return false
  const origin = judgeOrigin(req, parts.allowOrigins)
  if (origin !== 'none' && origin !== 'same') return false
  logWhenAnswered(parts.logger, req.method, path, res)
  const refusal = rangeRefusal(range)
  const body = JSON.stringify(refusalBody(refusal))
  res.setHeaders(parts.headers)
  res.writeHead(refusal.status, {
    ...refusal.extra.headers,
    'Cache-Control': 'no-store',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  })
  res.end(req.method === 'HEAD' ? undefined : body)
  return true
}
