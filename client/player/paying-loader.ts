// hls.js fragment loader that pays before it fetches. It follows hls.js's own template method: load() and its
// retries run loadInternal(), and this loader's loadInternal() first waits until the playhead is near enough to buy
// (buy-gate.ts; only what is due waits), then buys the fragment, part or init segment
// (client/payer/segment-purchase.ts) and lets hls.js's XhrLoader send the request, with the channel token when one is
// needed: as soon as the update is on its way, asking the host to hold the request for it (X-Payment-Wait), so a
// purchase takes one round trip; the bytes are handed to hls.js once the payment's answer is in too. Without an
// update to wait for (nothing due, edge mode) the request goes once the purchase is done. So a first load, an hls.js
// retry and a re-pay after the host's 402 take one path. Each request
// is keyed as the host keys it (fragment-key.ts); what it costs is the played media's charge (played-media.ts), so
// init segments, the preview and alternate audio are never paid for.
import { XhrLoader, type HlsConfig, type LoaderCallbacks, type LoaderConfiguration, type LoaderContext } from 'hls.js'
import { MAX_PAYMENT_WAIT_MS, PAYMENT_WAIT_HEADER, TOKEN_HEADER } from '../../protocol/paywall.ts'
import type { PlayedMedia } from '../payer/played-media.ts'
import { markStep } from '../payer/timeline.ts'
import { SegmentPurchase, type Purchased, type SegmentPayer } from '../payer/segment-purchase.ts'
import type { BuyGate } from './buy-gate.ts'
import { rangeOfContext, segmentKeyOf } from './fragment-key.ts'

/** What the page hears of each segment bought. */
export interface LoaderObserver {
  failed(segment: string, error: unknown): void
  /** The channel is open: a purchase now takes a payment's round trip and the fetch, not an opening. */
  channelOpen(): boolean
}

type Timed = { start: number; duration: number }
type FragmentContext = LoaderContext & Parameters<typeof rangeOfContext>[0] & { frag?: Timed & { sn?: number | 'initSegment' }; part?: Timed | null }

/** A purchase, and since when it ran when its time is worth measuring (paid through an open channel). */
type Bought = Purchased & { timedFrom: number | null }
/** One request of the loader: the answer of the purchase it paid (null when nothing was paid), and its bytes. */
type Attempt = { answer: Promise<unknown> | null; bytesIn: boolean }
/** The purchase's update is on its way: the token its request may wait at the host with. */
type UpdateSent = { updateToken: string; timedFrom: number | null }

function pageBase(): string {
  return globalThis.location?.href ?? 'http://localhost/'
}

