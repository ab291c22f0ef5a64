// A request for media bytes: a segment, a part, an init segment or a key file, whole or by Range. Its first step,
// before anything is looked up, reads its Range and its query: several ranges or a malformed Range are refused (400),
// not ignored (ignoring one would mean sending the whole file), a range no file has is a 416, and a query no playlist
// could list a 400; so a flood of them costs no lookup. Then every byte the answer would carry must lie in entries
// released to the asker (accessToBytes), whatever role each playlist gives the file: a Range inside a paid segment is
// served, `bytes=0-` of a file cut into ranges only when every range is paid, and a request touching an unpaid entry
// gets the 402 naming the first one. A query must be one a playlist lists with that path, and goes to the origin
// exactly so. Key files go to open channels only (and a key file some playlist also sells as media, only once paid).
import type { Request, Response } from 'express'
import { accessToBytes } from '../../protocol/hls/byte-access.ts'
import type { ByteRange } from '../../protocol/hls/byte-range.ts'
import { entryCharge, releasedTo } from '../../protocol/hls/entry-charge.ts'
import type { IndexedEntry } from '../../protocol/hls/media-index.ts'
import { rangeOfFile, readRangeHeader, type RangeRequest } from '../../protocol/hls/range-header.ts'
import { QUERY_MAX_LENGTH, requestedQuery } from '../../protocol/hls/segment-query.ts'
import { TOKEN_HEADER, TOKEN_QUERY } from '../../protocol/paywall.ts'
import { paidEntriesOf } from '../channels/live-channels.ts'
import { paymentRequiredBody } from './access.ts'
import type { OriginFile } from './origin.ts'
import type { PaywallParts } from './paywall-parts.ts'

export interface MediaRequest {
  /** /media/... as the book keys it. */
  mediaPath: string
  /** The same, relative to the media root, for the origin. */
  relative: string
  /** The request's query, the channel token taken out: what the entry's key and the origin's request carry. */
  query: string | null
  token: string | undefined
  range: Exclude<RangeRequest, { kind: 'refused' }>
}

/** A file every byte of which belongs to whole-file entries: any Range of it is inside them. */
const EVERY_BYTE: ByteRange = { start: 0, end: Number.MAX_SAFE_INTEGER }

type Bytes = { whole: true } | { whole: false; send: { range: ByteRange; size: number; partial: boolean } }

function refuse(res: Response, status: number, error: string, message: string): void {
  res.status(status).json({ error, message })
}

/** The raw query string of a request's URL (after `?`), as the client sent it. */
function rawQueryOf(url: string): string {
  const mark = url.indexOf('?')
  return mark < 0 ? '' : url.slice(mark + 1)
}

/**
 * The first step of a media request, which looks nothing up: its Range and its query read, or null once the refusal
 * has been sent.
 */
export function readMediaRequest(req: Request, res: Response, at: Pick<MediaRequest, 'mediaPath' | 'relative' | 'token'>): MediaRequest | null {
  const range = readRangeHeader(req.get('range'))
  if (range.kind === 'refused') {
    if (range.status === 416 && range.contentRange) res.set('Content-Range', range.contentRange)
    refuse(res, range.status, range.code, range.message)
    return null
  }
  const query = requestedQuery(rawQueryOf(req.originalUrl))
  if (query === 'bad') {
    refuse(res, 400, 'bad_query', `That query names no segment: a segment's query is exactly the one its playlist lists, as browsers send it, at most ${QUERY_MAX_LENGTH} characters (besides the ${TOKEN_QUERY} parameter).`)
    return null
  }
  return { ...at, query, range }
}

function originFile(request: MediaRequest): OriginFile {
  return { path: request.relative, query: request.query }
}

/** The path's listed entries, every query; after a restart the playlists served before are read again first. */
async function entriesOf(parts: PaywallParts, mediaPath: string): Promise<readonly IndexedEntry[]> {
  const entries = parts.book.index.inFile(mediaPath)
  if (entries.length > 0) return entries
  await parts.book.warm()
  return parts.book.index.inFile(mediaPath)
}

