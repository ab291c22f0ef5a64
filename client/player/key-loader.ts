// hls.js's general loader, which it uses for AES-128 key files: the host releases key files to open channels only,
// so a key request waits for the channel's token and carries it. Key files are never paid for. Every other request
// this loader gets passes through as hls.js's own.
import { XhrLoader, type HlsConfig } from 'hls.js'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'

export interface TokenSource {
  channelToken(signal?: AbortSignal): Promise<string>
}

export function createKeyLoader(tokens: TokenSource) {
  return class KeyLoader extends XhrLoader {
    private waiting: AbortController | null = null

    constructor(config: HlsConfig) {
      super(config)
    }

    protected override loadInternal(): void {
      if (this.context?.type !== 'key') return super.loadInternal()
      const controller = new AbortController()
      this.waiting = controller
      tokens.channelToken(controller.signal).then(
        (token) => {
          if (controller.signal.aborted || !this.context) return
          this.waiting = null
          this.context.headers = { ...(this.context.headers ?? {}), [TOKEN_HEADER]: token }
          super.loadInternal()
        },
        (error: unknown) => {
          if (controller.signal.aborted || !this.context) return
          this.waiting = null
          this.callbacks?.onError({ code: 0, text: error instanceof Error ? error.message : String(error) }, this.context, null, this.stats)
        },
      )
    }

    protected override abortInternal(): void {
      this.waiting?.abort()
      this.waiting = null
      super.abortInternal()
    }
  }
}
