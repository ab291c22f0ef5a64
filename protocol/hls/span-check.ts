// Entries of one playlist must not share bytes, or paying for one would release part of another (and an init segment
// or key file, which is free, would give paid bytes away). The only sharing allowed is a part inside its own segment,
// and an entry listed again with the same key (an ad loop, an interstitial, a segment repeated after a
// discontinuity): the same bytes, one entry, paid once. Bytes are shared within one resource (a path and its query).
import { playlistIssue, type PlaylistIssue } from './playlist-issues.ts'
import type { MediaSegment, Part } from './playlist-model.ts'
import { formatSegmentKey, resourceOf, type SegmentKey } from './segment-key.ts'

interface Span {
  kind: 'segment' | 'part' | 'init segment' | 'key file'
  id: string
  start: number
  end: number
  /** For a part: the id of its segment. */
  parent: string | null
}

export interface PlaylistEntries {
  segments: readonly MediaSegment[]
  pendingParts: readonly Part[]
  initSegments: readonly SegmentKey[]
  keyFiles: readonly SegmentKey[]
}

function span(kind: Span['kind'], key: SegmentKey, parent: string | null = null): [string, Span] {
  const range = key.range ?? { start: 0, end: Number.POSITIVE_INFINITY }
  return [resourceOf(key), { kind, id: formatSegmentKey(key), start: range.start, end: range.end, parent }]
}

function mayShare(a: Span, b: Span): boolean {
  if (a.kind === b.kind && a.kind !== 'segment' && a.kind !== 'part') return true
  return (a.kind === 'part' && a.parent === b.id) || (b.kind === 'part' && b.parent === a.id)
}

/** One issue per resource that has entries sharing bytes. */
export function findOverlaps(entries: PlaylistEntries): PlaylistIssue[] {
  const byResource = new Map<string, Span[]>()
  const listed = new Set<string>()
  const add = ([resource, entry]: [string, Span]) => {
    // The same entry listed again is the same bytes: it shares them with nothing new.
    const again = `${entry.kind}\n${entry.id}\n${entry.parent}`
    if (listed.has(again)) return
    listed.add(again)
    const spans = byResource.get(resource)
    if (spans) spans.push(entry)
    else byResource.set(resource, [entry])
  }
  for (const segment of entries.segments) {
    add(span('segment', segment.key))
    for (const part of segment.parts) add(span('part', part.key, segment.id))
  }
  for (const part of entries.pendingParts) add(span('part', part.key))
  for (const init of entries.initSegments) add(span('init segment', init))
  for (const keyFile of entries.keyFiles) add(span('key file', keyFile))

  const issues: PlaylistIssue[] = []
  for (const spans of byResource.values()) {
    spans.sort((a, b) => a.start - b.start)
    let active: Span[] = []
    for (const current of spans) {
      active = active.filter((other) => other.end >= current.start)
      const other = active.find((candidate) => !mayShare(candidate, current))
      if (other) {
        issues.push(playlistIssue('overlapping_ranges', `The ${current.kind} ${current.id} shares bytes with the ${other.kind} ${other.id}.`))
        break
      }
      active.push(current)
    }
  }
  return issues
}
