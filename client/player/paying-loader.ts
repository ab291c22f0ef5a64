// hls.js fragment loader that pays before it fetches. It follows hls.js's own template method: load() and its
// retries run loadInternal(), and this loader's loadInternal() first waits until the playhead is near enough to buy
// (buy-gate.ts; only what is due waits), then buys the fragment, part or init segment
// (client/payer/segment-purchase.ts) and only then lets hls.js's XhrLoader send the request, with the channel token
// when one is needed. So a first load, an hls.js retry and a re-pay after the host's 402 take one path. Each request
// is keyed as the host keys it (fragment-key.ts); what it costs is the played media's charge (played-media.ts), so
// init segments, the preview and alternate audio are never paid for.
import { XhrLoader, type HlsConfig, type LoaderCallbacks, type LoaderConfiguration, type LoaderContext } from 'hls.js'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'
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
      super.load(context, config, {
        ...callbacks,
        onSuccess: (response, stats, ctx, details) => {
          if (this.timedFrom !== null) gate.measured((performance.now() - this.timedFrom) / 1000)
          if (this.isMedia) markStep('first segment', 'end')
          purchase.delivered()
          media.delivered(segment)
          callbacks.onSuccess(response, stats, ctx, details)
        },
        onError: (error, ctx, details, stats) => {
          if (purchase.refused(error.code, bodyOf(details))) this.loadInternal()
          else callbacks.onError(error, ctx, details, stats)
        },
      })
    }

    /** Buys the entry when its time comes, then sends the request, with the token when one is needed. */
    protected override loadInternal(): void {
      const purchase = this.purchase
      if (!purchase) return super.loadInternal()
      const controller = new AbortController()
      this.payment = controller
      this.buy(purchase, controller.signal).then(
        ({ token, url, timedFrom }) => {
          if (controller.signal.aborted) return purchase.abandoned()
          this.payment = null
          this.timedFrom = timedFrom
          // hls.js times the request from here: the wait for the playhead and the payment are not the network's.
          this.stats.loading.start = performance.now()
          if (this.context) {
            // Edge mode: the signed URL needs no token, and the token stays with the host.
            const { [TOKEN_HEADER]: _previous, ...headers } = this.context.headers ?? {}
            this.context.url = url ? new URL(url, this.hostUrl).href : this.hostUrl
            this.context.headers = token && !url ? { ...headers, [TOKEN_HEADER]: token } : headers
          }
          if (this.isMedia) markStep('first segment', 'start')
          super.loadInternal()
        },
        (error: unknown) => {
          if (controller.signal.aborted) return
          this.payment = null
          observer.failed(purchase.segment, error)
          if (this.context) this.callbacks?.onError({ code: 0, text: error instanceof Error ? error.message : String(error) }, this.context, null, this.stats)
        },
      )
    }

    /** Waits for the playhead when something is due, then buys. */
    private async buy(purchase: SegmentPurchase, signal: AbortSignal): Promise<Bought> {
      if (purchase.isDue()) await gate.until(this.stretch, signal)
      const open = observer.channelOpen()
      const started = performance.now()
      const bought = await purchase.pay(signal)
      return { ...bought, timedFrom: open && bought.charged > 0 ? started : null }
    }

    protected override abortInternal(): void {
      this.payment?.abort()
      this.payment = null
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
