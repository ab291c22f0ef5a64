// Durations of every segment the host has listed, learned from playlists and remembered across restarts.
import type { PlaylistFacts } from '../../protocol/playlists.ts'

export class SegmentBook {
  private readonly durations = new Map<string, number>()
  private readonly freeFiles = new Set<string>()

  constructor(known: Iterable<{ path: string; duration: number }>, private readonly remember: (path: string, duration: number) => void | Promise<void>) {
    for (const { path, duration } of known) this.durations.set(path, duration)
  }

  /** Resolves once the durations it had not seen are remembered. */
  async learn(facts: PlaylistFacts): Promise<void> {
    for (const init of facts.initSegments) this.freeFiles.add(init)
    const remembering: Array<void | Promise<void>> = []
    for (const { path, duration } of facts.segments) {
      if (this.durations.get(path) === duration) continue
      this.durations.set(path, duration)
      remembering.push(this.remember(path, duration))
    }
    await Promise.all(remembering)
  }

  duration(path: string): number | undefined {
    return this.durations.get(path)
  }

  isFree(path: string): boolean {
    return this.freeFiles.has(path)
  }
}
