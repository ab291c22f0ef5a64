// What one listed entry costs one viewer now, and so whether its bytes may be sent: the single decision the host's
// paywall charges and releases by, and the player and the fleet pay by. An entry may have several roles, one per
// playlist that lists it (a segment in one, an init segment, a key file, a part or the free preview in another): each
// listing is charged by the rules below, and the dearest answer is the entry's, whichever playlist was read first. A
// payment buys every role. For each listing, in order:
// 1. a listing in a trick-play (I-frame) playlist sells nothing: the bytes are the variants' (but what a channel paid
//    for before a master said so stays its own);
// 2. init segments and key files are never priced (the gate releases key files to open channels only);
// 3. the first `previewSeconds` of a programme's media time are free, without a channel;
// 4. a stream whose stream.json is broken is not for sale; one priced at 0 is free;
// 5. an entry the channel paid for (or its parts, or its segment: the LL-HLS rule) is paid, whatever roles its
//    playlist was given since;
// 6. a companion (alternate audio, subtitles) is free once its media time lies within what the channel has paid on
//    the programme, or at most one of its own segments beyond; until then it waits;
// 7. a programme entry is paid when another rendition of the programme already paid its media time at a price per
//    second at least as high (a rendition switch never sells the same seconds twice);
// 8. otherwise it is due: its duration at its stream's and rendition's price, less the parts already paid for.
import type { PriceList } from '../pricing.ts'
import { mediaRate, segmentPrice } from '../pricing.ts'
import type { Release } from './byte-access.ts'
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
  | { kind: 'free'; reason: 'init' | 'keyfile' | 'preview' | 'unpriced' }
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
    for (const entry of rules.index.listingsOf(id)) {
      if (entry.duration === 0 || !members.has(entry.playlist)) continue
      const basis = rules.index.mediaPlaylist(entry.playlist)?.timeline
      if (basis === undefined || !comparable(basis, timeline) || (mediaRate(rules.prices, entry.key.path) ?? 0) < minRate) continue
      spans.push(spanOf(entry))
    }
  }
  return mergeSpans(spans)
}

/** Whether an entry lies in the free preview: the first `previewSeconds` of a timeline that starts with the stream. */
export function inPreview(entry: Pick<IndexedEntry, 'start' | 'duration'>, timeline: TimelineBasis, previewSeconds: number): boolean {
  return previewSeconds > 0 && timeline === 'stream' && entry.start + entry.duration <= previewSeconds + TIME_TOLERANCE_SECONDS
}

/** What one listing of an entry costs; null for a trick-play listing, which sells nothing. */
function listingCharge(entry: IndexedEntry, rules: ChargeRules, mine: PaidEntries): EntryCharge | null {
  const role = rules.index.roleOf(entry.playlist)
  if (role.kind === 'trick_play') return isReleased(entry, mine) && entry.kind !== 'init' && entry.kind !== 'keyfile' ? { kind: 'paid', reason: 'paid' } : null
  if (entry.kind === 'init' || entry.kind === 'keyfile') return { kind: 'free', reason: entry.kind }
  const timeline = rules.index.mediaPlaylist(entry.playlist)?.timeline ?? 'stream'
  if (inPreview(entry, timeline, rules.previewSeconds)) return { kind: 'free', reason: 'preview' }
  const rate = mediaRate(rules.prices, entry.key.path)
  if (rate === null) return { kind: 'not_for_sale' }
  if (!(rate > 0)) return { kind: 'free', reason: 'unpriced' }
  if (isReleased(entry, mine)) return { kind: 'paid', reason: 'paid' }
  if (role.kind === 'companion') {
    return withinReach(paidSpans(rules, mine, role.programme, timeline, 0), spanOf(entry), entry.duration) ? { kind: 'paid', reason: 'companion' } : { kind: 'waiting' }
  }
  if (role.group.length > 1 && covers(paidSpans(rules, mine, role.group, timeline, rate), spanOf(entry))) return { kind: 'paid', reason: 'covered' }
  const charge = chargeFor(entry, rules.index, mine, (seconds) => segmentPrice(seconds, rate))
  if (charge.kind === 'paid') return { kind: 'paid', reason: 'paid' }
  if (charge.kind === 'free') return { kind: 'free', reason: 'unpriced' }
  const paidParts = entry.parts.filter((part) => mine.has(part)).reduce((sum, part) => sum + (rules.index.get(part)?.duration ?? 0), 0)
  return { kind: 'due', amount: charge.amount, seconds: Math.max(0, entry.duration - paidParts) }
}

/** How dear a charge is, to compare two roles: first by kind, then within it (a key needs a channel; a due amount). */
function dearness(charge: EntryCharge): [number, number] {
  switch (charge.kind) {
    case 'unknown':
      return [0, 0]
    case 'free':
      return [1, charge.reason === 'keyfile' ? 1 : 0]
    case 'paid':
      return [2, charge.reason === 'paid' ? 2 : charge.reason === 'covered' ? 1 : 0]
    case 'waiting':
      return [3, 0]
    case 'due':
      return [4, charge.amount]
    case 'not_for_sale':
      return [5, 0]
  }
}

function dearer(a: EntryCharge, b: EntryCharge): EntryCharge {
  const [x, y] = [dearness(a), dearness(b)]
  return y[0] > x[0] || (y[0] === x[0] && y[1] > x[1]) ? b : a
}

/** `paid` null: no channel. The dearest of the entry's roles; unknown when no playlist sells it. */
export function entryCharge(id: string, rules: ChargeRules, paid: PaidEntries | null): EntryCharge {
  const mine = paid ?? NOTHING_PAID
  return rules.index.listingsOf(id).reduce<EntryCharge>((dearest, entry) => {
    const charge = listingCharge(entry, rules, mine)
    return charge ? dearer(dearest, charge) : dearest
  }, { kind: 'unknown' })
}

/**
 * What each entry is to a viewer's request for bytes (see accessToBytes): bought when paid for, allowed when free to
 * it or paid by rule (key files to open channels only), due, withheld, or ignored when no role sells it.
 */
export function releasedTo(rules: ChargeRules, paid: PaidEntries | null): (id: string) => Release {
  return (id) => {
    const charge = entryCharge(id, rules, paid)
    switch (charge.kind) {
      case 'paid':
        return charge.reason === 'paid' ? 'bought' : 'allowed'
      case 'free':
        return charge.reason === 'keyfile' && paid === null ? 'withheld' : 'allowed'
      case 'due':
        return 'due'
      case 'unknown':
        return 'ignored'
      default:
        return 'withheld'
    }
  }
}
