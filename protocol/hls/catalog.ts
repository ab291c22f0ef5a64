// Everything priced or free that the host's playlists list, by id (the canonical SegmentKey string) and by file.
// The gate asks it which entries a request's bytes fall in; the LL-HLS rule asks it how parts and segments relate.
// The paywall's book may keep its own store and implement Catalog; catalogOf() builds one from playlist readings.
import type { MediaPlaylist, Part } from './playlist-model.ts'
import { formatSegmentKey, type SegmentKey } from './segment-key.ts'

export type EntryKind = 'segment' | 'part' | 'init' | 'key'

export interface CatalogEntry {
  id: string
  key: SegmentKey
  kind: EntryKind
  /** Seconds of media; 0 for init segments and key files. */
  duration: number
  /** Media time at which it starts (see MediaPlaylist.timeline); 0 for init segments and key files. */
  start: number
  /** A part's segment, once that segment is listed. */
  parent: string | null
  /** A segment's parts, in order (empty without LL-HLS). */
  parts: readonly string[]
}

export interface Catalog {
  get(id: string): CatalogEntry | undefined
  /**
   * The entries of one path, whatever their query, ordered by their first byte (a whole-file entry starts at 0): every
   * listing of each, so an entry several playlists list is there once per playlist.
   */
  inFile(path: string): readonly CatalogEntry[]
}

/** Which ids a channel has paid for. */
export interface PaidKeys {
  has(id: string): boolean
}

function partEntry(part: Part): CatalogEntry {
  return { id: part.id, key: part.key, kind: 'part', duration: part.duration, start: part.start, parent: part.parent, parts: [] }
}

function freeEntry(kind: 'init' | 'key', key: SegmentKey): CatalogEntry {
  return { id: formatSegmentKey(key), key, kind, duration: 0, start: 0, parent: null, parts: [] }
}

/**
 * The entries of several playlists (or several readings of one live playlist, oldest first). A later reading wins,
 * except that part links are kept: LL-HLS playlists stop listing the parts of older segments.
 */
export function catalogOf(playlists: readonly MediaPlaylist[]): Catalog {
  const byId = new Map<string, CatalogEntry>()
  const add = (entry: CatalogEntry) => {
    const known = byId.get(entry.id)
    byId.set(entry.id, known ? { ...entry, parent: entry.parent ?? known.parent, parts: entry.parts.length > 0 ? entry.parts : known.parts } : entry)
  }
  for (const playlist of playlists) {
    for (const segment of playlist.segments) {
      add({ id: segment.id, key: segment.key, kind: 'segment', duration: segment.duration, start: segment.start, parent: null, parts: segment.parts.map((part) => part.id) })
      for (const part of segment.parts) add(partEntry(part))
    }
    for (const part of playlist.pendingParts) add(partEntry(part))
    for (const init of playlist.initSegments) add(freeEntry('init', init))
    for (const keyFile of playlist.keyFiles) add(freeEntry('key', keyFile))
  }
  const byFile = new Map<string, CatalogEntry[]>()
  for (const entry of byId.values()) {
    const entries = byFile.get(entry.key.path)
    if (entries) entries.push(entry)
    else byFile.set(entry.key.path, [entry])
  }
  for (const entries of byFile.values()) entries.sort((a, b) => (a.key.range?.start ?? 0) - (b.key.range?.start ?? 0))
  return { get: (id) => byId.get(id), inFile: (path) => byFile.get(path) ?? [] }
}

/**
 * Whether an entry's bytes may be sent to a channel that has paid for `paid`. Init segments and key files cost
 * nothing. A segment is released when it is paid, or when all its parts are; a part when it is paid, or its segment is.
 */
export function isReleased(entry: CatalogEntry, paid: PaidKeys): boolean {
  if (entry.kind === 'init' || entry.kind === 'key' || paid.has(entry.id)) return true
  if (entry.kind === 'part') return entry.parent !== null && paid.has(entry.parent)
  return entry.parts.length > 0 && entry.parts.every((part) => paid.has(part))
}
