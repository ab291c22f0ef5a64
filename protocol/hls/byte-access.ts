// Whether a request for bytes of one file may be answered. A byte may go when an entry holding it was bought by the
// channel (whatever else lists those bytes: a paid segment's Range, its parts, its I-frames), or when every entry
// holding it is free to the channel (an init segment no playlist also sells). So a free role never gives away bytes
// that another role sells, and a paid entry is never refused because another playlist lists its bytes too. This covers
// a Range inside one paid segment (players that split a segment), a whole-file request on a file cut into ranges
// (every range must be paid), and ranges that straddle segments. A request names a path and a query: a query no entry
// of the path is listed with is not listed. Which entries hold the same bytes depends on the origin: an HTTP origin
// answers each query with its own bytes, the media folder answers every query of a path with the same file.
import { rangeContains, rangesOverlap, type ByteRange } from './byte-range.ts'
import type { Catalog, CatalogEntry } from './catalog.ts'

/** What one entry is to one channel's request, decided by its id (every listing of an entry alike). */
export type Release =
  /** Paid for by the channel: its bytes go. */
  | 'bought'
  /** Free to it (init, preview, an unpriced stream, a key file to an open channel, a companion within reach, media time
   * paid in another rendition): its bytes go when every other entry holding them may go too. */
  | 'allowed'
  /** For sale, unpaid. */
  | 'due'
  /** Not for sale now (a companion waiting for the programme, a stream not for sale, a key file without a channel). */
  | 'withheld'
  /** Sold by none of its roles (only listed as trick play): it holds no bytes for this request. */
  | 'ignored'

export type ByteAccess =
  /** Send it. `free`: every byte is an init segment or a key file's, nothing sold (the key's channel is the gate's). */
  | { kind: 'released'; free: boolean }
  /** Ask for a payment for `entry`: the unpaid entry holding the first byte that may not be sent. */
  | { kind: 'payment_required'; entry: CatalogEntry }
  /** Byte `firstByte` lies in no listed entry: never served. */
  | { kind: 'not_listed'; firstByte: number }

const WHOLE_FILE: ByteRange = { start: 0, end: Number.POSITIVE_INFINITY }

/** The file a request asks bytes of. */
export interface RequestedFile {
  path: string
  /** The request's query, the token taken out (segment-query.ts requestedQuery). */
  query: string | null
  /** The origin answers each query with its own bytes (an HTTP origin), not every query with one file (a folder). */
  queriesNameFiles: boolean
}

function spanOf(entry: CatalogEntry): ByteRange {
  return entry.key.range ?? WHOLE_FILE
}

/**
 * Of the entries holding a byte that may not go, the one to pay for: one that is for sale before one that is not; of
 * those, the part when the request stays inside it (a player loading parts), otherwise the segment (the unit a player
 * loads), otherwise whatever holds the byte.
 */
function entryToPay(candidates: CatalogEntry[], requested: ByteRange, release: (entry: CatalogEntry) => Release): CatalogEntry {
  const due = candidates.filter((entry) => release(entry) === 'due')
  const pool = due.length > 0 ? due : candidates
  const part = pool.find((entry) => entry.kind === 'part' && rangeContains(spanOf(entry), requested))
  return part ?? pool.find((entry) => entry.kind === 'segment') ?? pool[0]
}

/** `requested` is the inclusive byte range of the file the response would carry (the whole file: 0 to size - 1). */
export function accessToBytes(file: RequestedFile, requested: ByteRange, catalog: Catalog, releaseOf: (id: string) => Release): ByteAccess {
  const known = new Map<string, Release>()
  const release = (entry: CatalogEntry) => {
    let answer = known.get(entry.id)
    if (answer === undefined) known.set(entry.id, (answer = releaseOf(entry.id)))
    return answer
  }
  const ofPath = catalog.inFile(file.path)
  const asked = ofPath.filter((entry) => entry.key.query === file.query)
  if (asked.length === 0) return { kind: 'not_listed', firstByte: requested.start }
  const sameBytes = file.queriesNameFiles ? asked : ofPath
  const holders = sameBytes.filter((entry) => rangesOverlap(spanOf(entry), requested) && release(entry) !== 'ignored')
  // A sweep over the request's bytes, from one entry boundary to the next, with the entries holding the current byte.
  let next = 0
  let holding: CatalogEntry[] = []
  let cursor = requested.start
  for (;;) {
    while (next < holders.length && spanOf(holders[next]).start <= cursor) holding.push(holders[next++])
    holding = holding.filter((entry) => spanOf(entry).end >= cursor)
    if (holding.length === 0) return { kind: 'not_listed', firstByte: cursor }
    const states = holding.map(release)
    if (!states.includes('bought') && !states.every((state) => state === 'allowed')) {
      return { kind: 'payment_required', entry: entryToPay(holding.filter((entry) => release(entry) !== 'allowed'), requested, release) }
    }
    cursor = Math.min(next < holders.length ? spanOf(holders[next]).start : Number.POSITIVE_INFINITY, ...holding.map((entry) => spanOf(entry).end + 1))
    if (cursor > requested.end) return { kind: 'released', free: holders.every((entry) => entry.kind === 'init' || entry.kind === 'keyfile') }
  }
}
