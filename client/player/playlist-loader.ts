// hls.js playlist loader that lets the player read every playlist hls.js loads, as the host served it, before hls.js
// parses it: the played media (client/payer/played-media.ts) then knows each fragment's key, duration, media time and
// role by the time hls.js asks for it, and `listed` hears of each playlist read, master or media. Playlists are free;
// nothing else changes.
import { XhrLoader, type HlsConfig, type LoaderCallbacks, type LoaderConfiguration, type LoaderContext } from 'hls.js'
import type { PlayedMedia } from '../payer/played-media.ts'

function pathOf(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url, globalThis.location?.href ?? 'http://localhost/').pathname)
  } catch {
    return null
  }
}

export function createPlaylistLoader(media: PlayedMedia, listed: (path: string, kind: 'master' | 'media') => void = () => undefined) {
  return class PlaylistLoader extends XhrLoader {
    constructor(config: HlsConfig) {
      super(config)
    }

    override load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      super.load(context, config, {
        ...callbacks,
        onSuccess: (response, stats, ctx, details) => {
          const path = pathOf(response.url || ctx.url)
          const reading = typeof response.data === 'string' && path ? media.learn(response.data, path) : null
          callbacks.onSuccess(response, stats, ctx, details)
          if (path && reading?.ok) listed(path, reading.playlist.kind)
        },
      })
    }
  }
}
