// Holds each purchase back until the playhead is near enough (client/payer/buy-ahead.ts says when): the paying loader
// waits here before it pays, so hls.js may ask as far ahead as it likes and the viewer still pays as they watch. It
// wakes when the rule's answer may have changed: at the time the rule gives, and whenever the video plays, pauses,
// seeks or changes speed, or the page is shown or hidden. It also keeps the measured buy time the rule needs, and how
// long a playing video has sat still with media ahead.
import { bufferedAhead, FIRST_BUY_SECONDS, nextBuySeconds, secondsUntilBuy, type BuyAhead, type Playhead, type Stretch } from '../payer/buy-ahead.ts'
import { PaymentCancelled } from '../payer/waiting.ts'

/** A playhead or media ahead that moved less than this has not moved. */
const MOVED_SECONDS = 0.001

/** Events after which the playhead may have moved other than by playing on. */
const VIDEO_EVENTS = ['play', 'playing', 'pause', 'seeking', 'seeked', 'ratechange', 'timeupdate', 'emptied', 'waiting', 'loadeddata'] as const

export class BuyGate {
  private buySeconds = FIRST_BUY_SECONDS
  /** A playing video sitting still with media ahead: since when, and where (a move or an append starts it again). */
  private still: { since: number; position: number; buffered: number } | null = null
  private readonly wakers = new Set<() => void>()

  constructor(private readonly video: HTMLVideoElement, private readonly choice: () => BuyAhead) {
    const wake = () => this.wakeAll()
    for (const event of VIDEO_EVENTS) video.addEventListener(event, wake)
    document.addEventListener('visibilitychange', wake)
  }

  /** The estimate of a purchase's wall time, seconds (for the page's state). */
  get estimate(): number {
    return this.buySeconds
  }

  /** One purchase, from its start to its bytes' arrival, took this long. */
  measured(seconds: number): void {
    this.buySeconds = nextBuySeconds(this.buySeconds, seconds)
  }

  /** Resolves once `stretch` may be bought; rejects with PaymentCancelled when `signal` aborts. */
  until(stretch: Stretch, signal: AbortSignal): Promise<void> {
    if (this.wait(stretch) === 0) return Promise.resolve()
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const finish = () => {
        clearTimeout(timer)
        this.wakers.delete(check)
        signal.removeEventListener('abort', abort)
      }
      const abort = () => {
        finish()
        reject(new PaymentCancelled('aborted'))
      }
      const check = () => {
        clearTimeout(timer)
        const seconds = this.wait(stretch)
        if (seconds === 0) {
          finish()
          resolve()
        } else if (Number.isFinite(seconds)) timer = setTimeout(check, seconds * 1000)
      }
      if (signal.aborted) return abort()
      signal.addEventListener('abort', abort, { once: true })
      this.wakers.add(check)
      check()
    })
  }

  private wait(stretch: Stretch): number {
    return secondsUntilBuy(stretch, this.playhead(), this.buySeconds, this.choice())
  }

  private playhead(): Playhead {
    const { video } = this
    const position = video.currentTime
    const buffered = bufferedAhead(video.buffered, position)
    return {
      position,
      rate: video.playbackRate,
      paused: video.paused,
      hidden: document.visibilityState === 'hidden',
      buffered,
      stalled: this.stalledSeconds(position, buffered),
    }
  }

  private stalledSeconds(position: number, buffered: number): number | null {
    const { video } = this
    const sitting = !video.paused && video.playbackRate > 0 && buffered > 0 && video.readyState < HTMLMediaElement.HAVE_FUTURE_DATA
    if (!sitting) {
      this.still = null
      return null
    }
    const now = performance.now()
    const { still } = this
    if (!still || Math.abs(still.position - position) > MOVED_SECONDS || Math.abs(still.buffered - buffered) > MOVED_SECONDS) {
      this.still = { since: now, position, buffered }
      return 0
    }
    return (now - still.since) / 1000
  }

  private wakeAll(): void {
    for (const check of [...this.wakers]) check()
  }
}
