// Stretches of a programme's media time, in seconds: what a channel has paid for, merged. Two questions are asked of
// them: whether an entry's media time is paid already (a rendition switch does not sell the same seconds twice), and
// whether a companion (alternate audio, subtitles) lies within what was paid, or at most one of its segments beyond.

export interface MediaSpan {
  start: number
  /** Exclusive. */
  end: number
}

/** Durations are rounded by packagers; boundaries this close are the same instant. */
export const TIME_TOLERANCE_SECONDS = 0.001

/** Sorted, with overlapping and touching spans joined. */
export function mergeSpans(spans: readonly MediaSpan[]): MediaSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start)
  const merged: MediaSpan[] = []
  for (const span of sorted) {
    const last = merged.at(-1)
    if (last && span.start <= last.end + TIME_TOLERANCE_SECONDS) last.end = Math.max(last.end, span.end)
    else merged.push({ ...span })
  }
  return merged
}

/** Every instant of `span` lies in one of the merged spans. */
export function covers(merged: readonly MediaSpan[], span: MediaSpan): boolean {
  return merged.some((paid) => paid.start <= span.start + TIME_TOLERANCE_SECONDS && span.end <= paid.end + TIME_TOLERANCE_SECONDS)
}

/** `span` shares media time with a merged span, or starts less than `ahead` seconds after one ends. */
export function withinReach(merged: readonly MediaSpan[], span: MediaSpan, ahead: number): boolean {
  return merged.some((paid) => span.start < paid.end + ahead - TIME_TOLERANCE_SECONDS && span.end > paid.start + TIME_TOLERANCE_SECONDS)
}
