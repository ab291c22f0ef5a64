// Everything a set of playlists lists, as one Catalog: the host's paywall keeps one for all it serves, each player
// and fleet viewer one for what it plays, and both fill it from the same readings with the same rules, so they agree
// on every key, duration, media time and role. Each media playlist keeps its latest reading (on a timeline carried
// across live reloads) and, bounded, the entries that recently left its window: a segment that has just slid out of a
// live window can still be paid for and served, and the parts of older LL-HLS segments stay linked to them. No kept
// entry may share bytes with a listed one other than its own segment (a file packaged again in place must not be sold
// by its old cuts).
// A playlist that lists one key several times (an ad loop, an interstitial, a segment repeated after a discontinuity)
// lists one entry: the same bytes, paid once, then replayed free. It lasts its shortest listing (the bytes hold one
// stretch of media, whatever each #EXTINF rounds it to; so a viewer never pays for more than any listing says it holds)
// and starts at its first.
// One file may play several roles (a segment here, an init segment, key file or free preview there): every playlist's
// listing of an entry is kept, whichever was read first or last, and the charge rules price the dearest
// (entry-charge.ts). Trick-play playlists are kept too: what a viewer paid for in one before a master said so stays
// its own. Masters' EXT-X-DEFINE variables are kept for the media playlists that IMPORT them. Pure: readings in,
// lookups out; no I/O.
import { rangesOverlap } from './byte-range.ts'
import type { Catalog, CatalogEntry } from './catalog.ts'
import type { MediaPlaylist, Part, Playlist } from './playlist-model.ts'
import { PlaylistRoles, type PlaylistRole } from './programme.ts'
import { formatSegmentKey, resourceOf } from './segment-key.ts'
import { placeOnTimeline } from './timeline.ts'

export interface IndexedEntry extends CatalogEntry {
  /** The media playlist that lists it. */
  playlist: string
}

/** Entries that left a playlist's window stay known this long (counted in entries, parts included). */
export const RETAINED_ENTRIES = 256

const WHOLE = { start: 0, end: Number.POSITIVE_INFINITY }

interface Listing {
  reading: MediaPlaylist
  entries: Map<string, IndexedEntry>
  /** Entries no longer listed, oldest first. */
  retained: IndexedEntry[]
}

function partEntry(part: Part, playlist: string): IndexedEntry {
  return { id: part.id, key: part.key, kind: 'part', duration: part.duration, start: part.start, parent: part.parent, parts: [], playlist }
}

function entriesOf(reading: MediaPlaylist): IndexedEntry[] {
  const playlist = reading.path
  const free = (kind: 'init' | 'keyfile', key: IndexedEntry['key']): IndexedEntry => ({ id: formatSegmentKey(key), key, kind, duration: 0, start: 0, parent: null, parts: [], playlist })
  return [
    ...reading.segments.flatMap((segment) => [
      { id: segment.id, key: segment.key, kind: 'segment' as const, duration: segment.duration, start: segment.start, parent: null, parts: segment.parts.map((part) => part.id), playlist },
      ...segment.parts.map((part) => partEntry(part, playlist)),
    ]),
    ...reading.pendingParts.map((part) => partEntry(part, playlist)),
    ...reading.initSegments.map((init) => free('init', init)),
    ...reading.keyFiles.map((key) => free('keyfile', key)),
  ]
}

/** An entry as one playlist lists it. */
function listingKey(entry: IndexedEntry): string {
  return `${entry.playlist}\n${entry.id}`
}

/** One entry listed again in the same reading: its shortest duration from its first place, its parts kept. */
function listedAgain(first: IndexedEntry, again: IndexedEntry): IndexedEntry {
  return { ...first, duration: Math.min(first.duration, again.duration), parent: first.parent ?? again.parent, parts: first.parts.length > 0 ? first.parts : again.parts }
}

export class MediaIndex implements Catalog {
  private readonly listings = new Map<string, Listing>()
  private readonly roles = new PlaylistRoles()
  /** Each entry's listings, by playlist. */
  private readonly byId = new Map<string, Map<string, IndexedEntry>>()
  /** Each file's listings, by listingKey. */
  private readonly byFile = new Map<string, Map<string, IndexedEntry>>()
  private readonly sortedFiles = new Map<string, IndexedEntry[]>()
  /** Each master's EXT-X-DEFINE variables. */
  private readonly variables = new Map<string, ReadonlyMap<string, string>>()

