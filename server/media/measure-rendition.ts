// The segments of a rendition we just packaged, as the paywall will read them: each segment's duration and its
// bytes on disk (a byte range counts its own bytes, not its whole file; init segments are not media).
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { rangeLength } from '../../protocol/hls/byte-range.ts'
import { readHlsPlaylist } from '../../protocol/hls/read-playlist.ts'
import { MediaError } from './errors.ts'

// The model reads paths on the host; a rendition folder is read as if served at /media/.
const MOUNT = '/media/'

export function measureRendition(folder: string, playlistText: string, what: string): Array<{ duration: number; bytes: number }> {
  const fileOf = (path: string) => join(folder, path.slice(MOUNT.length))
  const fileSizes = (path: string) => {
    try {
      return statSync(fileOf(path)).size
    } catch {
      return undefined
    }
  }
  const reading = readHlsPlaylist(playlistText, `${MOUNT}index.m3u8`, { fileSizes })
  const problems = reading.issues.map((issue) => `  ${issue.message}`).join('\n')
  if (!reading.ok || reading.playlist.kind !== 'media' || reading.issues.length > 0) {
    throw new MediaError(`ffmpeg wrote a playlist for ${what} that the paywall would not sell:\n${problems}`)
  }
  if (reading.playlist.segments.length === 0) throw new MediaError(`ffmpeg wrote no segments for ${what}.`)
  return reading.playlist.segments.map((segment) => ({
    duration: segment.duration,
    bytes: segment.key.range ? rangeLength(segment.key.range) : (fileSizes(segment.key.path) ?? 0),
  }))
}
