// Entries of one playlist must not share bytes, or paying for one would release part of another (and an init segment
// or key file, which is free, would give paid bytes away). The only sharing allowed is a part inside its own segment.
import { playlistIssue, type PlaylistIssue } from './playlist-issues.ts'
import type { MediaSegment, Part } from './playlist-model.ts'
import { formatSegmentKey, type SegmentKey } from './segment-key.ts'

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
  keyFiles: readonly string[]
}

function span(kind: Span['kind'], key: SegmentKey, parent: string | null = null): [string, Span] {
  const range = key.range ?? { start: 0, end: Number.POSITIVE_INFINITY }
  return [key.path, { kind, id: formatSegmentKey(key), start: range.start, end: range.end, parent }]
}

function mayShare(a: Span, b: Span): boolean {
  if (a.kind === b.kind && a.kind !== 'segment' && a.kind !== 'part') return true
  return (a.kind === 'part' && a.parent === b.id) || (b.kind === 'part' && b.parent === a.id)
}

/** One issue per file that has entries sharing bytes. */
export function findOverlaps(entries: PlaylistEntries): PlaylistIssue[] {
  const byFile = new Map<string, Span[]>()
  const add = ([path, entry]: [string, Span]) => {
    const spans = byFile.get(path)
    if (spans) spans.push(entry)
    else byFile.set(path, [entry])
  }
  for (const segment of entries.segments) {
    add(span('segment', segment.key))
    for (const part of segment.parts) add(span('part', part.key, segment.id))
  }
  for (const part of entries.pendingParts) add(span('part', part.key))
  for (const init of entries.initSegments) add(span('init segment', init))
  for (const keyFile of entries.keyFiles) add(span('key file', { path: keyFile, range: null }))

  const issues: PlaylistIssue[] = []
  for (const spans of byFile.values()) {
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
