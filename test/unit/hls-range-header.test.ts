// The Range header, strictly: one range, three forms, specific codes for the rest, 416 outside the file. It is read
// without the file first (refusals need no lookup), then resolved against the file's size.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parseRangeHeader, rangeOfFile, readRangeHeader, resolveRange } from '../../protocol/hls/range-header.ts'

/** A header as the gate treats it for a file of `size` bytes: read first, then resolved. */
function against(header: string | undefined, size: number) {
  const read = readRangeHeader(header)
  return read.kind === 'refused' ? read : rangeOfFile(read, size)
}

test('the three single-range forms, resolved against a 1000-byte file', () => {
  assert.deepEqual(against('bytes=0-499', 1000), { kind: 'partial', range: { start: 0, end: 499 }, contentRange: 'bytes 0-499/1000' })
  assert.deepEqual(against('bytes=500-', 1000), { kind: 'partial', range: { start: 500, end: 999 }, contentRange: 'bytes 500-999/1000' })
  assert.deepEqual(against('bytes=-100', 1000), { kind: 'partial', range: { start: 900, end: 999 }, contentRange: 'bytes 900-999/1000' })
  // An end past the file is cut at its last byte; a suffix longer than the file is the whole file (RFC 9110 §14.1.2).
  assert.deepEqual(against('bytes=900-5000', 1000), { kind: 'partial', range: { start: 900, end: 999 }, contentRange: 'bytes 900-999/1000' })
  assert.deepEqual(against('bytes=-5000', 1000), { kind: 'partial', range: { start: 0, end: 999 }, contentRange: 'bytes 0-999/1000' })
  assert.deepEqual(against('Bytes=7-7', 1000), { kind: 'partial', range: { start: 7, end: 7 }, contentRange: 'bytes 7-7/1000' })
  assert.deepEqual(against(undefined, 1000), { kind: 'whole' })
  assert.deepEqual(against('  ', 1000), { kind: 'whole' })
})

test('unsatisfiable ranges are a 416 with the file size', () => {
  for (const header of ['bytes=1000-', 'bytes=1000-2000']) {
    const outcome = against(header, 1000)
    assert.equal(outcome.kind, 'refused', header)
    assert.ok(outcome.kind === 'refused' && outcome.status === 416 && outcome.code === 'unsatisfiable' && outcome.contentRange === 'bytes */1000', header)
  }
  assert.equal(resolveRange({ kind: 'suffix', length: 5 }, 0), null)
})

test('a zero-length suffix satisfies no file: a 416 read before any size is known', () => {
  const read = readRangeHeader('bytes=-0')
  assert.ok(read.kind === 'refused' && read.status === 416 && read.code === 'unsatisfiable' && read.contentRange === null, JSON.stringify(read))
  for (const header of ['bytes=0-1,5-6', 'items=0-1', 'bytes=abc']) assert.equal(readRangeHeader(header).kind, 'refused', header)
  assert.deepEqual(readRangeHeader('bytes=5-'), { kind: 'range', spec: { kind: 'from', start: 5 }, header: 'bytes=5-' })
})

test('several ranges, other units and malformed headers each get their own code and a 400', () => {
  const cases: Array<[string, string]> = [
    ['bytes=0-1,5-6', 'multiple_ranges'],
    ['bytes=0-1, 5-6, 9-', 'multiple_ranges'],
    ['bytes=0-1,', 'malformed_range'],
    ['items=0-1', 'unsupported_unit'],
    ['0-1', 'malformed_range'],
    ['bytes=', 'malformed_range'],
    ['bytes=-', 'malformed_range'],
    ['bytes=5', 'malformed_range'],
    ['bytes=9-5', 'malformed_range'],
    ['bytes=a-b', 'malformed_range'],
    ['bytes=1.5-2', 'malformed_range'],
    ['bytes=+1-2', 'malformed_range'],
    ['bytes= 0-1', 'malformed_range'],
    ['bytes=0 -1', 'malformed_range'],
    ['bytes=1-2-3', 'malformed_range'],
    ['bytes=0-9999999999999999', 'malformed_range'],
  ]
  for (const [header, code] of cases) {
    const outcome = against(header, 1000)
    assert.ok(outcome.kind === 'refused' && outcome.status === 400 && outcome.code === code, `${header}: ${JSON.stringify(outcome)}`)
    assert.ok(outcome.kind === 'refused' && outcome.message.length > 10)
  }
})

test('property: whatever the header, the answer never throws and a partial range lies inside the file', () => {
  const header = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.tuple(fc.option(fc.nat(3000)), fc.option(fc.nat(3000))).map(([a, b]) => `bytes=${a ?? ''}-${b ?? ''}`),
  )
  fc.assert(fc.property(header, fc.nat(2000), (text, size) => {
    const outcome = against(text, size)
    if (outcome.kind === 'partial') {
      assert.ok(0 <= outcome.range.start && outcome.range.start <= outcome.range.end && outcome.range.end < size)
    }
  }))
})

test('property: a bounded range inside the file is returned exactly', () => {
  fc.assert(fc.property(fc.nat(5000), fc.nat(5000), fc.nat(5000), (a, b, extra) => {
    const [start, end] = [Math.min(a, b), Math.max(a, b)]
    const size = end + 1 + extra
    assert.deepEqual(parseRangeHeader(`bytes=${start}-${end}`), { ok: true, spec: { kind: 'bounded', start, end } })
    assert.deepEqual(resolveRange({ kind: 'bounded', start, end }, size), { start, end })
  }))
})
