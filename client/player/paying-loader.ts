// hls.js fragment loader that pays before it fetches. It follows hls.js's own template method: load() and its
// retries run loadInternal(), and this loader's loadInternal() first buys the segment (client/payer/segment-purchase.ts)
// and only then lets hls.js's XhrLoader send the request, with the channel token. So a first load, an hls.js retry and
// a re-pay after the host's 402 take one path. Playlists go through hls.js's own loader: they are free.
import { XhrLoader, type HlsConfig, type LoaderCallbacks, type LoaderConfiguration, type LoaderContext } from 'hls.js'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'
import { SegmentPurchase, type SegmentPayer } from '../payer/segment-purchase.ts'

/** What the page hears of each segment bought. */
export interface LoaderObserver {
  failed(segmentPath: string, error: unknown): void
}

interface FragmentLike {
  duration: number
}

/** The segment's path on the host, which is what the host prices and entitles ("/media/sample/360p/seg_003.ts"). */
export function segmentPathOf(url: string, base: string): string {
  return new URL(url, base).pathname
}

/** Builds the loader class around the page's payer (hls.js instantiates loaders itself, per fragment). */
export function createPayingLoader(payer: SegmentPayer, observer: LoaderObserver) {
  return class PayingLoader extends XhrLoader {
    private purchase: SegmentPurchase | null = null
    private payment: AbortController | null = null
    /** The segment's URL on the host, kept while an edge mode purchase points the request elsewhere. */
    private hostUrl = ''

    constructor(config: HlsConfig) {
      super(config)
    }

    override load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      const frag = (context as LoaderContext & { frag?: FragmentLike }).frag
      if (!frag) return super.load(context, config, callbacks)
      const purchase = new SegmentPurchase(payer, segmentPathOf(context.url, globalThis.location?.href ?? 'http://localhost/'), frag.duration)
      this.purchase = purchase
      this.hostUrl = context.url
      super.load(context, config, {
        ...callbacks,
        onSuccess: (response, stats, ctx, details) => {
          purchase.delivered()
          callbacks.onSuccess(response, stats, ctx, details)
        },
        onError: (error, ctx, details, stats) => {
          if (purchase.refused(error.code, bodyOf(details))) this.loadInternal()
          else callbacks.onError(error, ctx, details, stats)
        },
      })
    }

    /** Buys the segment, then sends the request with the token. */
    protected override loadInternal(): void {
      const purchase = this.purchase
      if (!purchase) return super.loadInternal()
      const controller = new AbortController()
      this.payment = controller
      purchase.pay(controller.signal).then(
        ({ token, url }) => {
          if (controller.signal.aborted) return purchase.abandoned()
          this.payment = null
          if (this.context) {
            // Edge mode: the signed URL needs no token, and the token stays with the host.
            const { [TOKEN_HEADER]: _token, ...headers } = this.context.headers ?? {}
            this.context.url = url ? new URL(url, this.hostUrl).href : this.hostUrl
            this.context.headers = url ? headers : { ...headers, [TOKEN_HEADER]: token }
          }
          super.loadInternal()
        },
        (error: unknown) => {
          if (controller.signal.aborted) return
          this.payment = null
          observer.failed(purchase.path, error)
          if (this.context) this.callbacks?.onError({ code: 0, text: error instanceof Error ? error.message : String(error) }, this.context, null, this.stats)
        },
      )
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
