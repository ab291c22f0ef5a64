// Where a playlist entry points, as a path on this host and the query it is asked with. Entries are resolved against
// the playlist's own path the way a player resolves them, so the query comes out as the player will send it. An entry
// that names another host or scheme, or that leaves the playlist's top folder (/media), is not ours to gate.
import { isKeyPath } from './segment-key.ts'

export type ResolvedUri =
  | { ok: true; path: string; query: string | null }
  | { ok: false; code: 'foreign_uri' | 'bad_uri'; message: string }

const BASE = 'http://host.invalid'
const SCHEME = /^[a-z][a-z0-9+.-]*:/i

export function resolveUri(uri: string, playlistPath: string): ResolvedUri {
  if (SCHEME.test(uri) || uri.startsWith('//')) return { ok: false, code: 'foreign_uri', message: `${uri} is on another host; it is not served through this paywall.` }
  let resolved: URL
  let path: string
  try {
    resolved = new URL(uri, BASE + playlistPath)
    path = decodeURIComponent(resolved.pathname)
  } catch {
    return { ok: false, code: 'bad_uri', message: `${uri} is not a valid URI (bad percent-encoding?).` }
  }
  const top = playlistPath.split('/')[1] ?? ''
  if (!path.startsWith(`/${top}/`)) return { ok: false, code: 'foreign_uri', message: `${uri} leaves /${top}/; only files inside it are served.` }
  if (!isKeyPath(path)) return { ok: false, code: 'bad_uri', message: `${uri} names a path the host does not serve (hidden, empty or unusual characters).` }
  return { ok: true, path, query: resolved.search === '' ? null : resolved.search.slice(1) }
}
