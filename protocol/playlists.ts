// The whole-file view of a playlist that the paywall and the viewer fleet use until they key segments by
// (path, byte range): a view over the HLS model in protocol/hls/. Pure and isomorphic.
//
// It lists only what a path alone can price safely. A segment that is a byte range of a file is left out, and so is an
// init segment that is a byte range: their file also holds other (paid) bytes, and pricing or freeing it by path would
// open every range of it for one payment. The paywall then answers "not listed" for such files instead of giving them
// away. A playlist the model refuses lists nothing.
import { readHlsPlaylist } from './hls/read-playlist.ts'

export interface PlaylistFacts {
  isMaster: boolean
  /** A master playlist's variant (media playlist) paths, in the order listed. */
  variants: string[]
  /** Whole-file media segments, by their absolute path on this host, with their #EXTINF duration in seconds. */
  segments: Array<{ path: string; duration: number }>
  /** Whole-file EXT-X-MAP init segments: free, like playlists. */
  initSegments: string[]
}

export function readPlaylist(text: string, playlistPath: string): PlaylistFacts {
  const reading = readHlsPlaylist(text, playlistPath)
  const facts: PlaylistFacts = { isMaster: false, variants: [], segments: [], initSegments: [] }
  if (!reading.ok) return facts
  const playlist = reading.playlist
  if (playlist.kind === 'master') return { ...facts, isMaster: true, variants: playlist.variants.map((variant) => variant.path) }
  return {
    ...facts,
    segments: playlist.segments.filter((segment) => segment.key.range === null).map((segment) => ({ path: segment.key.path, duration: segment.duration })),
    initSegments: playlist.initSegments.filter((init) => init.range === null).map((init) => init.path),
  }
}

export function isPlaylistPath(path: string): boolean {
  return path.toLowerCase().endsWith('.m3u8')
}
