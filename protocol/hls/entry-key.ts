// The SegmentKey of one playlist entry (a segment, a part, an init segment, a key file): its URI resolved on this host
// (never a playlist's path: those are served as playlists), its query checked (segment-query.ts), and its
// EXT-X-BYTERANGE turned into inclusive bytes. An offset left out continues right after the previous range, and only
// of the same resource, as RFC 8216 §4.3.2.2 requires (m3u8-parser would continue any file).
import { rangeFromLength } from './byte-range.ts'
import type { RawRange } from './line-reader.ts'
import type { PlaylistIssueCode } from './playlist-issues.ts'
import { isPlaylistPath } from './playlist-path.ts'
import { resourceOf, type SegmentKey } from './segment-key.ts'
import { queryProblem } from './segment-query.ts'
import { resolveUri } from './uri.ts'

export type KeyResult = { ok: true; key: SegmentKey } | { ok: false; code: PlaylistIssueCode; message: string }

/** The sizes of the resources (resourceOf: path and query) the reader may check ranges against; undefined where unknown. */
export type FileSizes = (resource: string) => number | undefined

export interface EntrySource {
  uri: string | undefined
  range: RawRange
  /** The range of the entry before it, when it had one: where an omitted offset continues from. */
  previous: SegmentKey | null
  /** An omitted offset means 0 (EXT-X-MAP) instead of "after the previous range". */
  offsetDefaultsToZero?: boolean
}

/** The whole resource a URI names: its path on this host and its query. */
export function resourceKey(uri: string, playlistPath: string): KeyResult {
  const resolved = resolveUri(uri, playlistPath)
  if (!resolved.ok) return resolved
  if (isPlaylistPath(resolved.path)) return { ok: false, code: 'bad_uri', message: `${uri} names a playlist, which the paywall serves as a playlist, never as media.` }
  const problem = resolved.query === null ? null : queryProblem(resolved.query)
  if (problem) return { ok: false, code: 'bad_uri', message: `The query of ${uri} ${problem}.` }
  return { ok: true, key: { path: resolved.path, query: resolved.query, range: null } }
}

export function entryKey(source: EntrySource, playlistPath: string, fileSizes: FileSizes | undefined): KeyResult {
  if (!source.uri) return { ok: false, code: 'bad_uri', message: 'The entry has no URI.' }
  const whole = resourceKey(source.uri, playlistPath)
  if (!whole.ok || source.range === null) return whole
  if (source.range === 'bad') return { ok: false, code: 'bad_byterange', message: `The byte range of ${source.uri} is not LENGTH[@OFFSET] in whole bytes.` }
  const resource = resourceOf(whole.key)
  let offset = source.range.offset
  if (offset === null && source.offsetDefaultsToZero) offset = 0
  if (offset === null) {
    const previous = source.previous
    if (previous === null || resourceOf(previous) !== resource || previous.range === null) {
      return { ok: false, code: 'implicit_offset', message: `The byte range of ${source.uri} has no offset, and the entry before it is not a range of the same file.` }
    }
    offset = previous.range.end + 1
  }
  const range = rangeFromLength(offset, source.range.length)
  if (!range) return { ok: false, code: 'bad_byterange', message: `The byte range of ${source.uri} is empty or too large.` }
  const size = fileSizes?.(resource)
  if (size !== undefined && range.end >= size) {
    return { ok: false, code: 'range_past_end', message: `Bytes ${range.start}-${range.end} of ${resource} lie past the end of the file (${size} bytes).` }
  }
  return { ok: true, key: { ...whole.key, range } }
}
