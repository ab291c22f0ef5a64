// A span of bytes in one file with both ends inclusive, the way HTTP's Range and Content-Range count. HLS writes
// "length@offset" instead; playlists are converted once, where they are read, so every rule speaks one form.

export interface ByteRange {
  /** First byte, from 0. */
  start: number
  /** Last byte, inclusive. */
  end: number
}

export function isByteRange(value: ByteRange): boolean {
  return Number.isSafeInteger(value.start) && Number.isSafeInteger(value.end) && value.start >= 0 && value.start <= value.end
}

/** HLS's `length@offset` as a range; null when it names no bytes or leaves the safe integers. */
export function rangeFromLength(offset: number, length: number): ByteRange | null {
  const range = { start: offset, end: offset + length - 1 }
  return length > 0 && isByteRange(range) ? range : null
}

export function rangeLength(range: ByteRange): number {
  return range.end - range.start + 1
}

export function rangesOverlap(a: ByteRange, b: ByteRange): boolean {
  return a.start <= b.end && b.start <= a.end
}

export function rangeContains(outer: ByteRange, inner: ByteRange): boolean {
  return outer.start <= inner.start && inner.end <= outer.end
}
