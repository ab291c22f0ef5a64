// Synthetic LL-HLS for tests, since ffmpeg 4.1 cannot write EXT-X-PART: ffmpeg cuts short fMP4 fragments (one
// keyframe each), and this groups them into parent segments whose parts they are. The playlist can be written as the
// finished event, or as it stood at any moment of a live event: completed segments (parts listed for the last three),
// the parts of the segment being written, and a preload hint for the next part.
import type { ByteRange } from '../../protocol/hls/byte-range.ts'

export interface LowLatencyResource {
  uri: string
  range: ByteRange | null
}

export interface LowLatencySegment extends LowLatencyResource {
  duration: number
  parts: Array<LowLatencyResource & { duration: number }>
}

export interface LowLatencyLayout {
  init: LowLatencyResource
  partTarget: number
  targetDuration: number
  segments: LowLatencySegment[]
}

/** Parts stay listed for this many segments behind the live edge (RFC 8216bis asks for at least three target durations). */
const SEGMENTS_WITH_PARTS = 3

function byterange(range: ByteRange | null): string {
  return range ? `${range.end - range.start + 1}@${range.start}` : ''
}

function partLine(part: LowLatencySegment['parts'][number]): string {
  const range = part.range ? `,BYTERANGE="${byterange(part.range)}"` : ''
  return `#EXT-X-PART:DURATION=${part.duration.toFixed(5)},URI="${part.uri}"${range},INDEPENDENT=YES`
}

/** The playlist of the finished event (`at` omitted: every segment with its parts), or as it stood at `at` seconds. */
export function lowLatencyPlaylist(layout: LowLatencyLayout, at?: number): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    `#EXT-X-TARGETDURATION:${layout.targetDuration}`,
    '#EXT-X-PLAYLIST-TYPE:EVENT',
    `#EXT-X-SERVER-CONTROL:PART-HOLD-BACK=${(layout.partTarget * 3).toFixed(3)}`,
    `#EXT-X-PART-INF:PART-TARGET=${layout.partTarget}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    `#EXT-X-MAP:URI="${layout.init.uri}"${layout.init.range ? `,BYTERANGE="${byterange(layout.init.range)}"` : ''}`,
  ]
  let clock = 0
  const complete = layout.segments.filter((segment) => {
    clock += segment.duration
    return at === undefined || clock <= at + 1e-9
  })
  complete.forEach((segment, index) => {
    if (at === undefined || index >= complete.length - SEGMENTS_WITH_PARTS) lines.push(...segment.parts.map(partLine))
    lines.push(`#EXTINF:${segment.duration.toFixed(5)},`, ...(segment.range ? [`#EXT-X-BYTERANGE:${byterange(segment.range)}`] : []), segment.uri)
  })
  const current = layout.segments[complete.length]
  if (at === undefined || !current) return [...lines, '#EXT-X-ENDLIST', ''].join('\n')
  let partEnd = complete.reduce((sum, segment) => sum + segment.duration, 0)
  const written = current.parts.filter((part) => (partEnd += part.duration) <= at + 1e-9)
  lines.push(...written.map(partLine))
  const next = current.parts[written.length]
  if (next) {
    const range = next.range ? `,BYTERANGE-START=${next.range.start},BYTERANGE-LENGTH=${next.range.end - next.range.start + 1}` : ''
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${next.uri}"${range}`)
  }
  return [...lines, ''].join('\n')
}
