// A request for media bytes: a segment, a part, an init segment or a key file, whole or by Range. Its first step,
// before anything is looked up, reads its Range and its query: several ranges or a malformed Range are refused (400),
// not ignored (ignoring one would mean sending the whole file), a range no file has is a 416, and a query no playlist
// could list a 400; so a flood of them costs no lookup. Then every byte the answer would carry must lie in entries
// released to the asker (accessToBytes), whatever role each playlist gives the file: a Range inside a paid segment is
// served, `bytes=0-` of a file cut into ranges only when every range is paid, and a request touching an unpaid entry
// gets the 402 naming the first one. A query must be one a playlist lists with that path, and goes to the origin
// exactly so. Key files go to open channels only (and a key file some playlist also sells as media, only once paid).
// A request that says its payment is on its way (X-Payment-Wait) is held, not refused, until the payment is in (or
// its channel opens), for at most what it asked (payment-waits.ts); then it is checked again as if it had just come.
// Each step is a middleware (gate.ts composes them); what it learns goes on res.locals.media for the next.
import type { NextFunction, Request, Response } from 'express'
import { accessToBytes, type ByteAccess } from '../../protocol/hls/byte-access.ts'
import type { ByteRange } from '../../protocol/hls/byte-range.ts'
import { entryCharge, releasedTo } from '../../protocol/hls/entry-charge.ts'
import type { IndexedEntry } from '../../protocol/hls/media-index.ts'
import { rangeOfFile, readRangeHeader, type RangeRequest } from '../../protocol/hls/range-header.ts'
import { QUERY_MAX_LENGTH, requestedQuery } from '../../protocol/hls/segment-query.ts'
import { MAX_PAYMENT_WAIT_MS, PAYMENT_WAIT_HEADER, readPaymentWait, TOKEN_HEADER, TOKEN_QUERY } from '../../protocol/paywall.ts'
import { paidEntriesOf, type LiveChannel } from '../channels/live-channels.ts'
import { paymentRequiredBody } from './access.ts'
import type { OriginFile } from './origin.ts'
import type { PaywallParts } from './paywall-parts.ts'
import { Refusal } from './refusal.ts'

/** What the steps learn of one media request, in res.locals.media. */
export interface MediaRequest {
  /** /media/... as the book keys it. */
  mediaPath: string
  /** The same, relative to the media root, for the origin. */
  relative: string
  /** The request's query, the token parameter taken out: what the entry's key and the origin's request carry. */
  query: string | null
  token: string | undefined
  /** Until when (performance.now()) the request may be held for its payment: its arrival when it asked for no wait. */
  holdUntil: number
  range: Exclude<RangeRequest, { kind: 'refused' }>
  /** The entries listed with this path and query. */
  listed?: readonly IndexedEntry[]
  /** The entries whose bytes this file holds (every query's, where the origin answers all queries with one file). */
  sameBytes?: readonly IndexedEntry[]
  channel?: LiveChannel
  bytes?: Bytes
  access?: Extract<ByteAccess, { kind: 'released' }>
}

/** A file every byte of which belongs to whole-file entries: any Range of it is inside them. */
const EVERY_BYTE: ByteRange = { start: 0, end: Number.MAX_SAFE_INTEGER }

type Bytes = { whole: true } | { whole: false; send: { range: ByteRange; size: number; partial: boolean } }

type Step = (req: Request, res: Response, next: NextFunction) => void | Promise<void>

const mediaOf = (res: Response): MediaRequest => res.locals.media

/** The raw query string of a request's URL (after `?`), as the client sent it. */
function rawQueryOf(url: string): string {
  const mark = url.indexOf('?')
  return mark < 0 ? '' : url.slice(mark + 1)
}

/**
 * The first step, which looks nothing up: the Range and the query read. The token comes from its header only: a
 * `?token=` query is not read (it would be logged on the way).
 */
