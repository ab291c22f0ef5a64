// The media library as the host's routes and prices read it: scanned at most once per interval, not on every request
// (a scan walks the whole tree), so a stream or a stream.json added by hand shows up within seconds.
import { MEDIA_MOUNT, scanLibrary, type MediaLibrary } from './media-library.ts'

export const LIBRARY_RESCAN_MS = 5_000

export class LibraryCache {
  private scanned: { at: number; library: MediaLibrary } | null = null

  constructor(
    private readonly root: string,
    private readonly rescanMs = LIBRARY_RESCAN_MS,
    private readonly now: () => number = Date.now,
  ) {}

  current(): MediaLibrary {
    const at = this.now()
    if (!this.scanned || at - this.scanned.at >= this.rescanMs) this.scanned = { at, library: scanLibrary(this.root) }
    return this.scanned.library
  }

  /**
   * The library stream a playlist belongs to (decoded paths): itself when it is one, else the stream whose folder
   * holds it, the nearest first (a viewer may load a rendition's playlist without its master); null when none does.
   */
  streamOf(playlist: string): string | null {
    const streams = this.current().streams
    if (streams.some((stream) => stream.path === playlist)) return playlist
    const holders = streams.filter((stream) => stream.folder !== '' && playlist.startsWith(`${MEDIA_MOUNT}/${stream.folder}/`))
    return holders.sort((a, b) => b.folder.length - a.folder.length)[0]?.path ?? null
  }
}
