// The paywall: playlists pass free (and teach the book what each entry is), init segments pass free, and media
// bytes are released only as the charge rules allow: to a channel whose accepted, stored payments cover every byte
// a request asks for, or to anyone for the free preview. A media request's Range and query are read before anything
// is looked up (readMediaRequest).
import { Router, type Request, type Response } from 'express'
import { isPlaylistPath } from '../../protocol/hls/playlist-path.ts'
import { isKeyPath } from '../../protocol/hls/segment-key.ts'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'
import { readMediaRequest, serveMedia } from './media-request.ts'
import type { PaywallParts } from './paywall-parts.ts'
import { servePlaylist } from './playlist-request.ts'

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

/** The channel token, from its header only: a `?token=` query is not read (it would be logged on the way). */
export function tokenOf(req: Request): string | undefined {
  return req.get(TOKEN_HEADER) || undefined
}

export function paywall(parts: PaywallParts): Router {
  const router = Router()

  router.use(async (req: Request, res: Response) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.status(405).set('Allow', 'GET, HEAD').json({ error: 'method_not_allowed', message: 'Media is read-only: use GET.' })
      return
    }
    const relative = safeMediaPath(req.path)
    if (!relative) {
      res.status(400).json({ error: 'bad_path', message: 'That path is not allowed: it must name a file inside the media folder, without ?, #, % or control characters once decoded, and no empty or dot-led part.' })
      return
    }
    const mediaPath = '/media/' + relative
    res.set('Cache-Control', 'no-store')
    const playlist = isPlaylistPath(relative)
    const media = playlist ? null : readMediaRequest(req, res, { mediaPath, relative, token: tokenOf(req) })
    if (!playlist && !media) return
    if (parts.pricing.rateOf(mediaPath) === null) {
      res.status(403).json({ error: 'not_for_sale', message: `${mediaPath} is not for sale: a stream.json above it is broken. The host's log and dashboard say which.` })
      return
    }
    if (media) await serveMedia(parts, media, req, res)
    else await servePlaylist(parts, mediaPath, res)
  })

  return router
}