export function readMediaRequest(req: Request, res: Response, next: NextFunction): void {
  const range = readRangeHeader(req.get('range'))
  if (range.kind === 'refused') return next(rangeRefusal(range))
  const query = requestedQuery(rawQueryOf(req.originalUrl))
  if (query === 'bad') {
    return next(new Refusal(400, 'bad_query', `That query names no segment: a segment's query is exactly the one its playlist lists, as browsers send it, at most ${QUERY_MAX_LENGTH} characters (besides the ${TOKEN_QUERY} parameter).`))
  }
  const wait = readPaymentWait(req.get(PAYMENT_WAIT_HEADER))
  if (wait === null) {
    return next(new Refusal(400, 'bad_wait', `${PAYMENT_WAIT_HEADER} is a whole number of milliseconds (the host holds at most ${MAX_PAYMENT_WAIT_MS}).`))
  }
  const { mediaPath, relative } = res.locals
  res.locals.media = { mediaPath, relative, query, range, token: req.get(TOKEN_HEADER) || undefined, holdUntil: performance.now() + wait } satisfies MediaRequest
  next()
}

/** The answer to a Range header refused before anything is looked up. */
export function rangeRefusal(range: Extract<RangeRequest, { kind: 'refused' }>): Refusal {
  const headers: Record<string, string> = range.status === 416 && range.contentRange ? { 'Content-Range': range.contentRange } : {}
  return new Refusal(range.status, range.code, range.message, { headers })
}

function originFile(request: MediaRequest): OriginFile {
  return { path: request.relative, query: request.query }
}

/** The path's entries listed with this query; after a restart the playlists served before are read again first. */
export function entriesOf(parts: PaywallParts): Step {
  return async (_req, res, next) => {
    const request = mediaOf(res)
    const { mediaPath, query } = request
    let entries = parts.book.index.inFile(mediaPath)
    if (entries.length === 0) {
      await parts.book.warm()
      entries = parts.book.index.inFile(mediaPath)
    }
    if (entries.length === 0) {
      throw new Refusal(404, 'not_listed', `${mediaPath} is not a segment of any playlist this host has served. Load the stream's playlist first.`)
    }
    const listed = entries.filter((entry) => entry.key.query === query)
    if (listed.length === 0) {
      throw new Refusal(404, 'not_listed', `${mediaPath} is listed, but not with ${query === null ? 'no query' : `the query "${query}"`}: ask for it exactly as a playlist lists it.`)
    }
    request.listed = listed
    // An origin that answers every query of a path with one file holds the bytes of all the path's entries at once.
    request.sameBytes = parts.origin.queriesNameFiles ? listed : entries
    parts.book.played(listed)
    next()
  }
}

const invalidToken = () => new Refusal(403, 'invalid_token', 'That channel token is unknown or its channel is closed; open a new channel.')

/**
 * Holds the request while `unmet(answer)`: at each event under `key` (payment-waits.ts) it asks `check` again, until
 * its hold ends. Resolves with the last answer, or null when the asker went away.
 */
async function heldWhile<T>(parts: PaywallParts, res: Response, key: string, answer: T, check: () => Promise<T>, unmet: (answer: T) => boolean): Promise<T | null> {
  const { holdUntil } = mediaOf(res)
  if (!unmet(answer) || holdUntil <= performance.now()) return answer
  // After a time slice too: in a cluster the payment may have reached another instance, which only the store knows.
  const register = () => parts.waits.hold(key, Math.min(holdUntil - performance.now(), parts.waits.recheckMs), res)
  let hold = register()
  for (;;) {
    // The wait is registered before the check: an event while the check runs ends it at once instead of being missed.
    answer = await check()
    if (!unmet(answer) || holdUntil <= performance.now()) return hold.release(), answer
    const end = await hold.ended
    if (end === 'aborted') return null
    if (end === 'full') return answer
    if (end === 'refused') return check()
    hold = register()
  }
}

/** The open channel the token names (held while it is being funded, when asked); a key file goes to an open channel only. */
export function channelOf(parts: PaywallParts): Step {
  return async (_req, res, next) => {
    const request = mediaOf(res)
    const lookup = () => (request.token ? parts.channels.byToken(request.token, request.listed![0].id) : Promise.resolve(undefined))
    const found = await lookup()
    // Only an unknown token may be held (its channel being funded): a known one costs no digest and no extra turn.
    const channel = request.token && !found ? await heldWhile(parts, res, parts.waits.tokenKey(request.token), found, lookup, (answer) => answer === undefined) : found
    if (channel === null) return
    if (request.token && !channel) throw invalidToken()
    if (!channel && request.sameBytes!.some((entry) => entry.kind === 'keyfile')) {
      throw new Refusal(403, 'channel_required', `${request.mediaPath} is a key file: it is released to an open channel only. Send its token in the ${TOKEN_HEADER} header.`)
    }
    request.channel = channel
    next()
  }
}

