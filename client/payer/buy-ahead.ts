// When to buy the next stretch of media: just in time to play it without a stall, and no sooner, so that at any
// stop the viewer has paid for at most the segment being played, the next one, and the lead. A purchase (sign, the
// host's acknowledgement, then the fetch) takes one measured buy time; the player starts it that long (twice, with a
// margin, up to a ceiling) before the playhead reaches the segment, at the playback rate. A video with no media at its
// playhead (starting, a live stream before hls.js moves to its live edge, after a seek) buys what hls.js asks at
// once: nothing plays until it arrives; so does a playing video about to run dry, or one that has sat still with
// media ahead (a browser may want more than it has before it resumes). Paused, it buys only the segment under the
// playhead (the frame on show); paused in a hidden tab, nothing. Pure: the player's gate (client/player/buy-gate.ts)
// applies it to the video element.

/** "exact": pay for what you watch (the default); "smoothest": also one more segment ahead, for shaky networks. */
export type BuyAhead = 'exact' | 'smoothest'

export const BUY_AHEAD_CHOICES: readonly BuyAhead[] = ['exact', 'smoothest']

/** The playhead as the video element shows it. */
export interface Playhead {
  /** Media time, seconds. */
  position: number
  /** Playback rate (1 = normal speed). */
  rate: number
  paused: boolean
  /** The page is not visible (another tab, a minimised window). */
  hidden: boolean
  /** Seconds of media buffered from the playhead on (`bufferedAhead`); 0: it cannot move until something arrives. */
  buffered: number
  /**
   * Seconds a playing video has sat still with media ahead, its playhead and that media unchanged (the browser waits
   * for more before it resumes); null while it plays, or has nothing ahead.
   */
  stalled: number | null
}

/** A segment or part hls.js asks for, on the video's timeline. */
export interface Stretch {
  start: number
  duration: number
}

/** The video's buffered media (a TimeRanges). */
export interface Buffered {
  readonly length: number
  start(index: number): number
  end(index: number): number
}

/** Before anything was measured: a loopback purchase takes ~0.05 s, one across a continent ~0.3 s. */
export const FIRST_BUY_SECONDS = 0.3
/** Buy times vary (a GC pause, a busy host): start this many buy times ahead. */
export const SAFETY = 2
/** Time for hls.js to transmux and append the bytes, and for the gate's timer to fire. */
export const MARGIN_SECONDS = 0.3
/**
 * The lead, wall seconds, that slower purchases do not push past while one still fits in it with its margin: a stop
 * then leaves at most the next segment and this much paid ahead of the playhead (one segment + 1 s at 1x). Past that,
 * the lead is one purchase and the margin: enough not to stall, no more.
 */
export const LEAD_CEILING_SECONDS = 0.9
/** A hidden tab's timers may run a second late (Chromium throttles them): it buys that much earlier. */
export const HIDDEN_SECONDS = 1
/** Paused, the segment under the playhead counts as on show even if hls.js starts it this little after it. */
export const PAUSED_TOLERANCE_SECONDS = 0.1
/**
 * A playing video that sits still this long with media ahead is stuck until more arrives: Chromium left a live LL-HLS
 * stream at 0.54 s ahead for good, where the next part was 0.1 s from being due. Shorter stills are the moment after
 * an append before the element's readyState rises, when the next segment is not due yet.
 */
export const STALLED_SECONDS = 0.5
/** A hole this small before the playhead's media does not starve it: hls.js jumps it (its maxBufferHole). */
export const BUFFER_HOLE_SECONDS = 0.1

/**
 * Seconds of media the video holds from `position` on, in the buffered range that holds it (0 when none does). Read
 * from the buffered ranges, not the element's readyState: readyState rises a moment after hls.js appends a segment,
 * and a gate that asked it then took a video that had just received its next seconds for a starving one and bought
 * the segment after at once (seen at the start: the second segment bought with the first just buffered).
 */
export function bufferedAhead(buffered: Buffered, position: number): number {
  for (let i = 0; i < buffered.length; i++) {
    if (buffered.start(i) - BUFFER_HOLE_SECONDS <= position && position < buffered.end(i)) return buffered.end(i) - position
  }
  return 0
}

/** Media seconds ahead of the playhead at which a purchase starts. */
export function leadSeconds(buySeconds: number, playhead: Playhead, stretch: Stretch, choice: BuyAhead): number {
  const rate = Math.max(playhead.rate, 0)
  const buy = Math.max(buySeconds, 0)
  const ahead = Math.min(MARGIN_SECONDS + SAFETY * buy, Math.max(LEAD_CEILING_SECONDS, MARGIN_SECONDS + buy))
  const wallSeconds = ahead + (playhead.hidden ? HIDDEN_SECONDS : 0)
  return rate * wallSeconds + (choice === 'smoothest' ? stretch.duration : 0)
}

/**
 * Seconds of wall time until `stretch` may be bought: 0 now, Infinity while nothing will change it but the viewer
 * (paused, or a playback rate of 0).
 */
export function secondsUntilBuy(stretch: Stretch, playhead: Playhead, buySeconds: number, choice: BuyAhead): number {
  const playing = !playhead.paused && playhead.rate > 0
  if (!playing && playhead.hidden) return Infinity
  if (playhead.buffered <= 0) return 0
  if (!playing) {
    return stretch.start <= playhead.position + PAUSED_TOLERANCE_SECONDS ? 0 : Infinity
  }
  // Less left than an append takes, or sitting still with media ahead: what hls.js asks now is what plays next,
  // wherever it thinks that starts (a live part's start is an estimate until its bytes are parsed), and waiting for
  // the playhead would wait for good.
  const stalled = playhead.stalled
  if (playhead.buffered < MARGIN_SECONDS * playhead.rate || (stalled !== null && stalled >= STALLED_SECONDS)) return 0
  const ahead = stretch.start - playhead.position - leadSeconds(buySeconds, playhead, stretch, choice)
  if (ahead <= 0) return 0
  // Sitting still, the playhead will not bring the time nearer: ask again when the still has lasted long enough.
  return stalled === null ? ahead / playhead.rate : Math.min(ahead / playhead.rate, STALLED_SECONDS - stalled)
}

/**
 * The next estimate of a purchase's wall time from one measured: it rises fast (half way to a slower purchase, so
 * the next one starts early enough) and falls slowly (a fifth of the way), so one quick purchase does not cut the
 * margin at once.
 */
export function nextBuySeconds(estimate: number, measured: number): number {
  if (!(measured >= 0) || !Number.isFinite(measured)) return estimate
  const weight = measured > estimate ? 0.5 : 0.2
  return estimate + weight * (measured - estimate)
}

/** A stored choice, or the default. */
export function parseBuyAhead(value: unknown): BuyAhead {
  return BUY_AHEAD_CHOICES.includes(value as BuyAhead) ? (value as BuyAhead) : 'exact'
}