/** The bytes the answer would carry, or null once a refusal (404, 416, 502) has been sent. */
async function bytesOf(parts: PaywallParts, request: MediaRequest, sameBytes: readonly IndexedEntry[], res: Response): Promise<Bytes | null> {
  if (sameBytes.every((entry) => entry.key.range === null)) return { whole: true }
  const size = await parts.origin.size(originFile(request))
  if (!size.ok) {
    refuse(res, size.status, size.status === 404 ? 'not_found' : 'origin_error', size.message)
    return null
  }
  const outcome = rangeOfFile(request.range, size.size)
  if (outcome.kind === 'refused') {
    res.set('Content-Range', outcome.contentRange)
    refuse(res, outcome.status, outcome.code, outcome.message)
    return null
  }
  if (outcome.kind === 'partial') return { whole: false, send: { range: outcome.range, size: size.size, partial: true } }
  if (size.size === 0) {
    refuse(res, 404, 'not_listed', `${request.mediaPath} is empty.`)
    return null
  }
  return { whole: false, send: { range: { start: 0, end: size.size - 1 }, size: size.size, partial: false } }
}

export async function serveMedia(parts: PaywallParts, request: MediaRequest, req: Request, res: Response): Promise<void> {
  const { mediaPath, query } = request
  const entries = await entriesOf(parts, mediaPath)
  if (entries.length === 0) {
    return refuse(res, 404, 'not_listed', `${mediaPath} is not a segment of any playlist this host has served. Load the stream's playlist first.`)
  }
  const listed = entries.filter((entry) => entry.key.query === query)
  if (listed.length === 0) {
    return refuse(res, 404, 'not_listed', `${mediaPath} is listed, but not with ${query === null ? 'no query' : `the query "${query}"`}: ask for it exactly as a playlist lists it.`)
  }
  // An origin that answers every query of a path with one file holds the bytes of all the path's entries at once.
  const sameBytes = parts.origin.queriesNameFiles ? listed : entries
  parts.book.played(listed)
  let channel = request.token ? await parts.channels.byToken(request.token, listed[0].id) : undefined
  if (request.token && !channel) return refuse(res, 403, 'invalid_token', 'That channel token is unknown or its channel is closed; open a new channel.')
  if (!channel && sameBytes.some((entry) => entry.kind === 'key')) {
    return refuse(res, 403, 'channel_required', `${mediaPath} is a key file: it is released to an open channel only. Send its token in the ${TOKEN_HEADER} header.`)
  }

  const bytes = await bytesOf(parts, request, sameBytes, res)
  if (!bytes) return
  const rules = parts.pricing.rules()
  const requested = bytes.whole ? EVERY_BYTE : bytes.send.range
  const file = { path: mediaPath, query, queriesNameFiles: parts.origin.queriesNameFiles }
  let paid = channel ? paidEntriesOf(channel) : null
  let access = accessToBytes(file, requested, parts.book.index, releasedTo(rules, paid))
  if (access.kind === 'payment_required' && channel && request.token) {
    // In a fleet the payment may have reached another instance: this one reads the channel again from the store.
    const fresh = await parts.channels.byToken(request.token, access.entry.id)
    if (fresh && fresh !== channel) {
      channel = fresh
      paid = paidEntriesOf(fresh)
      access = accessToBytes(file, requested, parts.book.index, releasedTo(rules, paid))
    }
  }
  if (access.kind === 'not_listed') {
    return refuse(res, 404, 'not_listed', `Byte ${access.firstByte} of ${mediaPath} lies in no segment a playlist lists; only listed bytes are served.`)
  }
  if (access.kind === 'payment_required') {
    const id = access.entry.id
    parts.observer.paymentRequired(id)
    res.status(402).json(paymentRequiredBody(id, entryCharge(id, rules, paid), channel ?? null))
    return
  }
  // Edge mode: a paid whole-file segment comes from nginx or the CDN, at a URL signed now (a refetch, or a client
  // that did not use the one it got).
  const oneEntry = sameBytes.every((entry) => entry.id === listed[0].id)
  const edgeUrl = !access.free && channel && bytes.whole && oneEntry ? parts.edge?.urlFor(listed[0].id, channel.record.id) : undefined
  if (edgeUrl) return void res.redirect(302, edgeUrl)
  if (!access.free) res.on('finish', () => parts.observer.served(channel?.record.id ?? null, Number(res.getHeader('content-length') ?? 0)))
  if (bytes.whole) parts.origin.pass(originFile(request), req, res)
  else parts.origin.sendBytes(originFile(request), bytes.send, req, res)
}