/** The bytes the answer would carry: the whole file when every entry of it is a whole file, else the Range's. */
export function bytesOf(parts: PaywallParts): Step {
  return async (_req, res, next) => {
    const request = mediaOf(res)
    if (request.sameBytes!.every((entry) => entry.key.range === null)) {
      request.bytes = { whole: true }
      return next()
    }
    const size = await parts.origin.size(originFile(request))
    if (!size.ok) throw new Refusal(size.status, size.status === 404 ? 'not_found' : 'origin_error', size.message)
    const outcome = rangeOfFile(request.range, size.size)
    if (outcome.kind === 'refused') throw new Refusal(outcome.status, outcome.code, outcome.message, { headers: { 'Content-Range': outcome.contentRange } })
    if (outcome.kind === 'partial') {
      request.bytes = { whole: false, send: { range: outcome.range, size: size.size, partial: true } }
      return next()
    }
    if (size.size === 0) throw new Refusal(404, 'not_listed', `${request.mediaPath} is empty.`)
    request.bytes = { whole: false, send: { range: { start: 0, end: size.size - 1 }, size: size.size, partial: false } }
    next()
  }
}

/** Every byte asked for lies in entries released to the asker, or the 402 names the first that is not. */
export function authorize(parts: PaywallParts): Step {
  return async (_req, res, next) => {
    const request = mediaOf(res)
    const { mediaPath, query, bytes } = request
    const rules = parts.pricing.rules()
    const requested = bytes!.whole ? EVERY_BYTE : bytes!.send.range
    const file = { path: mediaPath, query, queriesNameFiles: parts.origin.queriesNameFiles }
    const accessFor = (channel: LiveChannel | undefined) => accessToBytes(file, requested, parts.book.index, releasedTo(rules, channel ? paidEntriesOf(channel) : null))
    let access = accessFor(request.channel)
    if (access.kind === 'payment_required' && request.channel && request.token) {
      // In a cluster the payment may have reached another instance: this one reads the channel again from the store.
      const fresh = await parts.channels.byToken(request.token, access.entry.id)
      if (fresh && fresh !== request.channel) {
        request.channel = fresh
        access = accessFor(fresh)
      }
    }
    if (access.kind === 'payment_required' && request.channel && request.token) {
      const token = request.token
      const held = await heldWhile(
        parts,
        res,
        request.channel.record.id,
        { channel: request.channel as LiveChannel | undefined, access },
        async () => {
          const channel = await parts.channels.byToken(token, request.listed![0].id)
          return { channel, access: accessFor(channel) }
        },
        (answer) => answer.channel !== undefined && answer.access.kind === 'payment_required',
      )
      if (held === null) return
      if (!held.channel) throw invalidToken()
      request.channel = held.channel
      access = held.access
    }
    if (access.kind === 'not_listed') {
      throw new Refusal(404, 'not_listed', `Byte ${access.firstByte} of ${mediaPath} lies in no segment a playlist lists; only listed bytes are served.`)
    }
    if (access.kind === 'payment_required') {
      const id = access.entry.id
      parts.observer.paymentRequired(id)
      const paid = request.channel ? paidEntriesOf(request.channel) : null
      const body = paymentRequiredBody(id, entryCharge(id, rules, paid), request.channel ?? null)
      throw new Refusal(402, body.error, body.message, { body })
    }
    request.access = access
    next()
  }
}

/** The bytes go: from the origin, or (edge mode) from nginx or the CDN at a URL signed now. */
export function release(parts: PaywallParts): Step {
  return (req, res) => {
    const request = mediaOf(res)
    const { channel } = request
    const { listed, sameBytes, bytes, access } = request as Required<MediaRequest>
    const oneEntry = sameBytes.every((entry) => entry.id === listed[0].id)
    const edgeUrl = !access.free && channel && bytes.whole && oneEntry ? parts.edge?.urlFor(listed[0].id, channel.record.id) : undefined
    if (edgeUrl) return void res.redirect(302, edgeUrl)
    if (!access.free) res.on('finish', () => parts.observer.served(channel?.record.id ?? null, Number(res.getHeader('content-length') ?? 0)))
    if (bytes.whole) parts.origin.pass(originFile(request), req, res)
    else parts.origin.sendBytes(originFile(request), bytes.send, req, res)
  }
}
