// LL-HLS parts (EXT-X-PART) of one segment, or of the segment still being written. A part is priced by its own
// duration; it lies inside its parent segment when both are in the same resource (path and query). A group of parts
// stands or falls together: the rule "all parts paid = the segment paid" needs every part of the segment.
import type { ParsedPart } from 'm3u8-parser'
import { rangeContains } from './byte-range.ts'
import { durationProblem } from './durations.ts'
import { entryKey, type FileSizes } from './entry-key.ts'
import type { RawPart } from './line-reader.ts'
import type { Part } from './playlist-model.ts'
import { formatSegmentKey, resourceOf, type SegmentKey } from './segment-key.ts'

/** Parts and their segment may disagree by this much in total (packagers round each duration on its own). */
export const PARTS_SUM_TOLERANCE_SECONDS = 0.1

export interface PartGroup {
  parsed: ParsedPart[]
  raw: RawPart[]
  parentSequence: number
  /** The listed segment they belong to, or null for the one being written. */
  parent: { id: string; key: SegmentKey; duration: number } | null
  start: number
  /** The part before this group, for an omitted byte range offset. */
  previous: SegmentKey | null
}

export interface PartContext {
  playlistPath: string
  partTarget: number
  fileSizes: FileSizes | undefined
}

export type PartsResult = { ok: true; parts: Part[] } | { ok: false; code: 'bad_part' | 'parts_mismatch'; message: string; line: number | null }

function containedInParent(key: SegmentKey, parent: PartGroup['parent']): boolean {
  if (!parent || resourceOf(parent.key) !== resourceOf(key) || parent.key.range === null) return true
  return key.range !== null && rangeContains(parent.key.range, key.range)
}

export function readParts(group: PartGroup, context: PartContext): PartsResult {
  if (group.parsed.length !== group.raw.length) return { ok: false, code: 'bad_part', message: 'An EXT-X-PART tag has no attributes.', line: group.raw[0]?.line ?? null }
  const parts: Part[] = []
  let previous = group.previous
  let start = group.start
  for (const [index, parsed] of group.parsed.entries()) {
    const line = group.raw[index].line
    const what = `Part ${index} of segment ${group.parentSequence}`
    const problem = durationProblem(parsed.duration, context.partTarget, what)
    if (problem) return { ok: false, code: 'bad_part', message: problem.message, line }
    const key = entryKey({ uri: parsed.uri, range: group.raw[index].byterange, previous }, context.playlistPath, context.fileSizes)
    if (!key.ok) return { ok: false, code: 'bad_part', message: `${what}: ${key.message}`, line }
    if (!containedInParent(key.key, group.parent)) return { ok: false, code: 'bad_part', message: `${what} is not inside its segment's byte range.`, line }
    const duration = parsed.duration as number
    parts.push({
      key: key.key,
      id: formatSegmentKey(key.key),
      parent: group.parent?.id ?? null,
      parentSequence: group.parentSequence,
      index,
      duration,
      start,
      independent: parsed.independent === true,
      gap: parsed.gap === true,
    })
    previous = key.key
    start += duration
  }
  if (group.parent && parts.length > 0) {
    const sum = parts.reduce((total, part) => total + part.duration, 0)
    if (Math.abs(sum - group.parent.duration) > PARTS_SUM_TOLERANCE_SECONDS) {
      return { ok: false, code: 'parts_mismatch', message: `The parts of segment ${group.parentSequence} last ${sum.toFixed(3)} s, but the segment lasts ${group.parent.duration} s.`, line: group.raw[0].line }
    }
  }
  return { ok: true, parts }
}