/** Builds the loader class around the page's payer (hls.js instantiates loaders itself, per fragment). */
export function createPayingLoader(payer: SegmentPayer, media: PlayedMedia, gate: BuyGate, observer: LoaderObserver) {
  return class PayingLoader extends XhrLoader {
    private purchase: SegmentPurchase | null = null
    /** Where the entry plays on the video's timeline. */
    private stretch: Timed = { start: 0, duration: 0 }
    private timedFrom: number | null = null
    private payment: AbortController | null = null
    /** The segment's URL on the host, kept while an edge mode purchase points the request elsewhere. */
    private hostUrl = ''
    /** A media segment or part, not an init segment: the first one's fetch is a step of the start's waterfall. */
    private isMedia = false
    /** The request on its way: the answer of the payment it needs (pending when it went beside the update), and its bytes. */
    private attempt: Attempt = { answer: null, bytesIn: false }
    /** hls.js's own callbacks: a purchase that failed is told to them directly, not through the refusal handling. */
    private hlsCallbacks: LoaderCallbacks<LoaderContext> | null = null

    constructor(config: HlsConfig) {
      super(config)
    }

    override load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      const fragment = context as FragmentContext
      const segment = fragment.frag ? segmentKeyOf(context.url, pageBase(), rangeOfContext(fragment)) : null
      if (!segment) return super.load(context, config, callbacks)
      const purchase = new SegmentPurchase(payer, segment, media.chargeOf(segment))
      this.purchase = purchase
      const timed = fragment.part ?? fragment.frag
      this.stretch = { start: timed?.start ?? 0, duration: timed?.duration ?? 0 }
      this.hostUrl = context.url
      this.isMedia = fragment.frag?.sn !== 'initSegment'
      this.hlsCallbacks = callbacks
      super.load(context, config, {
        ...callbacks,
        onSuccess: (response, stats, ctx, details) => {
          const deliver = () => {
            if (this.timedFrom !== null) gate.measured((performance.now() - this.timedFrom) / 1000)
            if (this.isMedia) markStep('first segment', 'end')
            purchase.delivered()
            media.delivered(segment)
            callbacks.onSuccess(response, stats, ctx, details)
          }
          // The host released the bytes, so it stored the payment: its answer is on the way, and the session must
          // have it before the delivery may let the next payment go.
          this.attempt.bytesIn = true
          if (this.attempt.answer) void this.attempt.answer.then(deliver, deliver)
          else deliver()
        },
        onError: (error, ctx, details, stats) => {
          const refused = () => {
            if (purchase.refused(error.code, bodyOf(details))) this.loadInternal()
            else callbacks.onError(error, ctx, details, stats)
          }
          // Sent beside its payment: a payment that failed is reported by loadInternal, one that went through is
          // bought, and the refusal (a hold that ran out) is worth another try.
          if (this.attempt.answer) void this.attempt.answer.then(refused, () => undefined)
          else refused()
        },
      })
    }

    /** Buys the entry when its time comes and sends the request: beside the update, or once it is bought. */
    protected override loadInternal(): void {
      const purchase = this.purchase
      if (!purchase) return super.loadInternal()
      const controller = new AbortController()
      this.payment = controller
      const attempt: Attempt = { answer: null, bytesIn: false }
      this.attempt = attempt
      let sent = (_update: UpdateSent) => {}
      const updateSent = new Promise<UpdateSent>((resolve) => (sent = resolve))
      const bought = this.buy(purchase, controller.signal, sent)
      // Straight to hls.js, which retries or gives up by its own policy: the refusal handling above would take a
      // failed payment beside its request for one that is reported here, and drop it (a load that never ends).
      const failed = (error: unknown) => {
        if (controller.signal.aborted) return
        this.payment = null
        observer.failed(purchase.segment, error)
        if (this.context) this.hlsCallbacks?.onError({ code: 0, text: error instanceof Error ? error.message : String(error) }, this.context, null, this.stats)
      }
      Promise.race([bought, updateSent]).then((first) => {
        const pipelined = 'updateToken' in first
        // Given up meanwhile: once paid, the entry counts as delivered, so paying does not stall.
        if (controller.signal.aborted) return void (pipelined ? bought.then(() => purchase.abandoned(), () => undefined) : purchase.abandoned())
        if (pipelined) {
          // Beside the update: the host holds the request until the payment is stored. A refused payment ends it.
          attempt.answer = bought
          bought.catch((error: unknown) => {
            if (attempt.bytesIn || attempt !== this.attempt) return
            super.abortInternal()
            failed(error)
          })
          return this.send({ token: first.updateToken, waitForPayment: true }, first.timedFrom)
        }
        // Bought first: paid already, so an abort from here on counts it as delivered too.
        if (first.charged > 0) attempt.answer = Promise.resolve()
        this.send({ token: first.token, url: first.url, waitForPayment: false }, first.timedFrom)
      }, failed)
    }

    /** Sends the request: to the host with the token (held there while its payment is on its way), or to edge mode's URL. */
    private send(to: { token: string | null; url?: string; waitForPayment: boolean }, timedFrom: number | null): void {
      this.payment = null
      this.timedFrom = timedFrom
      // hls.js times the request from here: the wait for the playhead and the payment are not the network's.
      this.stats.loading.start = performance.now()
      if (this.context) {
        // Edge mode: the signed URL needs no token, and the token stays with the host.
        const { [TOKEN_HEADER]: _token, [PAYMENT_WAIT_HEADER]: _wait, ...headers } = this.context.headers ?? {}
        this.context.url = to.url ? new URL(to.url, this.hostUrl).href : this.hostUrl
        this.context.headers = {
          ...headers,
          ...(to.token && !to.url ? { [TOKEN_HEADER]: to.token } : {}),
          ...(to.waitForPayment ? { [PAYMENT_WAIT_HEADER]: String(MAX_PAYMENT_WAIT_MS) } : {}),
        }
      }
      if (this.isMedia) markStep('first segment', 'start')
      super.loadInternal()
    }

    /** Waits for the playhead when something is due, then buys; `sent` hears when the update is on its way. */
    private async buy(purchase: SegmentPurchase, signal: AbortSignal, sent: (update: UpdateSent) => void): Promise<Bought> {
      if (purchase.isDue()) await gate.until(this.stretch, signal)
      const open = observer.channelOpen()
      const started = performance.now()
      // Beside its update, a purchase is timed from the update's leaving: the wait for the previous segment's delivery
      // (or, at the start, the funding) is not the purchase's, and would push the next ones early (buy-ahead.ts).
      const bought = await purchase.pay(signal, (token) => sent({ updateToken: token, timedFrom: open ? performance.now() : null }))
      return { ...bought, timedFrom: open && bought.charged > 0 ? started : null }
    }

    protected override abortInternal(): void {
      this.payment?.abort()
      this.payment = null
      // Its update went, its request no longer wanted: once paid, it counts as delivered, so paying does not stall.
      const { answer, bytesIn } = this.attempt
      const purchase = this.purchase
      if (answer && !bytesIn && purchase) void answer.then(() => purchase.abandoned(), () => undefined)
      this.attempt = { answer: null, bytesIn: false }
      super.abortInternal()
    }
  }
}

/** The JSON body of a refused segment request (XHR with responseType arraybuffer). */
function bodyOf(details: unknown): unknown {
  try {
    const xhr = details as XMLHttpRequest | null
    const response: unknown = xhr?.response
    if (!(response instanceof ArrayBuffer)) return null
    return JSON.parse(new TextDecoder().decode(response)) as unknown
  } catch {
    return null
  }
}
