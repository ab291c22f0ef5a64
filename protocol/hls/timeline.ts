// Start times of a live playlist without EXT-X-PROGRAM-DATE-TIME count from the first segment of the current window,
// which moves at every reload. Carrying an earlier reading forward (same media sequence numbers, same start) keeps a
// segment's media time fixed for as long as the host watches the stream, so renditions stay comparable.
import type { MediaPlaylist, Part } from './playlist-model.ts'

function shiftParts(parts: Part[], by: number): Part[] {
  return parts.map((part) => ({ ...part, start: part.start + by }))
}

/** `next` with start times on `previous`'s timeline when they share a segment; otherwise `next` unchanged. */
export function continueTimeline(previous: MediaPlaylist, next: MediaPlaylist): MediaPlaylist {
  if (next.timeline !== 'window') return next
  const starts = new Map(previous.segments.map((segment) => [segment.sequence, segment.start]))
  const anchor = next.segments.find((segment) => starts.has(segment.sequence))
  if (!anchor) return next
  const by = (starts.get(anchor.sequence) as number) - anchor.start
  return {
    ...next,
    timeline: previous.timeline,
    segments: next.segments.map((segment) => ({ ...segment, start: segment.start + by, parts: shiftParts(segment.parts, by) })),
    pendingParts: shiftParts(next.pendingParts, by),
  }
}
