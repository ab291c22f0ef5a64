// The viewing as the viewer saw it: the media time the video played (its `played` ranges, so a stretch watched twice
// counts once) since the last settled viewing, and the stalls: each time the video ran out of media and had to wait
// (`waiting` after it had started playing, a seek's own wait aside). The summary shows the first; the second is how
// the player knows buying just in time did not cost the viewer a smooth picture.

/** Seconds covered by a media element's time ranges. */
export function rangesSeconds(ranges: Pick<TimeRanges, 'length' | 'start' | 'end'>): number {
  let seconds = 0
  for (let i = 0; i < ranges.length; i++) seconds += ranges.end(i) - ranges.start(i)
  return seconds
}

export class ViewingMeter {
  private started = false
  private stallCount = 0
  /** What the video had played when the last viewing was settled. */
  private settledAt = 0

  constructor(private readonly video: HTMLVideoElement) {
    video.addEventListener('playing', () => (this.started = true))
    video.addEventListener('waiting', () => {
      if (this.started && !video.seeking) this.stallCount++
    })
    // A new source starts a new timeline: nothing of it has played yet.
    video.addEventListener('emptied', () => {
      this.started = false
      this.settledAt = 0
    })
  }

  /** Media seconds played in this viewing. */
  get watched(): number {
    return Math.max(0, rangesSeconds(this.video.played) - this.settledAt)
  }

  get stalls(): number {
    return this.stallCount
  }

  /** The viewing was settled: what plays next belongs to the next one. */
  settled(): void {
    this.settledAt = rangesSeconds(this.video.played)
  }
}
