// Any HTTP origin (nginx, a CDN, another machine) behind the paywall. Files that may go whole are proxied with
// http-proxy, Range passing through. A byte range of a file shared with other (paid) bytes is asked of the origin with
// a Range for exactly those bytes, and the answer is cut to them whatever comes back: an origin that ignores Range
// and sends the whole file still gives away nothing. Failures become 502, or 504 past the timeout. A path reaches
// the origin only as the gate checked it (a segment key's path) and encoded segment by segment, so no name turns into
// a query, a fragment or a dot-segment, and no request leaves the origin's base path. A segment's query (checked like
// a key's: segment-query.ts) follows it exactly as listed, and is all the query the origin sees: the channel token
// never travels.
import type { Response } from 'express'
import httpProxy from 'http-proxy'
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { Transform } from 'node:stream'
import { isKeyPath } from '../../protocol/hls/segment-key.ts'
import { isKeyQuery } from '../../protocol/hls/segment-query.ts'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'
import { sendError, writeByteHeaders, type Origin, type OriginFile, type OriginSize } from './origin.ts'

class OriginFailure extends Error {
  constructor(readonly status: 404 | 502 | 504, message: string) {
    super(message)
  }
}

function failureCode(status: OriginFailure['status']): string {
  return status === 404 ? 'not_found' : status === 504 ? 'origin_timeout' : 'origin_unreachable'
}

/** Passes bytes `skip` onwards of what flows through, `length` of them at most, then ends. */
function window(skip: number, length: number): Transform {
  let position = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const from = Math.max(0, skip - position)
      const to = Math.min(chunk.length, skip + length - position)
      position += chunk.length
      if (to > from) this.push(chunk.subarray(from, to))
      done()
    },
  })
}

/** Where a 206 from the origin starts, or null when its Content-Range is missing or malformed. */
function firstByteOf(answer: IncomingMessage): number | null {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(answer.headers['content-range'] ?? '')
  return match ? Number(match[1]) : null
}

