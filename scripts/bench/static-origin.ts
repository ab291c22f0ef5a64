// Bench child: the plain static origin, express.static over the bench stream. Usage: static-origin.ts <mediaDir>
import express from 'express'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { answerLoopDelay } from './loop-delay.ts'

answerLoopDelay()

const mediaDir = process.argv[2]
if (!mediaDir) throw new Error('usage: static-origin.ts <mediaDir>')
const app = express()
app.disable('x-powered-by')
// Mounted at /media like the host, so every path in the bench is the same string on all three servers.
app.use('/media', express.static(mediaDir, { maxAge: 0 }))
const server = createServer(app)
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
