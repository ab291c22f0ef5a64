// Finds what a viewer of the fleet plays: the master playlist, its first variant, and that variant's media segments,
// read with the same HLS model and kept in the same played media as the browser player keeps them, so the fleet
// keys, prices and skips (init segments, the preview) exactly as a player does.
import { PlayedMedia } from '../../client/payer/played-media.ts'
import type { SegmentKey } from '../../protocol/hls/segment-key.ts'
import type { Terms } from '../../protocol/messages.ts'
import type { HttpClient } from './http-client.ts'

/** One segment a viewer plays: its canonical key (what it pays for), its bytes, and its duration. */
export interface StreamSegment {
  id: string
  key: SegmentKey
  duration: number
}

export interface LoadedStream {
  media: PlayedMedia
  segments: StreamSegment[]
}

/** The URL path (with the entry's query, exactly as listed) and Range header that ask for exactly one segment's bytes. */
export function requestFor(key: SegmentKey): { path: string; headers: Record<string, string> } {
  const path = key.path.split('/').map(encodeURIComponent).join('/') + (key.query === null ? '' : `?${key.query}`)
  return { path, headers: key.range ? { Range: `bytes=${key.range.start}-${key.range.end}` } : {} }
}

/** Fetches the master (or media) playlist at `playlistPath` and, through it, the first variant's media segments. */
export async function loadStream(http: HttpClient, baseUrl: string, playlistPath: string, terms: () => Terms | null): Promise<LoadedStream> {
  const media = new PlayedMedia(terms)
  const read = async (path: string) => {
    const answer = await http.get(baseUrl + requestFor({ path, query: null, range: null }).path, { keepBody: true })
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.body?.toString('utf8').slice(0, 200) ?? ''}`)
    const reading = media.learn(answer.body!.toString('utf8'), path)
    if (!reading.ok) throw new Error(`${path} is not a playlist the host serves: ${reading.issues[0]?.message ?? 'refused'}`)
    return reading.playlist
  }
  const first = await read(playlistPath)
  const mediaPath = first.kind === 'master' ? first.variants[0].path : playlistPath
  const playlist = first.kind === 'master' ? await read(mediaPath) : first
  if (playlist.kind !== 'media' || playlist.segments.length === 0) throw new Error(`${mediaPath} lists no media segments`)
  return { media, segments: playlist.segments.map((segment) => ({ id: segment.id, key: segment.key, duration: segment.duration })) }
}
