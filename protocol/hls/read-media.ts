// A media playlist read into priced facts. m3u8-parser supplies the structure (URIs, keys, maps, discontinuities,
// program date times, parts, server control); the line reader supplies what must be read strictly (durations, byte
// ranges, line numbers). Every problem becomes a PlaylistIssue (see playlist-issues.ts for refused vs skipped).
import type { ParsedManifest, ParsedSegment } from 'm3u8-parser'
import { durationProblem } from './durations.ts'
import { entryKey, resourceKey, type FileSizes } from './entry-key.ts'
import type { RawLines } from './line-reader.ts'
import { readParts } from './media-parts.ts'
import { isRefusal, playlistIssue, type PlaylistIssue } from './playlist-issues.ts'
import type { LowLatency, MediaPlaylist, MediaSegment, Part, PlaybackKind, PreloadHint, TimelineBasis } from './playlist-model.ts'
import { formatSegmentKey, type SegmentKey } from './segment-key.ts'
import { findOverlaps } from './span-check.ts'

export type MediaReading = { ok: true; playlist: MediaPlaylist; issues: PlaylistIssue[] } | { ok: false; issues: PlaylistIssue[] }

function playbackOf(type: string | undefined): PlaybackKind {
  return type === 'VOD' ? 'vod' : type === 'EVENT' ? 'event' : 'live'
}

function lowLatencyOf(manifest: ParsedManifest): LowLatency | null {
  const partTarget = manifest.partInf?.partTarget
  if (!(typeof partTarget === 'number' && partTarget > 0)) return null
  const control = manifest.serverControl
  return { partTarget, partHoldBack: control?.partHoldBack ?? null, canBlockReload: control?.canBlockReload === true }
}

/** Resolves each EXT-X-MAP and EXT-X-KEY once (many segments share one), reporting a bad one once. */
class SharedEntries {
  private readonly inits = new Map<number, SegmentKey | null>()
  private readonly keys = new Map<string, SegmentKey | null>()
  constructor(private readonly raw: RawLines, private readonly path: string, private readonly fileSizes: FileSizes | undefined, private readonly issues: PlaylistIssue[]) {}

  /** The init segment of map tag `index`; null when there is none or it is not on this host. */
  init(index: number | null, map: ParsedSegment['map']): SegmentKey | null {
    if (index === null || !map) return null
    if (!this.inits.has(index)) {
      const { line, byterange } = this.raw.maps[index]
      const key = entryKey({ uri: map.uri, range: byterange, previous: null, offsetDefaultsToZero: true }, this.path, this.fileSizes)
      if (!key.ok) this.issues.push(playlistIssue(key.code === 'foreign_uri' ? 'foreign_uri' : 'bad_map', `EXT-X-MAP: ${key.message}`, line))
      this.inits.set(index, key.ok ? key.key : null)
    }
    return this.inits.get(index) ?? null
  }

  /** The key file of a segment; null when it is clear or the key is not on this host. */
  keyFile(segment: Partial<ParsedSegment>): SegmentKey | null {
    const uri = segment.key?.uri
    if (uri === undefined) return null
    if (!this.keys.has(uri)) {
      const key = resourceKey(uri, this.path)
      if (!key.ok) this.issues.push(playlistIssue(key.code === 'foreign_uri' ? 'foreign_uri' : 'bad_key', `EXT-X-KEY: ${key.message}`))
      this.keys.set(uri, key.ok ? key.key : null)
    }
    return this.keys.get(uri) ?? null
  }

  initSegments(): SegmentKey[] {
    return unique(this.inits.values())
  }

  keyFiles(): SegmentKey[] {
    return unique(this.keys.values())
  }
}

/** Each key once (several tags may name one file). */
function unique(keys: Iterable<SegmentKey | null>): SegmentKey[] {
  const byId = new Map<string, SegmentKey>()
  for (const key of keys) if (key) byId.set(formatSegmentKey(key), key)
  return [...byId.values()]
}

function timelineOf(playback: PlaybackKind, firstSequence: number, segments: ParsedSegment[]): TimelineBasis {
  if (segments.length > 0 && segments.every((segment) => Number.isFinite(segment.programDateTime))) return 'program-date-time'
  return playback !== 'live' || firstSequence === 0 ? 'stream' : 'window'
}

function hintsOf(manifest: ParsedManifest, raw: RawLines, path: string, issues: PlaylistIssue[]): PreloadHint[] {
  const parsed = manifest.preloadSegment?.preloadHints ?? []
  return raw.preloadHints.flatMap((hint, index) => {
    const type = parsed[index]?.type
    const resource = resourceKey(parsed[index]?.uri ?? '', path)
    if ((type !== 'PART' && type !== 'MAP') || !resource.ok || hint.start === 'bad' || hint.length === 'bad' || hint.length === 0) {
      issues.push(playlistIssue('bad_preload_hint', 'EXT-X-PRELOAD-HINT needs TYPE=PART or MAP, a URI on this host and whole-byte BYTERANGE-START/LENGTH.', hint.line))
      return []
    }
    return [{ type, path: resource.key.path, query: resource.key.query, start: hint.start, length: hint.length }]
  })
}

