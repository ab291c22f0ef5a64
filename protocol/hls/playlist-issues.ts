// What can be wrong with a playlist, as a typed list rather than exceptions, with one rule for what each problem
// costs: `refused` means nothing is served from the playlist, `skipped` means one entry (a segment with its parts,
// a variant, a rendition, a tag) is left out and everything else stands.
//
// The line between the two: an entry is skipped when leaving it out cannot change what any other entry costs or
// releases (its bytes are simply never served: the gate answers "not listed"). The playlist is refused when its
// structure is in doubt (not HLS, over the size limit, an unreadable tag or attribute list, a variable it does not
// define, no target duration), when entries contradict each other (overlapping byte ranges: paying for one would
// release part of another), when an init segment or key that later segments depend on is broken, or when nothing
// usable is left.

/** Playlists larger than this are refused unread: 4 MiB holds a day of 2 s byte-range segments with room to spare. */
export const MAX_PLAYLIST_BYTES = 4 * 1024 * 1024
/** No media segment or part lasts longer than an hour. */
export const MAX_SEGMENT_SECONDS = 3600
/** ...nor more than this many target durations (RFC 8216 wants at most one, rounded; packagers overshoot a little). */
export const MAX_TARGET_DURATION_RATIO = 10

const SEVERITY = {
  too_large: 'refused',
  not_a_playlist: 'refused',
  unparseable: 'refused',
  bad_attribute_list: 'refused',
  bad_define: 'refused',
  undefined_variable: 'refused',
  mixed_playlist: 'refused',
  missing_target_duration: 'refused',
  overlapping_ranges: 'refused',
  bad_map: 'refused',
  bad_key: 'refused',
  nothing_usable: 'refused',
  missing_duration: 'skipped',
  bad_duration: 'skipped',
  absurd_duration: 'skipped',
  bad_byterange: 'skipped',
  implicit_offset: 'skipped',
  range_past_end: 'skipped',
  foreign_uri: 'skipped',
  bad_uri: 'skipped',
  bad_part: 'skipped',
  parts_mismatch: 'skipped',
  bad_preload_hint: 'skipped',
  bad_program_date_time: 'skipped',
  bad_variant: 'skipped',
  unknown_group: 'skipped',
  bad_rendition: 'skipped',
} as const satisfies Record<string, 'refused' | 'skipped'>

export type PlaylistIssueCode = keyof typeof SEVERITY

export interface PlaylistIssue {
  code: PlaylistIssueCode
  severity: 'refused' | 'skipped'
  /** 1-based line of the playlist where it was found, when known. */
  line: number | null
  message: string
}

export function playlistIssue(code: PlaylistIssueCode, message: string, line: number | null = null): PlaylistIssue {
  return { code, severity: SEVERITY[code], line, message }
}

export function isRefusal(issues: readonly PlaylistIssue[]): boolean {
  return issues.some((issue) => issue.severity === 'refused')
}
