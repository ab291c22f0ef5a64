// Whether an #EXTINF or EXT-X-PART duration can be priced: present, positive, and not absurd next to the target.
import { MAX_SEGMENT_SECONDS, MAX_TARGET_DURATION_RATIO, type PlaylistIssueCode } from './playlist-issues.ts'

export type DurationProblem = { code: PlaylistIssueCode; message: string } | null

export function durationProblem(value: number | 'missing' | 'bad' | undefined, target: number, what: string): DurationProblem {
  if (value === 'missing' || value === undefined) return { code: 'missing_duration', message: `${what} has no duration.` }
  if (value === 'bad' || !Number.isFinite(value) || value <= 0) {
    return { code: 'bad_duration', message: `${what} has a duration that is not a positive number of seconds.` }
  }
  const limit = Math.min(MAX_SEGMENT_SECONDS, MAX_TARGET_DURATION_RATIO * target)
  if (value > limit) return { code: 'absurd_duration', message: `${what} lasts ${value} s, more than ${limit} s (${MAX_TARGET_DURATION_RATIO} target durations, at most ${MAX_SEGMENT_SECONDS} s).` }
  return null
}
