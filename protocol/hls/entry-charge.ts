// What one listed entry costs one viewer now, and so whether its bytes may be sent: the single decision the host's
// paywall charges and releases by, and the player and the fleet pay by. In order:
// 1. init segments and key files are never priced (the gate releases key files to open channels only);
// 2. the first `previewSeconds` of a programme's media time are free, without a channel;
// 3. a stream whose stream.json is broken is not for sale; one priced at 0 is free;
// 4. a companion (alternate audio, subtitles) is free once its media time lies within what the channel has paid on
//    the programme, or at most one of its own segments beyond; until then it waits;
// 5. a programme entry is paid when the channel paid for it (or its parts, or its segment: the LL-HLS rule), or when
//    another rendition of the programme already paid its media time at a price per second at least as high (a
//    rendition switch never sells the same seconds twice);
// 6. otherwise it is due: its duration at its stream's and rendition's price, less the parts already paid for.
import type { PriceList } from '../pricing.ts'
import { mediaRate, segmentPrice } from '../pricing.ts'
import { isReleased, type PaidKeys } from './catalog.ts'
import { chargeFor } from './charges.ts'
import type { IndexedEntry, MediaIndex } from './media-index.ts'
import { covers, mergeSpans, withinReach, TIME_TOLERANCE_SECONDS, type MediaSpan } from './media-spans.ts'
import type { TimelineBasis } from './playlist-model.ts'

/** The ids a viewer has paid for on its channel. */
export interface PaidEntries extends PaidKeys {
  ids(): Iterable<string>
}

export interface ChargeRules {
  index: MediaIndex
  prices: PriceList
  previewSeconds: number
}

export type EntryCharge =
  | { kind: 'free'; reason: 'init' | 'key' | 'preview' | 'unpriced' }
  | { kind: 'paid'; reason: 'paid' | 'covered' | 'companion' }
  /** A companion whose media time the channel has not paid on the programme yet. */
  | { kind: 'waiting' }
  /** `seconds`: the media time this payment buys (a segment's duration less its parts already paid). */
  | { kind: 'due'; amount: number; seconds: number }
  | { kind: 'unknown' }
  | { kind: 'not_for_sale' }

export const NOTHING_PAID: PaidEntries = { has: () => false, ids: () => [] }

function spanOf(entry: IndexedEntry): MediaSpan {
  return { start: entry.start, end: entry.start + entry.duration }
}

/** Start times on a program-date-time timeline are seconds since 1970; they compare only with each other. */
function comparable(a: TimelineBasis, b: TimelineBasis): boolean {
  return (a === 'program-date-time') === (b === 'program-date-time')
}

/** The media time paid on `playlists`, counting only entries sold at `minRate` sat/s or more. */
function paidSpans(rules: ChargeRules, paid: PaidEntries, playlists: readonly string[], timeline: TimelineBasis, minRate: number): MediaSpan[] {
  const members = new Set(playlists)
  const spans: MediaSpan[] = []
  for (const id of paid.ids()) {
    const entry = rules.index.get(id)
    if (!entry || entry.duration === 0 || !members.has(entry.playlist)) continue
    const basis = rules.index.mediaPlaylist(entry.playlist)?.timeline
    if (basis === undefined || !comparable(basis, timeline) || (mediaRate(rules.prices, entry.key.path) ?? 0) < minRate) continue
    spans.push(spanOf(entry))
  }
  return mergeSpans(spans)
}

/** Whether an entry lies in the free preview: the first `previewSeconds` of a timeline that starts with the stream. */
export function inPreview(entry: Pick<IndexedEntry, 'start' | 'duration'>, timeline: TimelineBasis, previewSeconds: number): boolean {
  return previewSeconds > 0 && timeline === 'stream' && entry.start + entry.duration <= previewSeconds + TIME_TOLERANCE_SECONDS
}

/** `paid` null: no channel. */
export function entryCharge(id: string, rules: ChargeRules, paid: PaidEntries | null): EntryCharge {
  const entry = rules.index.get(id)
  if (!entry) return { kind: 'unknown' }
  if (entry.kind === 'init' || entry.kind === 'key') return { kind: 'free', reason: entry.kind }
  const timeline = rules.index.mediaPlaylist(entry.playlist)?.timeline ?? 'stream'
  if (inPreview(entry, timeline, rules.previewSeconds)) return { kind: 'free', reason: 'preview' }
  const rate = mediaRate(rules.prices, entry.key.path)
  if (rate === null) return { kind: 'not_for_sale' }
  if (!(rate > 0)) return { kind: 'free', reason: 'unpriced' }
  const mine = paid ?? NOTHING_PAID
  const role = rules.index.roleOf(entry.playlist)
  if (role.kind === 'companion') {
    return withinReach(paidSpans(rules, mine, role.programme, timeline, 0), spanOf(entry), entry.duration) ? { kind: 'paid', reason: 'companion' } : { kind: 'waiting' }
  }
  if (isReleased(entry, mine)) return { kind: 'paid', reason: 'paid' }
  const group = role.kind === 'programme' ? role.group : [entry.playlist]
  if (group.length > 1 && covers(paidSpans(rules, mine, group, timeline, rate), spanOf(entry))) return { kind: 'paid', reason: 'covered' }
  const charge = chargeFor(id, rules.index, mine, (seconds) => segmentPrice(seconds, rate))
  if (charge.kind === 'unknown') return charge
  if (charge.kind === 'paid') return { kind: 'paid', reason: 'paid' }
  if (charge.kind === 'free') return { kind: 'free', reason: 'unpriced' }
  const paidParts = entry.parts.filter((part) => mine.has(part)).reduce((sum, part) => sum + (rules.index.get(part)?.duration ?? 0), 0)
  return { kind: 'due', amount: charge.amount, seconds: Math.max(0, entry.duration - paidParts) }
}

/**
 * The entries whose bytes a viewer may receive, for accessToBytes: what it paid for, what is free to it, and
 * companions within its reach. Key files are left to the gate (released to open channels only).
 */
export function releasedTo(rules: ChargeRules, paid: PaidEntries | null): PaidKeys {
  return {
    has(id) {
      const charge = entryCharge(id, rules, paid)
      return charge.kind === 'paid' || (charge.kind === 'free' && charge.reason !== 'key')
    },
  }
}
