// The read side of the media model: everything priced or free that playlists list, by id (the canonical SegmentKey
// string) and by file. MediaIndex (media-index.ts) is the one implementation, kept by the host's paywall and by each
// player; the byte-access and charge rules read it through this interface only. The gate asks which entries a
// request's bytes fall in; the LL-HLS rule asks how parts and segments relate.
import type { SegmentKey } from './segment-key.ts'

export type EntryKind = 'segment' | 'part' | 'init' | 'keyfile'

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

/**
 * Whether an entry's bytes may be sent to a channel that has paid for `paid`. Init segments and key files cost
 * nothing. A segment is released when it is paid, or when all its parts are; a part when it is paid, or its segment is.
 */
export function isReleased(entry: CatalogEntry, paid: PaidKeys): boolean {
  if (entry.kind === 'init' || entry.kind === 'keyfile' || paid.has(entry.id)) return true
  if (entry.kind === 'part') return entry.parent !== null && paid.has(entry.parent)
  return entry.parts.length > 0 && entry.parts.every((part) => paid.has(part))
}
