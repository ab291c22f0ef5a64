// Finds the segments a viewer plays: master playlist -> first rendition -> its media segments with durations.
import { readPlaylist, type PlaylistFacts } from '../../protocol/playlists.ts'
import type { HttpClient } from './http-client.ts'

/** A segment's path on the host, as the paywall prices it (e.g. /media/sample/360p/seg_003.ts), and its duration. */
export type StreamSegment = PlaylistFacts['segments'][number]

/** Fetches the master (or media) playlist at `playlistPath` and, through it, the media playlist's segments. */
export async function loadSegments(http: HttpClient, baseUrl: string, playlistPath: string): Promise<StreamSegment[]> {
  const fetchText = async (path: string) => {
    const answer = await http.get(baseUrl + path, { keepBody: true })
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.body?.toString('utf8').slice(0, 200) ?? ''}`)
    return answer.body!.toString('utf8')
  }
  const first = readPlaylist(await fetchText(playlistPath), playlistPath)
  const variant = first.variants[0]
  const mediaPath = variant ?? playlistPath
  const { segments } = variant ? readPlaylist(await fetchText(variant), variant) : first
  if (segments.length === 0) throw new Error(`${mediaPath} lists no media segments`)
  return segments
}
