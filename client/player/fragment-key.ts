// The canonical key (protocol/hls/segment-key.ts) of what hls.js asks a loader for: the URL's path on the host,
// decoded as the host decodes it, and the byte range hls.js gives with its end exclusive. The range is taken from
// the fragment or part itself where hls.js has it: for AES-128 init segments it widens the request to whole blocks.
import { formatSegmentKey, isKeyPath } from '../../protocol/hls/segment-key.ts'

/** hls.js's byte range: `end` exclusive; absent, or 0-0, for a whole file. */
export interface HlsByteRange {
  start: number | undefined
  end: number | undefined
}

/** null: a URL the host could not have listed (another scheme, a hidden or odd path). */
export function segmentKeyOf(url: string, base: string, range: HlsByteRange): string | null {
  let path: string
  try {
    path = decodeURIComponent(new URL(url, base).pathname)
  } catch {
    return null
  }
  if (!isKeyPath(path)) return null
  const { start, end } = range
  const ranged = start !== undefined && end !== undefined && Number.isSafeInteger(start) && Number.isSafeInteger(end) && end > start
  return formatSegmentKey({ path, range: ranged ? { start, end: end - 1 } : null })
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
