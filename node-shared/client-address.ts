// Who a request comes from, for the per-address limits. Directly, the socket's peer. Behind nginx (--trust-proxy),
// every peer is nginx: the client is then the last X-Forwarded-For entry, the one nginx itself appended
// ($proxy_add_x_forwarded_for); entries before it are whatever the client claimed and are never believed.
import type { IncomingHttpHeaders } from 'node:http'

export function clientAddress(peer: string | undefined, headers: IncomingHttpHeaders, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = headers['x-forwarded-for']
    const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded ?? '').split(',').map((part) => part.trim()).filter(Boolean).at(-1)
    if (last) return last
  }
  return peer ?? ''
}
