// Whether a request for bytes of one file may be answered: every byte must lie in entries released to the channel
// (see isReleased). This covers a Range inside one paid segment (players that split a segment), a whole-file
// request on a file cut into ranges (every range must be paid), and ranges that straddle segments.
import { rangeContains, rangesOverlap, type ByteRange } from './byte-range.ts'
import { isReleased, type Catalog, type CatalogEntry, type PaidKeys } from './catalog.ts'

export type ByteAccess =
  /** Send it. `free`: the bytes are init segments only, so no channel is needed (key files need an open one). */
  | { kind: 'released'; free: boolean }
  /** Ask for a payment for `entry`: the unpaid entry holding the first byte that may not be sent. */
  | { kind: 'payment_required'; entry: CatalogEntry }
  /** Byte `firstByte` lies in no listed entry: never served. */
  | { kind: 'not_listed'; firstByte: number }

const WHOLE_FILE: ByteRange = { start: 0, end: Number.POSITIVE_INFINITY }

function spanOf(entry: CatalogEntry): ByteRange {
  return entry.key.range ?? WHOLE_FILE
}

/**
 * Of the unpaid entries holding byte `byte`, the one to pay for: the part when the request stays inside it (a player
 * loading parts), otherwise the segment (the unit a player loads), otherwise whatever holds the byte.
 */
function entryToPay(candidates: CatalogEntry[], requested: ByteRange): CatalogEntry {
  const part = candidates.find((entry) => entry.kind === 'part' && rangeContains(spanOf(entry), requested))
  return part ?? candidates.find((entry) => entry.kind === 'segment') ?? candidates[0]
}

/** `requested` is the inclusive byte range of `path` the response would carry (the whole file: 0 to size - 1). */
export function accessToBytes(path: string, requested: ByteRange, catalog: Catalog, paid: PaidKeys): ByteAccess {
  const touched = catalog.inFile(path).filter((entry) => rangesOverlap(spanOf(entry), requested))
  const released = touched.filter((entry) => isReleased(entry, paid))
  let cursor = requested.start
  for (const entry of released) {
    const span = spanOf(entry)
    if (span.start > cursor) break
    cursor = Math.max(cursor, span.end + 1)
    if (cursor > requested.end) return { kind: 'released', free: touched.every((entry) => entry.kind === 'init') }
  }
  const holding = touched.filter((entry) => !released.includes(entry) && spanOf(entry).start <= cursor && cursor <= spanOf(entry).end)
  return holding.length > 0 ? { kind: 'payment_required', entry: entryToPay(holding, requested) } : { kind: 'not_listed', firstByte: cursor }
}
