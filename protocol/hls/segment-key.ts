// A media segment is identified by its file and, when a playlist cuts the file into EXT-X-BYTERANGEs, by its bytes:
// every segment of `-hls_flags single_file` has the same path, so a path alone would let one payment open them all.
//
// One canonical string form serves the wire (payments name what they pay for) and the store:
//   /media/show/360p/seg_00003.ts                 a whole file
//   /media/show/360p/index.mp4#bytes=1325-77809   bytes 1325 to 77809 of a file, both inclusive
// Why this form: a whole-file key is exactly the path the gate and the store already use, so existing records stay
// valid; `#` never reaches a server in a URL, so the suffix cannot be mistaken for a requested path; and the
// inclusive `bytes=a-b` reads like the HTTP Range header the gate compares it with (HLS's own `length@offset` is
// written the other way round and would invite mistakes). The path is the decoded path on this host; a path that
// contains `#`, `?`, `%`, a backslash, a control character, or a `.`-leading or empty part is refused, which keeps the
// form unambiguous, and is the gate's own check of a requested path: decoded once, nothing left in it can turn into a
// query, a fragment, an escape or a dot-segment when it is put in an origin's URL.
import { isByteRange, type ByteRange } from './byte-range.ts'

export interface SegmentKey {
  /** Decoded absolute path on this host, e.g. /media/show/360p/index.ts. */
  path: string
  /** The bytes of the file it covers; null for the whole file. */
  range: ByteRange | null
}

export const SEGMENT_KEY_MAX_LENGTH = 2048

const RANGE_SUFFIX = '#bytes='
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/
const FORBIDDEN = /[#?%\\\u0000-\u001f\u007f]/

/** A decoded absolute path that the gate could serve and a key can name. */
export function isKeyPath(path: string): boolean {
  if (!path.startsWith('/') || path.length > SEGMENT_KEY_MAX_LENGTH || FORBIDDEN.test(path)) return false
  return path
    .slice(1)
    .split('/')
    .every((part) => part.length > 0 && !part.startsWith('.'))
}

export function formatSegmentKey(key: SegmentKey): string {
  if (!isKeyPath(key.path)) throw new RangeError(`Not a segment path: ${JSON.stringify(key.path)}`)
  if (key.range === null) return key.path
  if (!isByteRange(key.range)) throw new RangeError(`Not a byte range: ${JSON.stringify(key.range)}`)
  return `${key.path}${RANGE_SUFFIX}${key.range.start}-${key.range.end}`
}

/** The key a canonical string names, or null for anything that formatSegmentKey would not have written. */
export function parseSegmentKey(text: string): SegmentKey | null {
  if (text.length > SEGMENT_KEY_MAX_LENGTH + 40) return null
  const hash = text.indexOf('#')
  const path = hash < 0 ? text : text.slice(0, hash)
  if (!isKeyPath(path)) return null
  if (hash < 0) return { path, range: null }
  if (!text.startsWith(RANGE_SUFFIX, hash)) return null
  const [first, last, ...rest] = text.slice(hash + RANGE_SUFFIX.length).split('-')
  if (rest.length > 0 || !DECIMAL.test(first ?? '') || !DECIMAL.test(last ?? '')) return null
  const range = { start: Number(first), end: Number(last) }
  return isByteRange(range) ? { path, range } : null
}
