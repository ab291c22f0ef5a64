// Every request the HTTP server takes (the host's or the devnet's), and every WebSocket upgrade, is answered only when
// its Host header names this server (node-shared/host-names.ts); any other name gets 421 Misdirected Request before a
// route, the paywall, the devnet or Socket.IO sees it. That is what keeps a DNS-rebinding page (attacker.example
// resolved to 127.0.0.1) away from a server on loopback. It wraps the server's own listeners, so it must be installed
// after Socket.IO attached.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { networkInterfaces } from 'node:os'
import type { Duplex } from 'node:stream'
import { hostHeaderName, isWildcardBind, ownHostNames } from './host-names.ts'

export const MISDIRECTED = 'misdirected_request'

/** The 421 body: what was refused, and the flag that makes a name the host's own. */
export function misdirectedBody(host: string | undefined, flag: string): string {
  const shown = host === undefined ? 'no Host header' : `Host "${host.slice(0, 300)}"`
  return JSON.stringify({
    error: MISDIRECTED,
    message: `This host does not answer to ${shown}. It answers to 127.0.0.1, localhost, [::1], the address it is bound to, and the names given with ${flag}; a host reached under a public name must list it there.`,
  })
}

type Listener = (...args: unknown[]) => void

/** The names a server bound to `bind` answers to; bound to every interface, each interface's address is one. */
export function ownNamesOf(bind: string, publicHosts: readonly string[]): ReadonlySet<string> {
  const interfaceAddresses = isWildcardBind(bind) ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)) : []
  return ownHostNames({ bind, publicHosts, interfaceAddresses })
}

/** Puts the Host check in front of every 'request' and 'upgrade' listener `server` has now. */
export function refuseForeignHosts(server: Server, names: ReadonlySet<string>, flag = '--public-host (P2P_PUBLIC_HOST)'): void {
  const own = (req: IncomingMessage) => {
    const name = hostHeaderName(req.headers.host)
    return name !== null && names.has(name)
  }
  const requests = server.listeners('request') as Listener[]
  server.removeAllListeners('request')
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (own(req)) return requests.forEach((listener) => listener.call(server, req, res))
    const body = misdirectedBody(req.headers.host, flag)
    res.writeHead(421, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', Connection: 'close' })
    res.end(body)
  })
  const upgrades = server.listeners('upgrade') as Listener[]
  // Without upgrade listeners Node answers upgrades itself (as requests, or by closing): nothing to guard then.
  if (upgrades.length === 0) return
  server.removeAllListeners('upgrade')
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (own(req)) return upgrades.forEach((listener) => listener.call(server, req, socket, head))
    const body = misdirectedBody(req.headers.host, flag)
    socket.end(`HTTP/1.1 421 Misdirected Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  })
}
