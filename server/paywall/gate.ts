// The paywall: playlists pass free (and teach the book what each entry is), init segments pass free, and media
// bytes are released only as the charge rules allow: to a channel whose accepted, stored payments cover every byte
// a request asks for, or to anyone for the free preview. Small layers in the order a request meets them: read-only,
// a safe path, then a playlist, or a media request (its Range and query read first, before anything is looked up),
// for sale, its entries, its channel, its bytes, authorized, released. A layer that refuses calls next(refusal); one
// handler writes every refusal (refusal.ts).
import { Router, type NextFunction, type Request, type Response } from 'express'
import { isPlaylistPath } from '../../protocol/hls/playlist-path.ts'
import { isKeyPath } from '../../protocol/hls/segment-key.ts'
import { authorize, bytesOf, channelOf, entriesOf, readMediaRequest, release } from './media-request.ts'
import type { PaywallParts } from './paywall-parts.ts'
import { servePlaylist } from './playlist-request.ts'
import { Refusal, writeRefusal } from './refusal.ts'

/**
 * The media-relative path of a request, or null when it tries to leave the media root or could mean another path at
 * an origin: decoded once, it must be a path a segment key can name (isKeyPath: no `?`, `#`, `%`, backslash or
 * control character, no empty or `.`-leading part), whichever origin serves it.
 */
export function safeMediaPath(rawPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return null
  }
  return isKeyPath(decoded) ? decoded.slice(1) : null
}

function readOnly(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') return next()
  next(new Refusal(405, 'method_not_allowed', 'Media is read-only: use GET.', { headers: { Allow: 'GET, HEAD' } }))
}

/** Sets res.locals.relative and res.locals.mediaPath (/media/...), or refuses a path that could leave the media root. */
function safePath(req: Request, res: Response, next: NextFunction): void {
  const relative = safeMediaPath(req.path)
  if (!relative) {
    return next(new Refusal(400, 'bad_path', 'That path is not allowed: it must name a file inside the media folder, without ?, #, % or control characters once decoded, and no empty or dot-led part.'))
  }
  res.locals.relative = relative
  res.locals.mediaPath = '/media/' + relative
  res.set('Cache-Control', 'no-store')
  next()
}

function forSale(parts: PaywallParts) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const { mediaPath } = res.locals
    if (parts.pricing.rateOf(mediaPath) !== null) return next()
    next(new Refusal(403, 'not_for_sale', `${mediaPath} is not for sale: a stream.json above it is broken. The host's log and dashboard say which.`))
  }
}

export function paywall(parts: PaywallParts): Router {
  const playlists = Router()
  playlists.use(forSale(parts), (_req, res) => servePlaylist(parts, res))
  const media = Router()
  media.use(readMediaRequest, forSale(parts), entriesOf(parts), channelOf(parts), bytesOf(parts), authorize(parts), release(parts))

  const router = Router()
  router.use(readOnly, safePath, (req, res, next) => (isPlaylistPath(res.locals.relative) ? playlists(req, res, next) : media(req, res, next)))
  router.use(writeRefusal())
  return router
}
