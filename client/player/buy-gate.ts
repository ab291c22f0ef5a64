// Holds each purchase back until the playhead is near enough (client/payer/buy-ahead.ts says when): the paying loader
// waits here before it pays, so hls.js may ask as far ahead as it likes and the viewer still pays as they watch. It
// wakes when the rule's answer may have changed: at the time the rule gives, and whenever the video plays, pauses,
// seeks or changes speed, or the page is shown or hidden. It also keeps the measured buy time the rule needs.
import { bufferedAhead, FIRST_BUY_SECONDS, nextBuySeconds, secondsUntilBuy, type BuyAhead, type Playhead, type Stretch } from '../payer/buy-ahead.ts'
import { PaymentCancelled } from '../payer/waiting.ts'

/** Events after which the playhead may have moved other than by playing on. */
const VIDEO_EVENTS = ['play', 'playing', 'pause', 'seeking', 'seeked', 'ratechange', 'timeupdate', 'emptied', 'waiting', 'loadeddata'] as const

export class BuyGate {
  private buySeconds = FIRST_BUY_SECONDS
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
    return {
      position: video.currentTime,
      rate: video.playbackRate,
      paused: video.paused,
      hidden: document.visibilityState === 'hidden',
      buffered: bufferedAhead(video.buffered, video.currentTime),
    }
  }

  private wakeAll(): void {
    for (const check of [...this.wakers]) check()
  }
}
