// The paywall: playlists and init segments pass free (and teach the price of each segment); media segments are
// released only to a channel whose accepted, stored payments cover them.
import { Router, type Request, type Response } from 'express'
import type { ChannelService } from '../channels/channel-service.ts'
import { TOKEN_HEADER, TOKEN_QUERY } from '../../protocol/paywall.ts'
import { isPlaylistPath, readPlaylist } from '../../protocol/playlists.ts'
import { decideAccess } from './access.ts'
import type { Origin } from './origin.ts'
import type { SegmentBook } from './segment-book.ts'

export interface PaywallObserver {
  served(channelId: string, bytes: number): void
  paymentRequired(segment: string): void
}

/** The media-relative path of a request, or null when it tries to leave the media root. */
export function safeMediaPath(rawPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const parts = decoded.split('/').filter((part) => part.length > 0)
  if (parts.length === 0 || parts.some((part) => part === '..' || part === '.' || part.startsWith('.'))) return null
  return parts.join('/')
}

function tokenOf(req: Request): string | undefined {
  const header = req.get(TOKEN_HEADER)
  if (header) return header
  const query = req.query[TOKEN_QUERY]
  return typeof query === 'string' && query.length > 0 ? query : undefined
}

export function paywall(service: ChannelService, segments: SegmentBook, origin: Origin, observer: PaywallObserver): Router {
  const router = Router()

  router.use(async (req: Request, res: Response) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.status(405).set('Allow', 'GET, HEAD').json({ error: 'method_not_allowed', message: 'Media is read-only: use GET.' })
      return
    }
    const relative = safeMediaPath(req.path)
    if (!relative) {
      res.status(400).json({ error: 'bad_path', message: 'That path is not allowed: it must name a file inside the media folder.' })
      return
    }
    const mediaPath = '/media/' + relative
    res.set('Cache-Control', 'no-store')

    if (isPlaylistPath(relative)) {
      const playlist = await origin.fetchText(relative)
      if (playlist.status !== 200) {
        res.status(playlist.status === 404 ? 404 : playlist.status).json({
          error: playlist.status === 404 ? 'not_found' : 'origin_error',
          message: playlist.status === 404 ? `No such playlist: ${mediaPath}` : playlist.body,
        })
        return
      }
      // Remembered before the playlist goes out: in a fleet, the viewer's next payment may reach another instance.
      await segments.learn(readPlaylist(playlist.body, mediaPath))
      res.type('application/vnd.apple.mpegurl').send(playlist.body)
      return
    }

    if (segments.isFree(mediaPath)) {
      origin.stream(relative, req, res)
      return
    }

    const price = await service.priceOf(mediaPath)
    if (price === undefined) {
      res.status(404).json({
        error: 'not_listed',
        message: `${mediaPath} is not a segment of any playlist this host has served. Load the stream's playlist first.`,
      })
      return
    }

    const token = tokenOf(req)
    const channel = token ? await service.channelForToken(token, mediaPath) : undefined
    const access = decideAccess({ hasToken: token !== undefined, channel, segmentPath: mediaPath, price })
    if (access.kind === 'forbidden') {
      res.status(403).json({ error: access.error, message: access.message })
      return
    }
    if (access.kind === 'payment_required') {
      observer.paymentRequired(mediaPath)
      res.status(402).json(access.body)
      return
    }
    // Edge mode: the bytes come from nginx or the CDN, to a URL signed now (a refetch, or a client that did not use the one it got).
    const edgeUrl = service.edgeUrl(mediaPath, access.channelId)
    if (edgeUrl) return void res.redirect(302, edgeUrl)
    res.on('finish', () => observer.served(access.channelId, Number(res.getHeader('content-length') ?? 0)))
    origin.stream(relative, req, res)
  })

  return router
}
