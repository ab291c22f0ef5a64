// Signed segment URLs for edge mode: nginx (ngx_http_secure_link_module) checks them itself, so the media bytes never
// pass through the host. A URL names exactly one segment: its file, its byte range (for a segment that is a range of
// a file), the channel that paid for it, and when it expires. What nginx hashes (docs/deploy.md has the config):
//
//   secure_link      $arg_s,$arg_e;
//   secure_link_md5  "$secure_link_expires$uri|$arg_c|$arg_r|$p2p_edge_secret";
//
// $uri is the decoded path nginx sees; `s` is the binary MD5 of that string in base64url without padding. A changed
// path, channel, range or expiry no longer matches the hash. nginx also compares the Range header with `r`. nginx
// serves files by path alone and its hash covers no query, so an entry told apart by its query gets no signed URL: the
// host serves it itself.
import { createHash } from 'node:crypto'
import { parseSegmentKey } from '../../protocol/hls/segment-key.ts'

export interface EdgeConfig {
  /** Where nginx (or a CDN) serves the media folder under signature, e.g. "/edge/" or "https://cdn.example/p2p/". */
  baseUrl: string
  secret: string
  ttlSeconds: number
}

export interface EdgeLinks {
  /** A signed URL for one paid segment (a segment key: "/media/x/seg.ts" or "/media/x/all.ts#bytes=0-999"); null for a key with a query. */
  urlFor(segmentKey: string, channelId: string): string | null
}

const MEDIA_PREFIX = '/media/'

/** The string nginx's secure_link_md5 expression above builds, for the same request. */
export function signedString(p: { expires: number; uri: string; channelId: string; range: string; secret: string }): string {
  return `${p.expires}${p.uri}|${p.channelId}|${p.range}|${p.secret}`
}

export function secureLinkHash(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('base64url')
}

export function edgeLinks(config: EdgeConfig, now: () => number = Date.now): EdgeLinks {
  const absolute = /^https?:\/\//.test(config.baseUrl)
  const base = new URL(config.baseUrl, 'http://edge.invalid')
  return {
    urlFor(segmentKey, channelId) {
      const key = parseSegmentKey(segmentKey)
      if (!key || !key.path.startsWith(MEDIA_PREFIX)) throw new RangeError(`Not a media segment key: ${segmentKey}`)
      if (key.query !== null) return null
      const relative = key.path.slice(MEDIA_PREFIX.length)
      const uri = base.pathname + relative
      const range = key.range ? `${key.range.start}-${key.range.end}` : ''
      const expires = Math.floor(now() / 1000) + config.ttlSeconds
      const hash = secureLinkHash(signedString({ expires, uri, channelId, range, secret: config.secret }))
      const query = new URLSearchParams({ e: String(expires), c: channelId, ...(range ? { r: range } : {}), s: hash })
      const path = base.pathname + relative.split('/').map(encodeURIComponent).join('/')
      return `${absolute ? base.origin : ''}${path}?${query}`
    },
  }
}
