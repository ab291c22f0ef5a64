// One keep-alive HTTP agent for a whole fleet: a thousand viewers share pooled loopback connections instead of
// paying a TCP handshake per segment, which would measure the client rather than the server.
import { Agent, request } from 'node:http'

export interface HttpAnswer {
  status: number
  /** The body, kept only when asked for or when the answer is not a 200 (a 402's JSON, an error text). */
  body: Buffer | null
  bytes: number
  /** From sending the request to the last byte of the body. */
  ms: number
  /** A redirect's Location header. */
  location: string | null
}

export interface HttpClient {
  get(url: string, options?: { headers?: Record<string, string>; keepBody?: boolean }): Promise<HttpAnswer>
  close(): void
}

export function createHttpClient(timeoutMs = 30_000): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4096, scheduling: 'lifo' })
  return {
    get(url, options = {}) {
      return new Promise((resolve, reject) => {
        const started = performance.now()
        const req = request(url, { agent, headers: options.headers, timeout: timeoutMs }, (res) => {
          const status = res.statusCode ?? 0
          const keep = options.keepBody === true || status !== 200
          const chunks: Buffer[] = []
          let bytes = 0
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length
            if (keep) chunks.push(chunk)
          })
          const location = res.headers.location ?? null
          res.on('end', () => resolve({ status, body: keep ? Buffer.concat(chunks) : null, bytes, ms: performance.now() - started, location }))
          res.on('error', reject)
        })
        req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)))
        req.on('error', reject)
        req.end()
      })
    },
    close() {
      agent.destroy()
    },
  }
}
