// Requests that name the host as a browser under DNS rebinding would (Host: attacker.example), or as nginx forwards
// a public name: fetch() cannot set Host, node:http can. Also a WebSocket upgrade, as Socket.IO's client sends it.
import { request, type Agent } from 'node:http'
import { randomBytes } from 'node:crypto'

export interface HostAnswer {
  status: number
  body: string
}

export interface HostRequest {
  method?: string
  headers?: Record<string, string>
  body?: string
  /** A loopback address to send from (127.0.0.2, …). */
  localAddress?: string
  agent?: Agent
}

/** `path` on the host at `url`, with `Host: host`. */
export function requestWithHost(url: string, path: string, host: string, options: HostRequest = {}): Promise<HostAnswer> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, path, method: options.method ?? 'GET', localAddress: options.localAddress, agent: options.agent ?? false, headers: { ...options.headers, Host: host } },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/** The status a WebSocket upgrade of Socket.IO's gets with `Host: host` (101 when it is taken). */
export function upgradeWithHost(url: string, host: string): Promise<number> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({
      hostname,
      port,
      path: '/socket.io/?EIO=4&transport=websocket',
      agent: false,
      headers: { Host: host, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64') },
    })
    req.on('upgrade', (res, socket) => {
      socket.destroy()
      resolve(res.statusCode ?? 0)
    })
    req.on('response', (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}
