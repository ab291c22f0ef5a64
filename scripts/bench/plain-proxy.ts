// Bench child: a plain http-proxy in front of the static origin, no payment: the baseline the paywall is compared
// with. Usage: plain-proxy.ts <originUrl>
import httpProxy from 'http-proxy'
import { Agent, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { answerLoopDelay } from './loop-delay.ts'

answerLoopDelay()

const target = process.argv[2]
if (!target) throw new Error('usage: plain-proxy.ts <originUrl>')
// The same http-proxy options as the host's proxyOrigin (server/paywall/origin.ts), so the comparison is like for like.
const proxy = httpProxy.createProxyServer({ target, agent: new Agent({ keepAlive: true }), changeOrigin: true, xfwd: true })
proxy.on('error', (_error, _req, res) => {
  if ('writeHead' in res && !res.headersSent) res.writeHead(502).end()
  else res.destroy()
})
const server = createServer((req, res) => proxy.web(req, res))
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
