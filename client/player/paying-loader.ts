// hls.js fragment loader that pays before it fetches: each media segment's request is held until the host has
// acknowledged the payment for it, then sent with the channel token. Playlists go through hls.js's own loader
// (they are free). Subclasses hls.js's default XhrLoader so timeouts, retries and stats stay hls.js's own.
import { XhrLoader, type HlsConfig, type LoaderCallbacks, type LoaderConfiguration, type LoaderContext } from 'hls.js'

/** What the loader needs from the page: pay for a segment, hear that it arrived, hear the host's 402. */
export interface SegmentPayments {
  /** Resolves with the token to fetch the segment with, once it is paid (or was paid before). */
  pay(segmentPath: string, durationSeconds: number, signal: AbortSignal): Promise<{ token: string }>
  delivered(segmentPath: string): void
  /** The host answered 402/403 for a segment we fetched with a token: resynchronise before paying again. */
  refused(segmentPath: string, status: number, body: unknown): void
  failed(segmentPath: string, error: unknown): void
}

export const TOKEN_HEADER = 'X-Channel-Token'
/** How often one segment may be re-paid after the host said 402/403 before hls.js hears about the error. */
const MAX_REFUSALS = 2

interface FragmentLike {
  duration: number
}

/** The segment's path on the host, which is what the host prices and entitles ("/media/sample/360p/seg_003.ts"). */
export function segmentPathOf(url: string, base: string): string {
  return new URL(url, base).pathname
}

/** Builds the loader class around the page's payments (hls.js instantiates loaders itself, per fragment). */
export function createPayingLoader(payments: SegmentPayments) {
  return class PayingLoader extends XhrLoader {
    private payment: AbortController | null = null
    private refusals = 0

    constructor(config: HlsConfig) {
      super(config)
    }

    override load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      const frag = (context as LoaderContext & { frag?: FragmentLike }).frag
      if (!frag) return super.load(context, config, callbacks)
      const path = segmentPathOf(context.url, globalThis.location?.href ?? 'http://localhost/')
      const wrapped: LoaderCallbacks<LoaderContext> = {
        ...callbacks,
        onSuccess: (response, stats, ctx, details) => {
          payments.delivered(path)
          callbacks.onSuccess(response, stats, ctx, details)
        },
        onError: (error, ctx, details, stats) => {
          if ((error.code === 402 || error.code === 403) && this.refusals < MAX_REFUSALS) {
            this.refusals++
            payments.refused(path, error.code, bodyOf(details))
            this.payThen(path, frag.duration, ctx, () => this.loadInternal(), callbacks)
            return
          }
          callbacks.onError(error, ctx, details, stats)
        },
      }
      this.payThen(path, frag.duration, context, () => super.load(context, config, wrapped), callbacks)
    }

    override abort(): void {
      this.payment?.abort()
      this.payment = null
      super.abort()
    }

    override destroy(): void {
      this.payment?.abort()
      this.payment = null
      super.destroy()
    }

    /** Holds the request until paid; then sends it with the token. */
    private payThen(path: string, duration: number, context: LoaderContext, send: () => void, callbacks: LoaderCallbacks<LoaderContext>): void {
      const controller = new AbortController()
      this.payment = controller
      payments.pay(path, duration, controller.signal).then(
        ({ token }) => {
          if (controller.signal.aborted) {
            // Paid, but hls.js no longer wants it: count it as delivered so the next segment can be paid.
            payments.delivered(path)
            return
          }
          this.payment = null
          context.headers = { ...(context.headers ?? {}), [TOKEN_HEADER]: token }
          send()
        },
        (error: unknown) => {
          if (controller.signal.aborted) return
          this.payment = null
          payments.failed(path, error)
          callbacks.onError({ code: 0, text: error instanceof Error ? error.message : String(error) }, context, null, this.stats)
        },
      )
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
