// The HTTP Range header, read strictly (RFC 9110 §14): one range of bytes, `bytes=a-b`, `bytes=a-` or `bytes=-n`.
// The paywall must know exactly which bytes it would send, so anything else is refused with its own code rather than
// ignored (ignoring a Range header means sending the whole file): several ranges (multipart answers are not
// served), another unit, or a malformed one. A well-formed range that misses the file is a 416. The header is read
// before anything is looked up (readRangeHeader), so a flood of bad ranges costs the host no lookup; only then is it
// resolved against the file's size (rangeOfFile).
import type { ByteRange } from './byte-range.ts'

export type RangeSpec =
  | { kind: 'bounded'; start: number; end: number }
  | { kind: 'from'; start: number }
  | { kind: 'suffix'; length: number }

export type RangeHeaderCode = 'multiple_ranges' | 'unsupported_unit' | 'malformed_range'

export type RangeParse = { ok: true; spec: RangeSpec } | { ok: false; code: RangeHeaderCode; message: string }

/**
 * A request's Range header as the gate reads it first, before it looks anything up: absent or empty (the whole file),
 * one range to resolve against the file's size, or refused: 400 for a header that is not one range of bytes, 416 for a
 * range no file can satisfy (a zero-length suffix), whatever the path.
 */
export type RangeRequest =
  | { kind: 'whole' }
  | { kind: 'range'; spec: RangeSpec; header: string }
  | { kind: 'refused'; status: 400; code: RangeHeaderCode; message: string }
  | { kind: 'refused'; status: 416; code: 'unsatisfiable'; message: string; contentRange: string | null }

/** What the gate does with a read Range for a file of known size. */
export type RangeOutcome =
  | { kind: 'whole' }
  | { kind: 'partial'; range: ByteRange; contentRange: string }
  | { kind: 'refused'; status: 416; code: 'unsatisfiable'; message: string; contentRange: string }

const POSITION = /^[0-9]{1,15}$/

export function parseRangeHeader(header: string): RangeParse {
  const value = header.trim()
  const equals = value.indexOf('=')
  if (equals < 0) return { ok: false, code: 'malformed_range', message: `The Range header "${value}" is not of the form bytes=START-END.` }
  const unit = value.slice(0, equals)
  if (unit.toLowerCase() !== 'bytes') return { ok: false, code: 'unsupported_unit', message: `Range unit "${unit}" is not supported: use bytes.` }
  const set = value.slice(equals + 1)
  if (set.includes(',')) {
    const ranges = set.split(',').filter((part) => part.trim() !== '')
    return ranges.length > 1
      ? { ok: false, code: 'multiple_ranges', message: `Only one range per request is served; "${value}" asks for ${ranges.length}.` }
      : { ok: false, code: 'malformed_range', message: `The Range header "${value}" has a stray comma.` }
  }
  const dash = set.indexOf('-')
  const first = dash < 0 ? '' : set.slice(0, dash)
  const last = dash < 0 ? '' : set.slice(dash + 1)
  const malformed = { ok: false as const, code: 'malformed_range' as const, message: `The Range header "${value}" is not bytes=START-END, bytes=START- or bytes=-LENGTH.` }
  if (dash < 0 || (first !== '' && !POSITION.test(first)) || (last !== '' && !POSITION.test(last)) || (first === '' && last === '')) return malformed
  if (first === '') return { ok: true, spec: { kind: 'suffix', length: Number(last) } }
  if (last === '') return { ok: true, spec: { kind: 'from', start: Number(first) } }
  const start = Number(first)
  const end = Number(last)
  if (end < start) return { ok: false, code: 'malformed_range', message: `The Range header "${value}" ends before it starts.` }
  return { ok: true, spec: { kind: 'bounded', start, end } }
}

/** The bytes a parsed range selects in a file of `size` bytes (an end past the file is cut at its last byte). */
export function resolveRange(spec: RangeSpec, size: number): ByteRange | null {
  if (spec.kind === 'suffix') return spec.length > 0 && size > 0 ? { start: Math.max(0, size - spec.length), end: size - 1 } : null
  if (spec.start >= size) return null
  return { start: spec.start, end: spec.kind === 'bounded' ? Math.min(spec.end, size - 1) : size - 1 }
}

/** A request's Range header (absent or empty: the whole file), read without knowing the file. */
export function readRangeHeader(header: string | undefined): RangeRequest {
  if (header === undefined || header.trim() === '') return { kind: 'whole' }
  const parsed = parseRangeHeader(header)
  if (!parsed.ok) return { kind: 'refused', status: 400, code: parsed.code, message: parsed.message }
  if (parsed.spec.kind === 'suffix' && parsed.spec.length === 0) {
    return { kind: 'refused', status: 416, code: 'unsatisfiable', message: 'The range "bytes=-0" asks for the last 0 bytes, which no file has.', contentRange: null }
  }
  return { kind: 'range', spec: parsed.spec, header: header.trim() }
}

/** A Range read by readRangeHeader against a file of `size` bytes. */
export function rangeOfFile(request: Exclude<RangeRequest, { kind: 'refused' }>, size: number): RangeOutcome {
  if (request.kind === 'whole') return { kind: 'whole' }
  const range = resolveRange(request.spec, size)
  if (!range) {
    return {
      kind: 'refused',
      status: 416,
      code: 'unsatisfiable',
      message: `The range "${request.header}" lies outside the file, which has ${size} bytes.`,
      contentRange: `bytes */${size}`,
    }
  }
  return { kind: 'partial', range, contentRange: `bytes ${range.start}-${range.end}/${size}` }
}
