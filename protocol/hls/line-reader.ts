// The few facts m3u8-parser smooths over, read strictly from the playlist's lines. The parser turns a zero #EXTINF
// into 0.01 s and a missing or negative one into the target duration; it continues an EXT-X-BYTERANGE without offset
// after whatever segment came before, even in another file; it parses byte ranges leniently ("12abc" is 12 bytes); and
// it reports no line numbers. Lines are split exactly as the parser splits them (on \n, trimmed), so the i-th segment
// here is the i-th segment there. The attribute lists of the tags that decide what is sold are checked
// (attribute-list.ts).
import { attribute, attributeListProblem, CHECKED_TAGS } from './attribute-list.ts'

/** HLS's `length[@offset]`: offset null means "right after the previous range of the same resource". */
export interface HlsLength {
  length: number
  offset: number | null
}
export type RawRange = HlsLength | 'bad' | null

export interface RawSegment {
  /** Line of the segment's URI. */
  line: number
  duration: number | 'missing' | 'bad'
  byterange: RawRange
  parts: RawPart[]
  /** Index into `maps` of the EXT-X-MAP in force, or null. */
  map: number | null
}

export interface RawPart {
  line: number
  byterange: RawRange
}

export interface RawHint {
  line: number
  start: number | 'bad'
  length: number | 'bad' | null
}

export interface RawLines {
  startsWithHeader: boolean
  /** EXT-X-STREAM-INF seen: a master playlist. */
  hasVariants: boolean
  /** EXTINF or EXT-X-TARGETDURATION seen: a media playlist. */
  hasMediaTags: boolean
  /** EXT-X-KEY lines that encrypt (METHOD is not NONE) but name no key: the parser drops them silently. */
  keysWithoutUri: number[]
  /** EXT-X-MEDIA lines without TYPE, GROUP-ID or NAME: the parser drops them silently. */
  incompleteRenditions: number[]
  /** Tags whose attribute list is broken (an unclosed quote, a value that is not NAME=VALUE). */
  brokenAttributeLists: Array<{ line: number; tag: string; problem: string }>
  segments: RawSegment[]
  /** EXT-X-PART lines after the last segment: the segment being written. */
  pendingParts: RawPart[]
  maps: Array<{ line: number; byterange: RawRange }>
  preloadHints: RawHint[]
}

const COUNT = /^[0-9]{1,15}$/

function count(text: string): number | 'bad' {
  return COUNT.test(text) ? Number(text) : 'bad'
}

export function parseHlsLength(text: string): RawRange {
  const match = /^([0-9]{1,15})(?:@([0-9]{1,15}))?$/.exec(text.trim())
  if (!match) return 'bad'
  return { length: Number(match[1]), offset: match[2] === undefined ? null : Number(match[2]) }
}

function rangeAttribute(list: string): RawRange {
  const value = attribute(list, 'BYTERANGE')
  return value === null ? null : parseHlsLength(value)
}

function duration(value: string): RawSegment['duration'] {
  const text = value.split(',', 1)[0].trim()
  if (text === '') return 'missing'
  return /^[0-9]{1,10}(\.[0-9]{1,12})?$/.test(text) ? Number(text) : 'bad'
}

export function readLines(text: string): RawLines {
  const lines = text.replace(/^\uFEFF/, '').split('\n').map((line) => line.trim())
  const result: RawLines = {
    startsWithHeader: lines[0]?.startsWith('#EXTM3U') ?? false,
    hasVariants: false,
    hasMediaTags: false,
    keysWithoutUri: [],
    incompleteRenditions: [],
    brokenAttributeLists: [],
    segments: [],
    pendingParts: [],
    maps: [],
    preloadHints: [],
  }
  let next: Omit<RawSegment, 'line' | 'map'> = { duration: 'missing', byterange: null, parts: [] }
  lines.forEach((line, index) => {
    const number = index + 1
    if (line === '') return
    if (!line.startsWith('#')) {
      result.segments.push({ ...next, line: number, map: result.maps.length > 0 ? result.maps.length - 1 : null })
      next = { duration: 'missing', byterange: null, parts: [] }
      result.preloadHints = []
      return
    }
    const colon = line.indexOf(':')
    const tag = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + 1)
    const problem = CHECKED_TAGS.has(tag) ? attributeListProblem(value) : null
    if (problem) return void result.brokenAttributeLists.push({ line: number, tag, problem })
    if (tag === '#EXTINF' || tag === '#EXT-X-TARGETDURATION') result.hasMediaTags = true
    if (tag === '#EXTINF') next.duration = duration(value)
    else if (tag === '#EXT-X-BYTERANGE') next.byterange = parseHlsLength(value)
    else if (tag === '#EXT-X-PART') next.parts.push({ line: number, byterange: rangeAttribute(value) })
    else if (tag === '#EXT-X-MAP') result.maps.push({ line: number, byterange: rangeAttribute(value) })
    else if (tag === '#EXT-X-STREAM-INF') result.hasVariants = true
    else if (tag === '#EXT-X-KEY' && attribute(value, 'METHOD') !== 'NONE' && !attribute(value, 'URI')) result.keysWithoutUri.push(number)
    else if (tag === '#EXT-X-MEDIA' && !['TYPE', 'GROUP-ID', 'NAME'].every((name) => attribute(value, name))) result.incompleteRenditions.push(number)
    else if (tag === '#EXT-X-PRELOAD-HINT') {
      const start = attribute(value, 'BYTERANGE-START')
      const length = attribute(value, 'BYTERANGE-LENGTH')
      result.preloadHints.push({ line: number, start: start === null ? 0 : count(start), length: length === null ? null : count(length) })
    }
  })
  result.pendingParts = next.parts
  return result
}
