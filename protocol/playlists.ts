// What a playlist says about a stream, read the same way by the paywall (which files are paid segments, and how long
// each is) and by the viewer fleet (which rendition to play). Pure and isomorphic.
import { Parser } from 'm3u8-parser'

export interface PlaylistFacts {
  isMaster: boolean
  /** A master playlist's variant (media playlist) paths, in the order listed. */
  variants: string[]
  /** Media segments, by their absolute path on this host, with their #EXTINF duration in seconds. */
  segments: Array<{ path: string; duration: number }>
  /** EXT-X-MAP init segments: free, like playlists. */
  initSegments: string[]
}

/** Resolves a playlist entry against the playlist's own path; entries on other hosts are not ours to gate. */
function localPath(uri: string, playlistPath: string): string | null {
  const base = new URL(playlistPath, 'http://host.invalid')
  const resolved = new URL(uri, base)
  return resolved.host === base.host ? decodeURIComponent(resolved.pathname) : null
}

export function readPlaylist(text: string, playlistPath: string): PlaylistFacts {
  const parser = new Parser()
  parser.push(text)
  parser.end()
  const manifest = parser.manifest
  const segments: PlaylistFacts['segments'] = []
  const initSegments = new Set<string>()
  for (const segment of manifest.segments ?? []) {
    const path = localPath(segment.uri, playlistPath)
    if (path && Number.isFinite(segment.duration) && segment.duration > 0) segments.push({ path, duration: segment.duration })
    const init = segment.map ? localPath(segment.map.uri, playlistPath) : null
    if (init) initSegments.add(init)
  }
  const variants = (manifest.playlists ?? []).flatMap((variant) => localPath(variant.uri, playlistPath) ?? [])
  return { isMaster: variants.length > 0, variants, segments, initSegments: [...initSegments] }
}

export function isPlaylistPath(path: string): boolean {
  return path.toLowerCase().endsWith('.m3u8')
}
