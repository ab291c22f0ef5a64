// What a viewer plays, as the host lists it: every playlist the viewer loads is read with the same HLS model and kept
// in the same MediaIndex as the host's paywall keeps, and every entry is charged by the same rules and the host's
// terms (its prices, the stream prices, the preview). So the viewer never pays for an init segment, a key file, the
// preview or an alternate audio track, and pays for the rest exactly what the host will ask.
import { entryCharge, type EntryCharge } from '../../protocol/hls/entry-charge.ts'
import { MediaIndex } from '../../protocol/hls/media-index.ts'
import { mergeSpans, type MediaSpan } from '../../protocol/hls/media-spans.ts'
import type { PlaylistReading } from '../../protocol/hls/playlist-model.ts'
import { readHlsPlaylist } from '../../protocol/hls/read-playlist.ts'
import type { Terms } from '../../protocol/messages.ts'
import type { ChargeOf } from './segment-purchase.ts'

export class PlayedMedia {
  readonly index = new MediaIndex()
  /** The programme media time of every entry received, as it was when it arrived. */
  private readonly received = new Map<string, MediaSpan>()

  /** `terms`: the host's latest terms, null until they arrive (nothing is charged before). */
  constructor(private readonly terms: () => Terms | null) {}

  /** Reads one playlist as the host served it (`path`: decoded, /media/...), with what its masters define. */
  learn(text: string, path: string): PlaylistReading {
    const reading = readHlsPlaylist(text, path, { imports: this.index.importsFor(path) })
    if (reading.ok) this.index.learn(reading.playlist)
    return reading
  }

  /** What an entry costs, decided when asked: payments in between change it. */
  chargeOf(segment: string): ChargeOf {
    return (paid): EntryCharge => {
      const terms = this.terms()
      if (!terms) return { kind: 'unknown' }
      return entryCharge(segment, { index: this.index, prices: terms, previewSeconds: terms.previewSeconds }, paid)
    }
  }

  /** Whether a media playlist has media to pay for, so a channel is worth opening before hls.js asks for it. */
  sells(path: string): boolean {
    const segments = this.index.mediaPlaylist(path)?.segments ?? []
    return segments.some((segment) => this.chargeOf(segment.id)(null).kind === 'due')
  }

  /** A segment or part of the programme (not an init segment, a key file, alternate audio or subtitles). */
  private isProgramme(id: string): boolean {
    const entry = this.index.get(id)
    return entry !== undefined && entry.duration > 0 && this.index.roleOf(entry.playlist).kind === 'programme'
  }

  /** An entry's bytes arrived. */
  delivered(segment: string): void {
    const entry = this.index.get(segment)
    if (entry && this.isProgramme(segment)) this.received.set(segment, { start: entry.start, end: entry.start + entry.duration })
  }

  /** Seconds of programme media time received (alternate audio and overlaps between renditions count once). */
  receivedSeconds(): number {
    return mergeSpans([...this.received.values()]).reduce((sum, span) => sum + span.end - span.start, 0)
  }
}
