// The query of a segment's URL. Some packagers tell entries apart by it alone (AWS Kinesis Video's
// getMP4MediaFragment.mp4?FragmentNumber=…, Apple's LL-HLS reference server's lowLatencySeg.m4s?segment=…), so it is
// part of what is sold: part of the entry's key. One form serves the key, the request and the origin: the query as the
// WHATWG URL parser serializes it (what browsers, hls.js and fetch send), without its `?`. It is compared byte for byte
// and forwarded to the origin exactly as it is, never decoded or reordered (an origin may read it any way it likes),
// and it is bounded. The `token` parameter is the paywall's own: clients once sent the channel token there, and a URL
// ends up in logs, so the host never reads it; it is taken out of a request's query before the query is matched and
// never forwarded, and a playlist URI that uses it names no entry.

/** The query parameter the paywall keeps for itself (never read as a token: the token travels in a header). */
export const TOKEN_QUERY = 'token'

/** Longer queries name no entry: a key is stored with every payment. */
export const QUERY_MAX_LENGTH = 1024

const BASE = 'http://host.invalid/'

function parameterName(parameter: string): string {
  const equals = parameter.indexOf('=')
  return equals < 0 ? parameter : parameter.slice(0, equals)
}

/** Why a non-empty query cannot be part of a key (to finish "The query of X ..."), or null when it can. */
export function queryProblem(query: string): string | null {
  if (query.length > QUERY_MAX_LENGTH) return `is ${query.length} characters long; at most ${QUERY_MAX_LENGTH} are sold`
  if (new URL(`${BASE}?${query}`).search !== `?${query}`) return 'is not written as browsers send it (a space, quote, #, control or non-ASCII character left unescaped)'
  if (query.split('&').some((parameter) => parameterName(parameter) === TOKEN_QUERY)) {
    return `uses the "${TOKEN_QUERY}" parameter, which is the paywall's own (the channel token): rename it at the packager or origin`
  }
  return null
}

export function isKeyQuery(query: string): boolean {
  return query !== '' && queryProblem(query) === null
}

/**
 * The query a request names, from its raw query string (what follows `?`, maybe empty): the channel token's
 * parameters taken out, everything else exactly as sent; null when nothing is left; 'bad' when the rest could be no
 * key's query.
 */
export function requestedQuery(raw: string): string | null | 'bad' {
  const rest = raw
    .split('&')
    .filter((parameter) => parameterName(parameter) !== TOKEN_QUERY)
    .join('&')
  if (rest === '') return null
  return isKeyQuery(rest) ? rest : 'bad'
}
