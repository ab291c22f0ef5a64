// A media segment is identified by its file, its query when the packager tells files apart by it, and, when a playlist
// cuts the file into EXT-X-BYTERANGEs, by its bytes: every segment of `-hls_flags single_file` has the same path, and
// every fragment of AWS Kinesis Video the same path and another query, so a path alone would let one payment open them
// all.
//
// One canonical string form serves the wire (payments name what they pay for) and the store, read like a URL:
//   /media/show/360p/seg_00003.ts                           a whole file
//   /media/show/360p/index.mp4#bytes=1325-77809             bytes 1325 to 77809 of a file, both inclusive
//   /media/kvs/getMP4MediaFragment.mp4?FragmentNumber=91    the whole file an origin answers that query with
// Why this form: a whole-file key is exactly the path the gate and the store already use, so existing records stay
// valid; the query is the request's own (segment-query.ts); `#` never reaches a server in a URL, so the suffix cannot
// be mistaken for a requested path; and the inclusive `bytes=a-b` reads like the HTTP Range header the gate compares it
// with (HLS's own `length@offset` is written the other way round and would invite mistakes). The path is the decoded
// path on this host; a path that contains `#`, `?`, `%`, a backslash, a control character, or a `.`-leading or empty
// part is refused, which keeps the form unambiguous (the first `?` starts the query, the first `#` the range), and is
// the gate's own check of a requested path: decoded once, nothing left in it can turn into a query, a fragment, an
// escape or a dot-segment when it is put in an origin's URL.
import { isByteRange, type ByteRange } from './byte-range.ts'
import { isKeyQuery, QUERY_MAX_LENGTH } from './segment-query.ts'

export interface SegmentKey {
  /** Decoded absolute path on this host, e.g. /media/show/360p/index.ts. */
  path: string
  /** The URL's query, as browsers send it and without its `?` (segment-query.ts); null for none. */
  query: string | null
  /** The bytes of the file it covers; null for the whole file. */
  range: ByteRange | null
}

/** The longest path a key names. */
export const SEGMENT_KEY_MAX_LENGTH = 2048
/** The longest canonical string: a path, its query and a range. */
export const SEGMENT_ID_MAX_LENGTH = SEGMENT_KEY_MAX_LENGTH + 1 + QUERY_MAX_LENGTH + 40

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

/** What an origin is asked for: the path and its query, `/media/a.mp4?n=1`. Entries of one resource share bytes. */
export function resourceOf(key: Pick<SegmentKey, 'path' | 'query'>): string {
  return key.query === null ? key.path : `${key.path}?${key.query}`
}

export function formatSegmentKey(key: SegmentKey): string {
  if (!isKeyPath(key.path)) throw new RangeError(`Not a segment path: ${JSON.stringify(key.path)}`)
  if (key.query !== null && !isKeyQuery(key.query)) throw new RangeError(`Not a segment query: ${JSON.stringify(key.query)}`)
  if (key.range === null) return resourceOf(key)
  if (!isByteRange(key.range)) throw new RangeError(`Not a byte range: ${JSON.stringify(key.range)}`)
  return `${resourceOf(key)}${RANGE_SUFFIX}${key.range.start}-${key.range.end}`
}

/** The key a canonical string names, or null for anything that formatSegmentKey would not have written. */
export function parseSegmentKey(text: string): SegmentKey | null {
  if (text.length > SEGMENT_ID_MAX_LENGTH) return null
  const hash = text.indexOf('#')
  const resource = hash < 0 ? text : text.slice(0, hash)
  const mark = resource.indexOf('?')
  const path = mark < 0 ? resource : resource.slice(0, mark)
  const query = mark < 0 ? null : resource.slice(mark + 1)
  if (!isKeyPath(path) || (query !== null && !isKeyQuery(query))) return null
  if (hash < 0) return { path, query, range: null }
  if (!text.startsWith(RANGE_SUFFIX, hash)) return null
  const [first, last, ...rest] = text.slice(hash + RANGE_SUFFIX.length).split('-')
  if (rest.length > 0 || !DECIMAL.test(first ?? '') || !DECIMAL.test(last ?? '')) return null
  const range = { start: Number(first), end: Number(last) }
  return isByteRange(range) ? { path, query, range } : null
}
