// The media library as the host's routes and prices read it: scanned at most once per interval, not on every request
// (a scan walks the whole tree), so a stream or a stream.json added by hand shows up within seconds.
import { scanLibrary, type MediaLibrary } from './media-library.ts'

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
}
