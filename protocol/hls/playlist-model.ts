// What a playlist says, in the one shape the gate, the payer and the viewer fleet share. Paths are decoded absolute
// paths on this host; segments and parts carry their SegmentKey and its canonical string (`id`); times are seconds.
// A segment listed several times (an ad loop, an interstitial, a segment repeated after a discontinuity) is in
// `segments` at each place, with one id: the media index keeps it as one entry.
import type { PlaylistIssue } from './playlist-issues.ts'
import type { SegmentKey } from './segment-key.ts'

export type Playlist = MasterPlaylist | MediaPlaylist

export type PlaylistReading = { ok: true; playlist: Playlist; issues: PlaylistIssue[] } | { ok: false; issues: PlaylistIssue[] }

export interface MasterPlaylist {
  kind: 'master'
  path: string
  variants: Variant[]
  /** EXT-X-MEDIA entries (alternate audio, subtitles, video angles, captions). */
  renditions: Rendition[]
  /** EXT-X-I-FRAME-STREAM-INF playlists (trick play); their byte ranges lie inside the variants' segments. */
  iFramePlaylists: string[]
  /** Its EXT-X-DEFINE variables, which its media playlists may IMPORT. */
  variables: ReadonlyMap<string, string>
}

export interface Variant {
  /** The variant's media playlist. */
  path: string
  bandwidth: number
  averageBandwidth: number | null
  resolution: { width: number; height: number } | null
  codecs: string[]
  frameRate: number | null
  audioGroup: string | null
  subtitlesGroup: string | null
}

export type RenditionType = 'AUDIO' | 'VIDEO' | 'SUBTITLES' | 'CLOSED-CAPTIONS'

export interface Rendition {
  type: RenditionType
  groupId: string
  name: string
  language: string | null
  isDefault: boolean
  autoselect: boolean
  /** Its media playlist; null when it travels inside the variant's own segments (no URI, or captions). */
  path: string | null
  /** Media playlists of the variants that name this rendition's group. */
  usedBy: string[]
}

/** VOD never changes; EVENT only grows; live (no type) may drop segments from the front (a sliding window). */
export type PlaybackKind = 'vod' | 'event' | 'live'

/**
 * What segment start times are measured from, and so whether they can be compared across renditions:
 * - `stream`: the start of the stream (VOD, EVENT, or a live playlist still at media sequence 0);
 * - `program-date-time`: seconds since 1970 from EXT-X-PROGRAM-DATE-TIME, comparable with any rendition that has it;
 * - `window`: the first segment listed now; continueTimeline() carries earlier readings forward.
 */
export type TimelineBasis = 'stream' | 'program-date-time' | 'window'

export interface MediaPlaylist {
  kind: 'media'
  path: string
  playback: PlaybackKind
  /** #EXT-X-ENDLIST: nothing more will be added. */
  ended: boolean
  targetDuration: number
  mediaSequence: number
  discontinuitySequence: number
  timeline: TimelineBasis
  /** Usable media segments in playlist order. */
  segments: MediaSegment[]
  /** LL-HLS: parts of the segment still being written, after the last listed segment. */
  pendingParts: Part[]
  preloadHints: PreloadHint[]
  /** EXT-X-MAP init segments, each once. Free. */
  initSegments: SegmentKey[]
  /** Key files (EXT-X-KEY) on this host, each once (whole files). Not priced; released to open channels. */
  keyFiles: SegmentKey[]
  /** LL-HLS settings (EXT-X-PART-INF, EXT-X-SERVER-CONTROL); null for ordinary HLS. */
  lowLatency: LowLatency | null
  /** Sum of the usable segments' durations. */
  duration: number
}

export interface LowLatency {
  partTarget: number
  partHoldBack: number | null
  canBlockReload: boolean
}

export interface MediaSegment {
  key: SegmentKey
  /** formatSegmentKey(key): the wire and store form. */
  id: string
  /** Media sequence number. */
  sequence: number
  duration: number
  /** Media time at which it starts, on the playlist's `timeline`. */
  start: number
  /** An EXT-X-DISCONTINUITY comes before it. */
  discontinuity: boolean
  discontinuitySequence: number
  /** Milliseconds since 1970, from EXT-X-PROGRAM-DATE-TIME (extrapolated along the playlist), or null. */
  programDateTime: number | null
  init: SegmentKey | null
  /** The key file it is encrypted with, when that file is on this host. */
  keyFile: SegmentKey | null
  encrypted: boolean
  /** LL-HLS parts, in order; empty for ordinary segments. */
  parts: Part[]
}

export interface Part {
  key: SegmentKey
  id: string
  /** id of the segment it belongs to; null while that segment is still being written. */
  parent: string | null
  /** Media sequence number of that segment (known before the segment is). */
  parentSequence: number
  /** Position within the segment, from 0. */
  index: number
  duration: number
  start: number
  independent: boolean
  gap: boolean
}

/** EXT-X-PRELOAD-HINT: a resource the server is about to publish; `length` null means to the end of the resource. */
export interface PreloadHint {
  type: 'PART' | 'MAP'
  path: string
  query: string | null
  start: number
  length: number | null
}
