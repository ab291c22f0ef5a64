// Start times of a live playlist without EXT-X-PROGRAM-DATE-TIME count from the first segment of the current window,
// which moves at every reload. Carrying an earlier reading forward (same media sequence numbers, same start) keeps a
// segment's media time fixed for as long as the host watches the stream, so renditions stay comparable.
import type { MediaPlaylist, Part } from './playlist-model.ts'

function shiftParts(parts: Part[], by: number): Part[] {
  return parts.map((part) => ({ ...part, start: part.start + by }))
}

function shifted(playlist: MediaPlaylist, by: number, timeline = playlist.timeline): MediaPlaylist {
  return {
    ...playlist,
    timeline,
    segments: playlist.segments.map((segment) => ({ ...segment, start: segment.start + by, parts: shiftParts(segment.parts, by) })),
    pendingParts: shiftParts(playlist.pendingParts, by),
  }
}

/** `next` with start times on `previous`'s timeline when they share a segment; otherwise `next` unchanged. */
export function continueTimeline(previous: MediaPlaylist, next: MediaPlaylist): MediaPlaylist {
  if (next.timeline !== 'window') return next
  const starts = new Map(previous.segments.map((segment) => [segment.sequence, segment.start]))
  const anchor = next.segments.find((segment) => starts.has(segment.sequence))
  if (!anchor) return next
  return shifted(next, (starts.get(anchor.sequence) as number) - anchor.start, previous.timeline)
}

/**
 * Where a reading's segments lie in media time: carried on from the previous reading when they share a segment;
 * otherwise a window's first segment is placed at its sequence number times the target duration. Renditions of one
 * live stream number their segments alike, so readings taken at different moments (by the host, by each player) land
 * close to each other on one timeline, off by no more than the rounding of the durations that came before.
 */
export function placeOnTimeline(previous: MediaPlaylist | undefined, next: MediaPlaylist): MediaPlaylist {
  if (next.timeline !== 'window') return next
  const continued = previous ? continueTimeline(previous, next) : next
  if (continued !== next) return continued
  const first = next.segments[0] ?? null
  return first ? shifted(next, first.sequence * next.targetDuration - first.start) : next
}
