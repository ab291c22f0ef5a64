// What the paywall has listed: every playlist it serves is read with the HLS model (bounded at MAX_PLAYLIST_BYTES,
// byte ranges checked against the origin's file sizes, variables imported from the masters read) into one MediaIndex,
// the catalog it prices and releases by. A
// playlist the model refuses is not served and changes nothing. The playlists served are remembered in the store and
// read again after a restart, before an entry the host does not know is refused. At most MAX_PLAYLISTS are held:
// past it, the one least recently read or played from is forgotten (read again when asked for).
import { createHash } from 'node:crypto'
import { MediaIndex, type IndexedEntry } from '../../protocol/hls/media-index.ts'
import { MAX_PLAYLIST_BYTES, type PlaylistIssue } from '../../protocol/hls/playlist-issues.ts'
import type { Playlist } from '../../protocol/hls/playlist-model.ts'
import { readHlsPlaylist } from '../../protocol/hls/read-playlist.ts'
import { resourceOf, type SegmentKey } from '../../protocol/hls/segment-key.ts'
import type { Origin } from './origin.ts'

/** How many remembered playlists are read again after a restart. */
export const WARM_PLAYLISTS = 200

/**
 * Playlists (media and master) held at once. A library of a few hundred streams being watched at the same time fits;
 * an origin that answers any name cannot grow the host's memory without end.
 */
export const MAX_PLAYLISTS = 1_000

export type PlaylistRead =
  | { ok: true; text: string }
  | { ok: false; status: number; error: 'not_found' | 'origin_error' | 'playlist_too_large' | 'bad_playlist'; message: string; issues: PlaylistIssue[] }

export interface PlaylistMemory {
  remember(path: string): Promise<void>
  recall(limit: number): Promise<string[]>
}

/** Told of a refused playlist, and of the entries a new reading skips (never served). */
export type ProblemReport = (path: string, message: string) => void

function relativeOf(mediaPath: string): string {
  return mediaPath.replace(/^\/media\//, '')
}

/** Resources (a path and its query) whose entries are byte ranges: their sizes bound the ranges. */
function rangedFiles(playlist: Playlist): SegmentKey[] {
  if (playlist.kind === 'master') return []
  const keys = [...playlist.segments.flatMap((segment) => [segment.key, ...segment.parts.map((part) => part.key)]), ...playlist.pendingParts.map((part) => part.key), ...playlist.initSegments]
  return [...new Map(keys.filter((key) => key.range !== null).map((key) => [resourceOf(key), key])).values()]
}

export class MediaBook {
  readonly index = new MediaIndex()
  /**
   * The digest of each playlist's last text: an unchanged playlist (a VOD every viewer loads) is not read again. In
   * the order of last use, least recent first.
   */
  private readonly digests = new Map<string, string>()
  private warming: Promise<void> | null = null
  private warmedAt = 0

  constructor(
    private readonly origin: Origin,
    private readonly memory: PlaylistMemory,
    private readonly report: ProblemReport,
    /** In a cluster: other instances serve playlists too, so an unknown entry may be read again after this long. */
    private readonly rewarmAfterMs: number | null = null,
  ) {}

  /** Fetches a playlist from the origin and reads it into the index; a refusal says why and changes nothing. */
  async read(mediaPath: string): Promise<PlaylistRead> {
    const fetched = await this.origin.fetchText(relativeOf(mediaPath), MAX_PLAYLIST_BYTES)
    if (fetched.status === 404) return { ok: false, status: 404, error: 'not_found', message: `No such playlist: ${mediaPath}`, issues: [] }
    if (fetched.status === 413) {
      this.report(mediaPath, fetched.body)
      return { ok: false, status: 502, error: 'playlist_too_large', message: `${mediaPath} is refused: ${fetched.body}`, issues: [] }
    }
    if (fetched.status !== 200) return { ok: false, status: fetched.status >= 500 ? fetched.status : 502, error: 'origin_error', message: fetched.body, issues: [] }
    // The variables a media playlist may import are part of what it says: it is read again when they change.
    const imports = this.index.importsFor(mediaPath)
    const digest = createHash('sha256').update(fetched.body).update(JSON.stringify([...imports])).digest('base64')
    if (this.digests.get(mediaPath) === digest) {
      this.used(mediaPath)
      return { ok: true, text: fetched.body }
    }
    let reading = readHlsPlaylist(fetched.body, mediaPath, { imports })
    const files = reading.ok ? rangedFiles(reading.playlist) : []
    if (files.length > 0) {
      const sizes = new Map<string, number>()
      const measured = await Promise.all(files.map(async (key) => [resourceOf(key), await this.origin.size({ path: relativeOf(key.path), query: key.query })] as const))
      for (const [resource, size] of measured) if (size.ok) sizes.set(resource, size.size)
      reading = readHlsPlaylist(fetched.body, mediaPath, { imports, fileSizes: (resource) => sizes.get(resource) })
    }
    if (!reading.ok) {
      const reason = reading.issues.find((issue) => issue.severity === 'refused')
      const message = `${mediaPath} is not served: ${reason?.message ?? 'it could not be read'}`
      this.report(mediaPath, message)
      return { ok: false, status: 502, error: 'bad_playlist', message, issues: reading.issues }
    }
    for (const issue of reading.issues) this.report(mediaPath, `${issue.line ? `line ${issue.line}: ` : ''}${issue.message} Left out: never served.`)
    this.index.learn(reading.playlist)
    // Remembered before the playlist goes out: in a cluster, the viewer's next payment may reach another instance.
    if (!this.digests.has(mediaPath)) await this.memory.remember(mediaPath)
    this.digests.delete(mediaPath)
    this.digests.set(mediaPath, digest)
    for (const [oldest] of this.digests) {
      if (this.digests.size <= MAX_PLAYLISTS) break
      this.digests.delete(oldest)
      this.index.forget(oldest)
    }
    return { ok: true, text: fetched.body }
  }

  /** Entries were asked for: their playlists, and the masters that list them, are in use and forgotten last. */
  played(entries: readonly IndexedEntry[]): void {
    for (const playlist of new Set(entries.map((entry) => entry.playlist))) {
      for (const path of [...this.index.mastersOf(playlist), playlist]) this.used(path)
    }
  }

  private used(path: string): void {
    const digest = this.digests.get(path)
    if (digest === undefined) return
    this.digests.delete(path)
    this.digests.set(path, digest)
  }

  /**
   * After a restart: the playlists served before are read again, once, so their entries can be paid and served. In a
   * cluster, the ones other instances served since are read too, at most once per rewarmAfterMs.
   */
  warm(): Promise<void> {
    const stale = this.rewarmAfterMs !== null && Date.now() - this.warmedAt > this.rewarmAfterMs
    if (this.warming && !stale) return this.warming
    this.warmedAt = Date.now()
    this.warming = this.memory.recall(WARM_PLAYLISTS).then(async (paths) => {
      // Oldest first, so that the latest reading of each playlist wins; failures leave the rest standing.
      for (const path of paths.reverse()) if (!this.digests.has(path)) await this.read(path).catch(() => undefined)
    })
    return this.warming
  }
}