export function readMediaPlaylist(manifest: ParsedManifest, raw: RawLines, path: string, fileSizes?: FileSizes): MediaReading {
  const issues: PlaylistIssue[] = []
  const targetDuration = manifest.targetDuration
  if (!(typeof targetDuration === 'number' && targetDuration > 0)) {
    return { ok: false, issues: [playlistIssue('missing_target_duration', 'A media playlist needs #EXT-X-TARGETDURATION with a positive whole number of seconds.')] }
  }
  for (const line of raw.keysWithoutUri) issues.push(playlistIssue('bad_key', 'EXT-X-KEY encrypts the segments after it but names no key URI.', line))
  const playback = playbackOf(manifest.playlistType)
  const lowLatency = lowLatencyOf(manifest)
  const partContext = { playlistPath: path, partTarget: lowLatency?.partTarget ?? targetDuration, fileSizes }
  const parsedSegments = manifest.segments ?? []
  // m3u8-parser only lists segments once it has seen an #EXTINF; without any, every segment is skipped below anyway.
  if (parsedSegments.length !== raw.segments.length && raw.segments.some((segment) => segment.duration !== 'missing')) {
    return { ok: false, issues: [playlistIssue('unparseable', `The playlist's ${raw.segments.length} segment lines could not be matched to its tags.`)] }
  }
  const mediaSequence = manifest.mediaSequence ?? 0
  const firstSequence = mediaSequence + (manifest.skip?.skippedSegments ?? 0)
  const timeline = timelineOf(playback, firstSequence, parsedSegments)
  const shared = new SharedEntries(raw, path, fileSizes, issues)
  const segments: MediaSegment[] = []
  let previousRange: SegmentKey | null = null
  let previousPart: SegmentKey | null = null
  let clock = 0

  raw.segments.forEach((rawSegment, index) => {
    const parsed: ParsedSegment = parsedSegments[index] ?? { uri: '', duration: 0 }
    const sequence = firstSequence + index
    const line = rawSegment.line
    const start = timeline === 'program-date-time' ? (parsed.programDateTime as number) / 1000 : clock
    const durationIssue = durationProblem(rawSegment.duration, targetDuration, `Segment ${sequence} (${parsed.uri})`)
    // A segment left out still takes its place on the timeline, at the target duration when its own is unusable.
    clock = start + (durationIssue ? targetDuration : (rawSegment.duration as number))
    const key = entryKey({ uri: parsed.uri, range: rawSegment.byterange, previous: previousRange }, path, fileSizes)
    previousRange = key.ok ? key.key : null
    const init = shared.init(rawSegment.map, parsed.map)
    const keyFile = shared.keyFile(parsed)
    if (durationIssue) return void issues.push(playlistIssue(durationIssue.code, durationIssue.message, line))
    if (!key.ok) return void issues.push(playlistIssue(key.code, `Segment ${sequence}: ${key.message}`, line))
    const duration = rawSegment.duration as number
    const id = formatSegmentKey(key.key)
    const parts = readParts({ parsed: parsed.parts ?? [], raw: rawSegment.parts, parentSequence: sequence, parent: { id, key: key.key, duration }, start, previous: previousPart }, partContext)
    previousPart = parts.ok ? (parts.parts.at(-1)?.key ?? previousPart) : null
    if (!parts.ok) return void issues.push(playlistIssue(parts.code, parts.message, parts.line))
    segments.push({
      key: key.key,
      id,
      sequence,
      duration,
      start,
      discontinuity: parsed.discontinuity === true,
      discontinuitySequence: parsed.timeline ?? manifest.discontinuitySequence ?? 0,
      programDateTime: Number.isFinite(parsed.programDateTime) ? (parsed.programDateTime as number) : null,
      init,
      keyFile,
      encrypted: parsed.key !== undefined,
      parts: parts.parts,
    })
  })

  let pendingParts: Part[] = []
  const pending = manifest.preloadSegment
  if (raw.pendingParts.length > 0 && pending) {
    const parts = readParts({ parsed: pending.parts ?? [], raw: raw.pendingParts, parentSequence: firstSequence + raw.segments.length, parent: null, start: clock, previous: previousPart }, partContext)
    if (parts.ok) pendingParts = parts.parts
    else issues.push(playlistIssue(parts.code, parts.message, parts.line))
    shared.init(raw.maps.length > 0 ? raw.maps.length - 1 : null, pending.map)
  }

  const initSegments = shared.initSegments()
  const keyFiles = shared.keyFiles()
  issues.push(...findOverlaps({ segments, pendingParts, initSegments, keyFiles }))
  if (parsedSegments.some((segment) => segment.programDateTime !== undefined && !Number.isFinite(segment.programDateTime))) {
    issues.push(playlistIssue('bad_program_date_time', 'An EXT-X-PROGRAM-DATE-TIME is not an ISO 8601 date; start times count from the first segment instead.'))
  }
  if ((raw.segments.length > 0 || manifest.endList) && segments.length === 0 && pendingParts.length === 0) {
    issues.push(playlistIssue('nothing_usable', 'The playlist lists no usable media segment.'))
  }
  if (isRefusal(issues)) return { ok: false, issues }
  const playlist: MediaPlaylist = {
    kind: 'media',
    path,
    playback,
    ended: manifest.endList === true,
    targetDuration,
    mediaSequence,
    discontinuitySequence: manifest.discontinuitySequence ?? 0,
    timeline,
    segments,
    pendingParts,
    preloadHints: hintsOf(manifest, raw, path, issues),
    initSegments,
    keyFiles,
    lowLatency,
    duration: segments.reduce((sum, segment) => sum + segment.duration, 0),
  }
  return { ok: true, playlist, issues }
}