  /** Takes in one reading. */
  learn(playlist: Playlist): void {
    if (playlist.kind === 'master') {
      this.variables.set(playlist.path, playlist.variables)
      return this.roles.learn(playlist)
    }
    const previous = this.listings.get(playlist.path)
    const reading = placeOnTimeline(previous?.reading, playlist)
    const entries = new Map<string, IndexedEntry>()
    for (const entry of entriesOf(reading)) {
      const first = entries.get(entry.id)
      entries.set(entry.id, first ? listedAgain(first, entry) : entry)
    }
    // LL-HLS playlists stop listing the parts of older segments: the links between them are kept.
    for (const [id, entry] of entries) {
      const earlier = previous?.entries.get(id) ?? previous?.retained.find((old) => old.id === id)
      if (earlier) entries.set(id, { ...entry, parent: entry.parent ?? earlier.parent, parts: entry.parts.length > 0 ? entry.parts : earlier.parts })
    }
    const listed = [...entries.values()]
    // Only a part may share bytes with its own segment (the playlist stops listing a segment's parts, not its bytes).
    const clashes = (entry: IndexedEntry, other: IndexedEntry) =>
      resourceOf(other.key) === resourceOf(entry.key) && other.id !== entry.parent && rangesOverlap(other.key.range ?? WHOLE, entry.key.range ?? WHOLE)
    const stillValid = (entry: IndexedEntry) => !entries.has(entry.id) && !listed.some((other) => clashes(entry, other))
    const left = previous ? [...previous.retained, ...previous.entries.values()].filter(stillValid) : []
    const retained = left.slice(Math.max(0, left.length - RETAINED_ENTRIES))
    this.replace(playlist.path, previous, { reading, entries, retained })
  }

  /** One listing of an entry: the first playlist's (by path) that does not list it as trick play. */
  get(id: string): IndexedEntry | undefined {
    const listings = this.listingsOf(id)
    return listings.find((entry) => this.roleOf(entry.playlist).kind !== 'trick_play') ?? listings[0]
  }

  /** Every playlist's listing of an entry (its roles), by playlist path. */
  listingsOf(id: string): IndexedEntry[] {
    return [...(this.byId.get(id)?.values() ?? [])].sort((a, b) => (a.playlist < b.playlist ? -1 : 1))
  }

  inFile(path: string): readonly IndexedEntry[] {
    let sorted = this.sortedFiles.get(path)
    if (!sorted) {
      sorted = [...(this.byFile.get(path)?.values() ?? [])].sort((a, b) => (a.key.range?.start ?? 0) - (b.key.range?.start ?? 0))
      this.sortedFiles.set(path, sorted)
    }
    return sorted
  }

  /** The latest reading of a media playlist, on its carried timeline. */
  mediaPlaylist(path: string): MediaPlaylist | undefined {
    return this.listings.get(path)?.reading
  }

  roleOf(path: string): PlaylistRole {
    return this.roles.roleOf(path)
  }

  /** The stream an entry belongs to: the first master listing its playlist, or the playlist itself. */
  streamOf(id: string): string | null {
    const playlist = this.get(id)?.playlist
    return playlist === undefined ? null : (this.roles.mastersOf(playlist)[0] ?? playlist)
  }

  /** The masters that list a media playlist. */
  mastersOf(path: string): string[] {
    return this.roles.mastersOf(path)
  }

  /**
   * The variables a media playlist may IMPORT: those the masters that list it define. A name the masters give
   * different values is ambiguous, and importable from none.
   */
  importsFor(path: string): Map<string, string> {
    const values = new Map<string, string | null>()
    for (const master of this.mastersOf(path)) {
      for (const [name, value] of this.variables.get(master) ?? []) values.set(name, values.has(name) && values.get(name) !== value ? null : value)
    }
    return new Map([...values].filter((pair): pair is [string, string] => pair[1] !== null))
  }

  /** Drops a playlist's reading (a master: the roles and variables it gave) and its entries; other playlists' listings stay. */
  forget(path: string): void {
    this.roles.forget(path)
    this.variables.delete(path)
    const listing = this.listings.get(path)
    if (listing) this.replace(path, listing, null)
  }

  private replace(path: string, previous: Listing | undefined, next: Listing | null): void {
    const kept = new Set(next ? [...next.entries.keys(), ...next.retained.map((entry) => entry.id)] : [])
    for (const entry of previous ? [...previous.entries.values(), ...previous.retained] : []) if (!kept.has(entry.id)) this.unindex(entry)
    if (next) {
      this.listings.set(path, next)
      for (const entry of [...next.retained, ...next.entries.values()]) this.index(entry)
    } else this.listings.delete(path)
  }

  private index(entry: IndexedEntry): void {
    let listings = this.byId.get(entry.id)
    if (!listings) this.byId.set(entry.id, (listings = new Map()))
    listings.set(entry.playlist, entry)
    let file = this.byFile.get(entry.key.path)
    if (!file) this.byFile.set(entry.key.path, (file = new Map()))
    file.set(listingKey(entry), entry)
    this.sortedFiles.delete(entry.key.path)
  }

  private unindex(entry: IndexedEntry): void {
    const listings = this.byId.get(entry.id)
    listings?.delete(entry.playlist)
    if (listings?.size === 0) this.byId.delete(entry.id)
    const file = this.byFile.get(entry.key.path)
    file?.delete(listingKey(entry))
    if (file?.size === 0) this.byFile.delete(entry.key.path)
    this.sortedFiles.delete(entry.key.path)
  }
}
