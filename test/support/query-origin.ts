// An HTTP origin that tells files apart by their query, as AWS Kinesis Video and Apple's LL-HLS reference server do:
// `routes` maps each URL it serves by query (path and query, exactly as requested) to a file of its folder; any other
// query is a 404, and a path without one is the folder's own file (Range and HEAD honoured). Every request is recorded
// as it arrived, so a test can check what the paywall forwarded, and that it asked nothing at all.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'

export interface QueryOrigin {
  url: string
  /** Each request's method and URL (path and query), in arrival order. */
  requests: string[]
  close(): Promise<void>
}

export async function startQueryOrigin(root: string, routes: ReadonlyMap<string, string> = new Map()): Promise<QueryOrigin> {
  const requests: string[] = []
  const app = express()
  app.use((req, res, next) => {
    requests.push(`${req.method} ${req.url}`)
    const file = routes.get(req.url)
    if (file) req.url = file
    else if (req.url.includes('?')) return void res.status(404).end()
    next()
  })
  app.use(express.static(root, { dotfiles: 'deny', acceptRanges: true }))
  const server: Server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
