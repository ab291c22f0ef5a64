// The media side of the host, built once from its configuration: the origin, the media library (cached), the book of
// everything the paywall has listed, and the charge rules over them. app.ts hangs the gate and the channel core on it.
import type { Logger } from '../../node-shared/logger.ts'
import type { HostConfig } from '../config.ts'
import { LibraryCache } from '../media/library-cache.ts'
import type { ChannelStore } from '../store/channel-store.ts'
import { MediaBook } from './media-book.ts'
import { MediaPricing } from './media-pricing.ts'
import type { Origin } from './origin.ts'
import { proxyOrigin } from './proxy-origin.ts'
import { staticOrigin } from './static-origin.ts'

/** In a cluster, how soon an entry this instance does not know sends it back to the playlists the others served. */
const CLUSTER_REWARM_MS = 2_000

/** Distinct playlist problems logged per process; a live playlist reloaded every second says each once. */
const LOGGED_PROBLEMS = 1_000

export interface MediaPaywall {
  library: LibraryCache
  origin: Origin
  book: MediaBook
  pricing: MediaPricing
}

export function createMediaPaywall(config: HostConfig, store: ChannelStore, logger: Logger): MediaPaywall {
  const library = new LibraryCache(config.mediaDir)
  const origin = config.origin ? proxyOrigin(config.origin, config.originTimeoutMs) : staticOrigin(config.mediaDir)
  const logged = new Set<string>()
  const book = new MediaBook(
    origin,
    {
      remember: (path) => store.rememberPlaylist(path, Date.now()).catch((error: unknown) => logger.warn({ err: error, path }, 'could not remember a playlist')),
      recall: (limit) => store.playlists(limit),
    },
    (path, message) => {
      const key = `${path}\n${message}`
      if (logged.has(key) || logged.size >= LOGGED_PROBLEMS) return
      logged.add(key)
      logger.warn({ playlist: path }, message)
    },
    config.store ? CLUSTER_REWARM_MS : null,
  )
  const pricing = new MediaPricing(book, {
    pricePerSecond: config.price,
    renditionMultipliers: config.renditionMultipliers,
    previewSeconds: config.previewSeconds,
    streamPrices: () => library.current().prices,
    libraryStreamOf: (playlist) => library.streamOf(playlist),
  })
  return { library, origin, book, pricing }
}
