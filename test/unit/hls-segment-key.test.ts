// The segment key's wire form: round trips, and refuses everything formatSegmentKey would not write. A query is part
// of the key, as browsers send it, bounded, and never the paywall's own token parameter.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { formatSegmentKey, parseSegmentKey, type SegmentKey } from '../../protocol/hls/segment-key.ts'
import { isKeyQuery, QUERY_MAX_LENGTH, requestedQuery } from '../../protocol/hls/segment-query.ts'

const pathPart = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom(...'abcXYZ019_-. ~é名'.split('')) }).filter((part) => !part.startsWith('.'))
const keyPath = fc.array(pathPart, { minLength: 1, maxLength: 5 }).map((parts) => '/' + parts.join('/'))
const range = fc.tuple(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.nat({ max: Number.MAX_SAFE_INTEGER })).map(([a, b]) => ({ start: Math.min(a, b), end: Math.max(a, b) }))
const query = fc.string({ minLength: 1, maxLength: 20, unit: fc.constantFrom(...'abcXYZ019_-.~=&?%/+:@!$,;*()'.split('')) }).filter((text) => isKeyQuery(text))
const key: fc.Arbitrary<SegmentKey> = fc.tuple(keyPath, fc.option(query, { nil: null }), fc.option(range, { nil: null })).map(([path, search, bytes]) => ({ path, query: search, range: bytes }))

test('whole files are their path; ranges add #bytes=START-END, both inclusive', () => {
  assert.equal(formatSegmentKey({ path: '/media/sample/360p/seg_00003.ts', query: null, range: null }), '/media/sample/360p/seg_00003.ts')
  assert.equal(formatSegmentKey({ path: '/media/s/index.mp4', query: null, range: { start: 1325, end: 77809 } }), '/media/s/index.mp4#bytes=1325-77809')
  assert.deepEqual(parseSegmentKey('/media/s/index.mp4#bytes=0-0'), { path: '/media/s/index.mp4', query: null, range: { start: 0, end: 0 } })
})

test('a query follows the path as the request carries it, before the range', () => {
  const kvs = '/media/kvs/getMP4MediaFragment.mp4?FragmentNumber=91343852333181432392682062622220590765191907586&TrackNumber=1'
  assert.deepEqual(parseSegmentKey(kvs), { path: '/media/kvs/getMP4MediaFragment.mp4', query: 'FragmentNumber=91343852333181432392682062622220590765191907586&TrackNumber=1', range: null })
  const apple = { path: '/media/ll/lowLatencySeg.m4s', query: 'segment=filePart209281.1.m4s', range: { start: 0, end: 99 } }
  assert.equal(formatSegmentKey(apple), '/media/ll/lowLatencySeg.m4s?segment=filePart209281.1.m4s#bytes=0-99')
  assert.deepEqual(parseSegmentKey(formatSegmentKey(apple)), apple)
})

test('a request\'s query loses the channel token\'s parameters and nothing else; one no key could name is bad', () => {
  assert.equal(requestedQuery(''), null)
  assert.equal(requestedQuery('token=abc'), null)
  assert.equal(requestedQuery('FragmentNumber=7&token=abc&TrackNumber=1'), 'FragmentNumber=7&TrackNumber=1')
  assert.equal(requestedQuery('b=2&a=1'), 'b=2&a=1', 'never reordered')
  assert.equal(requestedQuery('a=%41'), 'a=%41', 'never decoded')
  assert.equal(requestedQuery('a=b c'), 'bad', 'not as a browser sends it')
  assert.equal(requestedQuery('a=' + 'x'.repeat(QUERY_MAX_LENGTH)), 'bad')
})

test('every key round-trips through its string form', () => {
  fc.assert(fc.property(key, (value) => assert.deepEqual(parseSegmentKey(formatSegmentKey(value)), value)))
})

test('garbage is refused, never thrown on', () => {
  const refused = [
    '',
    'media/s/a.ts',
    '/media//a.ts',
    '/media/../a.ts',
    '/media/./a.ts',
    '/media/.hidden/a.ts',
    '/media/a.ts/',
    '/media/a.ts?',
    '/media/a.ts?token=abc',
    '/media/a.ts?x=1&token=abc',
    '/media/a.ts?x=a b',
    '/media/a.ts?x="q"',
    '/media/a.ts?x=é',
    '/media/a.ts?' + 'x'.repeat(QUERY_MAX_LENGTH + 1),
    '/media/%2e%2e/a.ts',
    '/media/a%3F.ts',
    '/media/a\\b.ts',
    '/media/a\u0000.ts',
    '/media/a.ts#',
    '/media/a.ts#bytes=',
    '/media/a.ts#bytes=5',
    '/media/a.ts#bytes=9-5',
    '/media/a.ts#bytes=01-5',
    '/media/a.ts#bytes=-5',
    '/media/a.ts#bytes=1-2-3',
    '/media/a.ts#bytes=1-2#bytes=3-4',
    '/media/a.ts#bytes=1-99999999999999999',
    '/media/a.ts#bytes=1.5-2',
    '/media/a.ts#range=1-2',
    '/media/a.ts#BYTES=1-2',
    '/media/a.ts#bytes= 1-2',
    '/' + 'a'.repeat(3000),
  ]
  for (const text of refused) assert.equal(parseSegmentKey(text), null, JSON.stringify(text))
  fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => {
    const parsed = parseSegmentKey(text)
    if (parsed) assert.equal(formatSegmentKey(parsed), text)
  }))
})

test('formatting a key that has no canonical form throws', () => {
  assert.throws(() => formatSegmentKey({ path: 'relative.ts', query: null, range: null }), /Not a segment path/)
  assert.throws(() => formatSegmentKey({ path: '/media/a.ts', query: null, range: { start: 5, end: 4 } }), /Not a byte range/)
  assert.throws(() => formatSegmentKey({ path: '/media/a#b.ts', query: null, range: null }), /Not a segment path/)
  assert.throws(() => formatSegmentKey({ path: '/media/a%b.ts', query: null, range: null }), /Not a segment path/, 'a % left after decoding: an escape, which an origin would decode again')
  assert.throws(() => formatSegmentKey({ path: '/media/a.ts', query: 'x=1#y', range: null }), /Not a segment query/)
  assert.throws(() => formatSegmentKey({ path: '/media/a.ts', query: '', range: null }), /Not a segment query/)
})
