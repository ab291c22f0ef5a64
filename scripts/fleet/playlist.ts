// Finds the segments a viewer plays: master playlist -> first rendition -> its media segments with durations.
import { Parser } from 'm3u8-parser'
import type { HttpClient } from './http-client.ts'

export interface StreamSegment {
  /** Path on the host, as the paywall prices it (e.g. /media/sample/360p/seg_003.ts). */
  path: string
  duration: number
}

function parse(text: string): Parser['manifest'] {
  const parser = new Parser()
  parser.push(text)
  parser.end()
  return parser.manifest
}

function resolvePath(uri: string, playlistPath: string): string {
  return decodeURIComponent(new URL(uri, new URL(playlistPath, 'http://host.invalid')).pathname)
}

/** Pure: the media playlist a master points to (its first variant), or null when `text` is a media playlist. */
export function firstVariantPath(text: string, playlistPath: string): string | null {
  const variants = parse(text).playlists ?? []
  return variants.length > 0 ? resolvePath(variants[0].uri, playlistPath) : null
}

/** Pure: the media segments of a media playlist, as host paths with their #EXTINF durations. */
export function mediaSegments(text: string, playlistPath: string): StreamSegment[] {
  return (parse(text).segments ?? [])
    .filter((segment) => Number.isFinite(segment.duration) && segment.duration > 0)
    .map((segment) => ({ path: resolvePath(segment.uri, playlistPath), duration: segment.duration }))
}

/** Fetches the master (or media) playlist at `playlistPath` and, through it, the media playlist's segments. */
export async function loadSegments(http: HttpClient, baseUrl: string, playlistPath: string): Promise<StreamSegment[]> {
  const fetchText = async (path: string) => {
    const answer = await http.get(baseUrl + path, { keepBody: true })
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.body?.toString('utf8').slice(0, 200) ?? ''}`)
    return answer.body!.toString('utf8')
  }
  const first = await fetchText(playlistPath)
  const variant = firstVariantPath(first, playlistPath)
  const mediaPath = variant ?? playlistPath
  const segments = mediaSegments(variant ? await fetchText(variant) : first, mediaPath)
  if (segments.length === 0) throw new Error(`${mediaPath} lists no media segments`)
  return segments
}
