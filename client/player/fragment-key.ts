// The canonical key (protocol/hls/segment-key.ts) of what hls.js asks a loader for: the URL's path on the host,
// decoded as the host decodes it, its query as the browser sends it (the channel token's parameter taken out, as the
// host takes it out), and the byte range hls.js gives with its end exclusive. The range is taken from the fragment or
// part itself where hls.js has it: for AES-128 init segments it widens the request to whole blocks.
import { formatSegmentKey, isKeyPath } from '../../protocol/hls/segment-key.ts'
import { requestedQuery } from '../../protocol/hls/segment-query.ts'

/** hls.js's byte range: `end` exclusive; absent, or 0-0, for a whole file. */
export interface HlsByteRange {
  start: number | undefined
  end: number | undefined
}

/** null: a URL the host could not have listed (another scheme, a hidden or odd path, an overlong query). */
export function segmentKeyOf(url: string, base: string, range: HlsByteRange): string | null {
  let resolved: URL
  let path: string
  try {
    resolved = new URL(url, base)
    path = decodeURIComponent(resolved.pathname)
  } catch {
    return null
  }
  const query = requestedQuery(resolved.search.slice(1))
  if (!isKeyPath(path) || query === 'bad') return null
  const { start, end } = range
  const ranged = start !== undefined && end !== undefined && Number.isSafeInteger(start) && Number.isSafeInteger(end) && end > start
  return formatSegmentKey({ path, query, range: ranged ? { start, end: end - 1 } : null })
}

interface SegmentLike {
  byteRangeStartOffset?: number
  byteRangeEndOffset?: number
}

/** The byte range of a fragment loader's context: the part's or the fragment's own, else the request's. */
export function rangeOfContext(context: { rangeStart?: number; rangeEnd?: number; frag?: SegmentLike; part?: SegmentLike | null }): HlsByteRange {
  const listed = context.part ?? context.frag
  if (listed?.byteRangeStartOffset !== undefined && listed.byteRangeEndOffset !== undefined) return { start: listed.byteRangeStartOffset, end: listed.byteRangeEndOffset }
  return { start: context.rangeStart, end: context.rangeEnd }
}
