// GET /api/channels?state=open,closing&cursor=…&limit=…: the admin pages through channels newest first, by state, so
// no number of unfunded opens can push an open channel out of reach. The cursor names the last channel of the
// previous page (created-at and id), opaque to the caller.
import type { ChannelState } from '../../protocol/messages.ts'
import type { ChannelCursor, ChannelQuery } from '../store/channel-store.ts'

const STATES: readonly ChannelState[] = ['opening', 'open', 'closing', 'closed']
export const DEFAULT_PAGE = 100
export const MAX_PAGE = 1_000

export type PageQuery = { ok: true; query: ChannelQuery } | { ok: false; error: 'bad_query'; message: string }

export function encodeCursor(cursor: ChannelCursor): string {
  return Buffer.from(`${cursor.createdAt}.${cursor.id}`).toString('base64url')
}

function decodeCursor(text: string): ChannelCursor | null {
  const match = /^(\d{1,16})\.([0-9a-f]{24})$/.exec(Buffer.from(text, 'base64url').toString())
  return match ? { createdAt: Number(match[1]), id: match[2] } : null
}

const one = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** Reads the query string: 1. states, each known; 2. a cursor this host wrote; 3. a limit from 1 to MAX_PAGE. */
export function parsePageQuery(query: Record<string, unknown>): PageQuery {
  const stateText = one(query.state)
  const states = stateText === undefined ? null : stateText.split(',').filter(Boolean)
  const unknown = states?.find((state) => !STATES.includes(state as ChannelState))
  if (unknown !== undefined || states?.length === 0) {
    return { ok: false, error: 'bad_query', message: `state must be a comma-separated list of ${STATES.join(', ')}.` }
  }
  const cursorText = one(query.cursor)
  const before = cursorText === undefined ? null : decodeCursor(cursorText)
  if (cursorText !== undefined && before === null) return { ok: false, error: 'bad_query', message: 'That cursor is not one this host gave out (nextCursor).' }
  const limitText = one(query.limit)
  const limit = limitText === undefined ? DEFAULT_PAGE : Number(limitText)
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) return { ok: false, error: 'bad_query', message: `limit must be a whole number from 1 to ${MAX_PAGE}.` }
  return { ok: true, query: { states: states as ChannelState[] | null, before, limit } }
}

/** A full page may have more after it; a short one is the last. */
export function nextCursor(page: ReadonlyArray<ChannelCursor>, limit: number): string | null {
  const last = page[page.length - 1]
  return page.length === limit && last ? encodeCursor(last) : null
}
