// Bench child: a TCP proxy that holds every chunk for a fixed time in each direction, so a loopback connection
// behaves as one with that round-trip time (this machine has no netem). Usage: delay-proxy.ts <targetUrl> <rttMs>
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'

const [targetUrl, rttArg] = process.argv.slice(2)
if (!targetUrl || !rttArg) throw new Error('usage: delay-proxy.ts <targetUrl> <rttMs>')
const target = new URL(targetUrl)
const oneWayMs = Number(rttArg) / 2

/** Forwards `from` to `to` late by oneWayMs; timers of one duration fire in the order they were set, so bytes keep their order. */
function relay(from: Socket, to: Socket): void {
  from.on('data', (chunk) => setTimeout(() => to.write(chunk), oneWayMs))
  from.on('end', () => setTimeout(() => to.end(), oneWayMs))
  from.on('error', () => to.destroy())
  from.on('close', () => setTimeout(() => to.destroy(), oneWayMs))
}

const server = createServer((client) => {
  client.setNoDelay(true)
  const upstream = connect(Number(target.port), target.hostname)
  upstream.setNoDelay(true)
  relay(client, upstream)
  relay(upstream, client)
})
server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', url: `${target.protocol}//127.0.0.1:${(server.address() as AddressInfo).port}` })
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