export function proxyOrigin(originUrl: string, timeoutMs: number): Origin {
  const base = new URL(originUrl.endsWith('/') ? originUrl : originUrl + '/')
  // Reused connections: a new TCP (or TLS) handshake per segment would add its round trips to every request.
  const agent = base.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest
  const proxy = httpProxy.createProxyServer({ target: base.href, agent, changeOrigin: true, proxyTimeout: timeoutMs, timeout: timeoutMs, xfwd: true })
  const unreachable = (code: string | undefined, message: string) =>
    code === 'ECONNRESET' || code === 'ETIMEDOUT' || /timeout/i.test(message)
      ? new OriginFailure(504, `The media origin ${base.origin} did not answer within ${timeoutMs} ms. Check that it is running and reachable.`)
      : new OriginFailure(502, `The media origin ${base.origin} could not be reached (${code ?? message}). Check --origin and that the origin is up.`)
  proxy.on('error', (error, _req, res) => {
    const response = res as Response
    if (typeof response.status !== 'function') return
    const failure = unreachable((error as NodeJS.ErrnoException).code, error.message)
    sendError(response, failure.status, failureCode(failure.status), failure.message)
  })
  /**
   * A media-relative path and its query as the origin's URL takes them, the path encoded segment by segment, the query
   * as listed; null for a path or query the gate would refuse, which could otherwise leave the base.
   */
  const encoded = ({ path, query }: OriginFile): string | null => {
    if (!isKeyPath('/' + path) || (query !== null && !isKeyQuery(query))) return null
    const search = query === null ? '' : `?${query}`
    const relative = path.split('/').map(encodeURIComponent).join('/') + search
    const url = new URL(relative, base)
    return url.origin === base.origin && url.pathname.startsWith(base.pathname) && url.search === search && url.hash === '' ? relative : null
  }
  const notOurs = (path: string) => new OriginFailure(404, `${path} is not a media path under the origin's base.`)
  const target = (file: OriginFile) => {
    const relative = encoded(file)
    if (relative === null) throw notOurs(file.path)
    return new URL(relative, base)
  }

  /** One request to the origin; resolves with its answer, the body still to read. */
  const ask = (method: 'GET' | 'HEAD', file: OriginFile, headers: Record<string, string> = {}) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = send(target(file), { method, agent, headers, timeout: timeoutMs }, resolve)
      outgoing.on('timeout', () => outgoing.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })))
      outgoing.on('error', (error: NodeJS.ErrnoException) => reject(unreachable(error.code, error.message)))
      outgoing.end()
    })

  const readText = (answer: IncomingMessage, maxBytes: number) =>
    new Promise<{ text: string; tooLarge: boolean }>((resolve, reject) => {
      const chunks: Buffer[] = []
      let bytes = 0
      answer.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        if (bytes > maxBytes) {
          answer.destroy()
          return resolve({ text: '', tooLarge: true })
        }
        chunks.push(chunk)
      })
      answer.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: false }))
      answer.on('error', reject)
    })

  return {
    queriesNameFiles: true,
    async fetchText(path, maxBytes) {
      try {
        const answer = await ask('GET', { path, query: null })
        if (Number(answer.headers['content-length'] ?? 0) > maxBytes) {
          answer.destroy()
          return { status: 413, body: `The playlist is ${answer.headers['content-length']} bytes; playlists over ${maxBytes} bytes are refused.` }
        }
        const { text, tooLarge } = await readText(answer, maxBytes)
        if (tooLarge) return { status: 413, body: `The playlist is over ${maxBytes} bytes; such playlists are refused.` }
        return { status: answer.statusCode ?? 502, body: text }
      } catch (error) {
        return { status: error instanceof OriginFailure ? error.status : 502, body: (error as Error).message }
      }
    },
    async size(file): Promise<OriginSize> {
      const { path } = file
      try {
        const head = await ask('HEAD', file)
        head.resume()
        const length = Number(head.headers['content-length'])
        if (head.statusCode === 200 && Number.isSafeInteger(length)) return { ok: true, size: length }
        if (head.statusCode === 404) return { ok: false, status: 404, message: `The origin has no ${path}.` }
        // No usable HEAD: the total in the Content-Range of a one-byte GET.
        const probe = await ask('GET', file, { Range: 'bytes=0-0' })
        probe.resume()
        const total = /\/(\d+)$/.exec(probe.headers['content-range'] ?? '')
        if (probe.statusCode === 206 && total) return { ok: true, size: Number(total[1]) }
        return { ok: false, status: probe.statusCode === 404 ? 404 : 502, message: `The origin did not say how large ${path} is (HTTP ${probe.statusCode}).` }
      } catch (error) {
        return { ok: false, status: error instanceof OriginFailure ? error.status : 502, message: (error as Error).message }
      }
    },
    pass(file, req, res) {
      // http-proxy joins target path + req.url; hand it the path relative to the media root, with the entry's query.
      // The token is ours: it never travels to a third-party origin.
      const relative = encoded(file)
      if (relative === null) return sendError(res, 404, 'not_found', notOurs(file.path).message)
      req.url = '/' + relative
      delete req.headers[TOKEN_HEADER.toLowerCase()]
      proxy.web(req, res)
    },
    sendBytes(file, bytes, req, res) {
      const { path } = file
      const { range } = bytes
      const length = range.end - range.start + 1
      ask('GET', file, { Range: `bytes=${range.start}-${range.end}` }).then(
        (answer) => {
          const first = answer.statusCode === 206 ? firstByteOf(answer) : answer.statusCode === 200 ? 0 : null
          if (first === null || first > range.start) {
            answer.resume()
            if (answer.statusCode === 404) return sendError(res, 404, 'not_found', `The media origin has no ${path}.`)
            return sendError(res, 502, 'origin_error', `The media origin answered HTTP ${answer.statusCode} for bytes ${range.start}-${range.end} of ${path}.`)
          }
          writeByteHeaders(res, path, bytes)
          if (req.method === 'HEAD') {
            answer.destroy()
            return void res.end()
          }
          let sent = 0
          const cut = window(range.start - first, length)
          // An origin that honoured the Range ends by itself (and keeps its connection); one that did not is cut off.
          const exact = answer.statusCode === 206 && first === range.start && Number(answer.headers['content-length']) === length
          cut.on('data', (chunk: Buffer) => {
            sent += chunk.length
            if (sent >= length && !exact) {
              answer.unpipe(cut)
              answer.destroy()
              cut.end()
            }
          })
          // An origin that stops short leaves the answer short: the client sees the broken Content-Length.
          cut.on('end', () => (sent < length ? res.destroy() : undefined))
          answer.on('error', () => res.destroy())
          answer.pipe(cut).pipe(res)
        },
        (error: OriginFailure) => sendError(res, error.status, failureCode(error.status), error.message),
      )
    },
    close() {
      proxy.close()
      agent.destroy()
    },
  }
}
