// One keep-alive HTTP agent for a whole fleet: a thousand viewers share pooled loopback connections instead of
// paying a TCP handshake per segment, which would measure the client rather than the server. An idle connection is
// dropped before the host's keep-alive timeout closes it (Node's agent honours the host's Keep-Alive hint only when it
// has a timeout of its own), and a GET whose reused connection the host closed as it went out is sent once more.
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

/** Idle connections are closed after this long, or a second before the server's advertised keep-alive timeout. */
const IDLE_MS = 4_000

export function createHttpClient(timeoutMs = 30_000): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4096, scheduling: 'lifo', timeout: IDLE_MS })
  const get = (url: string, options: { headers?: Record<string, string>; keepBody?: boolean }, resent: boolean): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
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
      // The server closed a reused connection as the request went out: a GET may safely go again, once.
      req.on('error', (error: NodeJS.ErrnoException) =>
        req.reusedSocket && error.code === 'ECONNRESET' && !resent ? get(url, options, true).then(resolve, reject) : reject(error))
      req.end()
    })
  return {
    get: (url, options = {}) => get(url, options, false),
    close() {
      agent.destroy()
    },
  }
}
