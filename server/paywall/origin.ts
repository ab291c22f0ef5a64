// Where the media bytes come from: the host's own folder, or any HTTP origin proxied with http-proxy.
import type { Request, Response } from 'express'
import httpProxy from 'http-proxy'
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { readFile, realpath } from 'node:fs/promises'
import { resolve, sep } from 'node:path'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'

export interface OriginText {
  status: number
  body: string
  contentType: string
}

export interface Origin {
  /** Fetches a small text file (a playlist) whole, so the paywall can read it. `path` is relative to the media root. */
  fetchText(path: string): Promise<OriginText>
  /** Streams a file's bytes to the response, honouring Range. */
  stream(path: string, req: Request, res: Response): void
  close(): void
}

function sendError(res: Response, status: number, error: string, message: string): void {
  if (!res.headersSent) res.status(status).json({ error, message })
  else res.destroy()
}

/** Serves files under `root` only: `path` comes from a URL and is never trusted to stay inside. */
export function staticOrigin(root: string): Origin {
  const absoluteRoot = resolve(root)
  const inside = async (path: string): Promise<string | null> => {
    const candidate = resolve(absoluteRoot, '.' + sep + path)
    if (candidate !== absoluteRoot && !candidate.startsWith(absoluteRoot + sep)) return null
    try {
      const real = await realpath(candidate)
      const realRoot = await realpath(absoluteRoot)
      return real.startsWith(realRoot + sep) ? real : null
    } catch {
      return null
    }
  }
  return {
    async fetchText(path) {
      const file = await inside(path)
      if (!file) return { status: 404, body: '', contentType: 'text/plain' }
      try {
        return { status: 200, body: await readFile(file, 'utf8'), contentType: 'application/vnd.apple.mpegurl' }
      } catch {
        return { status: 404, body: '', contentType: 'text/plain' }
      }
    },
    stream(path, req, res) {
      void inside(path).then((file) => {
        if (!file) return sendError(res, 404, 'not_found', `No such media file: ${path}`)
        res.sendFile(file, { dotfiles: 'deny', acceptRanges: true, maxAge: 0 }, (error) => {
          if (error && !res.headersSent) sendError(res, 404, 'not_found', `No such media file: ${path}`)
        })
      })
    },
    close() {},
  }
}

/** Proxies to an HTTP origin; bytes stream through unbuffered, Range passes through, failures become 502/504. */
export function proxyOrigin(originUrl: string, timeoutMs: number): Origin {
  const base = new URL(originUrl.endsWith('/') ? originUrl : originUrl + '/')
  // Reused connections: a new TCP (or TLS) handshake per segment would add its round trips to every request.
  const agent = base.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })
  const proxy = httpProxy.createProxyServer({ target: base.href, agent, changeOrigin: true, proxyTimeout: timeoutMs, timeout: timeoutMs, xfwd: true })
  proxy.on('error', (error, _req, res) => {
    const code = (error as NodeJS.ErrnoException).code
    const timedOut = code === 'ECONNRESET' || code === 'ETIMEDOUT' || /timeout/i.test(error.message)
    const response = res as Response
    if (typeof response.status !== 'function') return
    if (timedOut) sendError(response, 504, 'origin_timeout', `The media origin ${base.origin} did not answer within ${timeoutMs} ms. Check that it is running and reachable.`)
    else sendError(response, 502, 'origin_unreachable', `The media origin ${base.origin} could not be reached (${code ?? error.message}). Check --origin and that the origin is up.`)
  })
  const target = (path: string) => new URL(path.replace(/^\/+/, ''), base)
  return {
    async fetchText(path) {
      let reply: globalThis.Response
      try {
        reply = await fetch(target(path), { signal: AbortSignal.timeout(timeoutMs) })
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError'
        return {
          status: timedOut ? 504 : 502,
          body: timedOut ? `The media origin did not answer within ${timeoutMs} ms.` : `The media origin ${base.origin} could not be reached.`,
          contentType: 'text/plain',
        }
      }
      return { status: reply.status, body: await reply.text(), contentType: reply.headers.get('content-type') ?? 'application/vnd.apple.mpegurl' }
    },
    stream(path, req, res) {
      // http-proxy joins target path + req.url; hand it the path relative to the media root.
      // The token is ours: it never travels to a third-party origin.
      req.url = '/' + path.replace(/^\/+/, '')
      delete req.headers[TOKEN_HEADER.toLowerCase()]
      proxy.web(req, res)
    },
    close() {
      proxy.close()
      agent.destroy()
    },
  }
}
