// The entry point of the HLS model: playlist text and its path on this host in, a master or media playlist (or the
// reasons it is refused) out. Pure and isomorphic: the host, the player and the viewer fleet read playlists alike.
import { Parser, type ParsedManifest } from 'm3u8-parser'
import type { FileSizes } from './entry-key.ts'
import { readLines } from './line-reader.ts'
import { readMasterPlaylist } from './read-master.ts'
import { readMediaPlaylist } from './read-media.ts'
import { MAX_PLAYLIST_BYTES, playlistIssue } from './playlist-issues.ts'
import type { PlaylistReading } from './playlist-model.ts'

export interface ReadOptions {
  /** Sizes of the files the playlist names, where known: byte ranges past the end are then skipped. */
  fileSizes?: FileSizes
}

function utf8Length(text: string): number {
  // Each UTF-16 unit is at most 3 bytes of UTF-8, so only long texts are measured exactly.
  return text.length * 3 <= MAX_PLAYLIST_BYTES ? text.length : new TextEncoder().encode(text).length
}

function refused(code: 'too_large' | 'not_a_playlist' | 'unparseable' | 'mixed_playlist', message: string): PlaylistReading {
  return { ok: false, issues: [playlistIssue(code, message)] }
}

export function readHlsPlaylist(text: string, path: string, options: ReadOptions = {}): PlaylistReading {
  const size = utf8Length(text)
  if (size > MAX_PLAYLIST_BYTES) return refused('too_large', `The playlist is ${size} bytes; playlists over ${MAX_PLAYLIST_BYTES} bytes are refused.`)
  const raw = readLines(text)
  if (!raw.startsWithHeader) return refused('not_a_playlist', 'Not an HLS playlist: the first line must be #EXTM3U.')
  if (raw.hasVariants && raw.hasMediaTags) return refused('mixed_playlist', 'The playlist mixes EXT-X-STREAM-INF (master) with #EXTINF or EXT-X-TARGETDURATION (media).')
  let manifest: ParsedManifest
  try {
    const parser = new Parser()
    parser.push(text)
    parser.end()
    manifest = parser.manifest
  } catch (error) {
    return refused('unparseable', `The playlist could not be parsed: ${(error as Error).message}`)
  }
  if (raw.hasVariants) return readMasterPlaylist(manifest, raw, path)
  return readMediaPlaylist(manifest, raw, path, options.fileSizes)
}

/** Whether a path names a playlist (served free, read by the model) rather than media. */
export function isPlaylistPath(path: string): boolean {
  return path.toLowerCase().endsWith('.m3u8')
}
