// Bench child: the plain static origin, express.static over the bench's media, and the free page of the time to first
// frame row (ttff/plain.html with hls.js). Usage: static-origin.ts <mediaDir>
import express from 'express'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { answerLoopDelay } from './loop-delay.ts'

answerLoopDelay()

const mediaDir = process.argv[2]
if (!mediaDir) throw new Error('usage: static-origin.ts <mediaDir>')
const app = express()
app.disable('x-powered-by')
// Mounted at /media like the host, so every path in the bench is the same string on all three servers.
app.use('/media', express.static(mediaDir, { maxAge: 0 }))
app.use(express.static(fileURLToPath(new URL('./ttff/', import.meta.url)), { maxAge: 0 }))
const hlsScript = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js')
app.get('/hls.min.js', (_req, res) => res.sendFile(hlsScript))
const server = createServer(app)
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
