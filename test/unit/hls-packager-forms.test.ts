// Real packagers' forms the model used to refuse whole, read from hand-written fixtures modelled on them
// (test/fixtures/playlists): entries told apart only by their query, the same segment listed again, EXT-X-DEFINE
// variables, a variant named .m3u, and a broken attribute list refused with its line instead of a parser exception.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { accessToBytes } from '../../protocol/hls/byte-access.ts'
import { entryCharge, releasedTo, type ChargeRules, type PaidEntries } from '../../protocol/hls/entry-charge.ts'
import { MediaIndex } from '../../protocol/hls/media-index.ts'
import { isPlaylistPath } from '../../protocol/hls/playlist-path.ts'
import { readHlsPlaylist } from '../../protocol/hls/read-playlist.ts'
import { m3u8, readMaster, readMedia, refusal } from '../support/hls-read.ts'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/playlists/${name}`, import.meta.url), 'utf8')
const PRICES = { pricePerSecond: 10, renditionMultipliers: {}, streamPrices: [] }

function rules(...playlists: Array<{ text: string; path: string }>): ChargeRules {
  const index = new MediaIndex()
  for (const { text, path } of playlists) {
    const reading = readHlsPlaylist(text, path, { imports: index.importsFor(path) })
    assert.ok(reading.ok, `${path}: ${JSON.stringify(reading.issues)}`)
    index.learn(reading.playlist)
  }
  return { index, prices: PRICES, previewSeconds: 0 }
}

function paid(...ids: string[]): PaidEntries {
  const set = new Set(ids)
  return { has: (id) => set.has(id), ids: () => set }
}

const KVS = '/media/kvs/getHLSMediaPlaylist.m3u8'
const TOKEN = 'SessionToken=CiBkZW1vLXNlc3Npb24tdG9rZW4~&TrackNumber=1'
const fragment = (n: number) => `/media/kvs/getMP4MediaFragment.mp4?FragmentNumber=9134385233318143239268206262222059076519190758${n}&${TOKEN}`

test('AWS Kinesis Video: fragments of one path told apart by their query are entries of their own, each priced by its duration', () => {
  const { playlist, issues } = readMedia(fixture('kvs-media.m3u8'), KVS)
  assert.deepEqual(issues, [])
  assert.deepEqual(playlist.segments.map((segment) => segment.id), [6, 7, 8, 9].map(fragment))
  assert.deepEqual(playlist.initSegments, [{ path: '/media/kvs/getMP4InitFragment.mp4', query: `SessionToken=CiBkZW1vLXNlc3Npb24tdG9rZW4~&TrackNumber=1&SequenceNumber=0`, range: null }])
  assert.equal(playlist.timeline, 'program-date-time')
  const kvs = rules({ text: fixture('kvs-media.m3u8'), path: KVS })
  assert.deepEqual(entryCharge(fragment(6), kvs, null), { kind: 'due', amount: 20, seconds: 2.002 })
  assert.deepEqual(entryCharge(fragment(7), kvs, paid(fragment(6))), { kind: 'due', amount: 20, seconds: 1.998 })
  // Paying for one fragment releases its own bytes only, though every fragment is the same path at the origin.
  const file = { path: '/media/kvs/getMP4MediaFragment.mp4', queriesNameFiles: true }
  const whole = { start: 0, end: Number.MAX_SAFE_INTEGER }
  const release = releasedTo(kvs, paid(fragment(6)))
  assert.deepEqual(accessToBytes({ ...file, query: fragment(6).split('?')[1] }, whole, kvs.index, release), { kind: 'released', free: false })
  assert.equal(accessToBytes({ ...file, query: fragment(7).split('?')[1] }, whole, kvs.index, release).kind, 'payment_required')
  assert.equal(accessToBytes({ ...file, query: 'FragmentNumber=1' }, whole, kvs.index, release).kind, 'not_listed', 'a query no playlist lists')
  assert.equal(accessToBytes({ ...file, query: null }, whole, kvs.index, release).kind, 'not_listed', 'the path without its query')
  // A folder answers every query of the path with one file: then all of the path's entries hold its bytes, which go
  // once any of them is paid (they are the bytes paid for), and never unpaid.
  const folder = { ...file, queriesNameFiles: false, query: fragment(7).split('?')[1] }
  assert.equal(accessToBytes(folder, whole, kvs.index, releasedTo(kvs, null)).kind, 'payment_required')
  assert.deepEqual(accessToBytes(folder, whole, kvs.index, release), { kind: 'released', free: false })
})

test("Apple's LL-HLS reference: parts told apart by ?segment= are priced by their own duration, up to the part being written", () => {
  const path = '/media/ll/lowLatencyHLS.m3u8'
  const { playlist, issues } = readMedia(fixture('apple-ll-hls.m3u8'), path)
  assert.deepEqual(issues, [])
  const part = (segment: number, index: number) => `/media/ll/lowLatencySeg.m4s?segment=filePart${segment}.${index}.m4s`
  assert.deepEqual(playlist.segments.map((segment) => [segment.id, segment.parts.map((entry) => entry.id)]), [
    ['/media/ll/fileSequence0.m4s', [1, 2, 3, 4].map((n) => part(0, n))],
    ['/media/ll/fileSequence1.m4s', [1, 2, 3, 4].map((n) => part(1, n))],
  ])
  assert.deepEqual(playlist.pendingParts.map((entry) => entry.id), [part(2, 1), part(2, 2)])
  assert.deepEqual(playlist.preloadHints, [{ type: 'PART', path: '/media/ll/lowLatencySeg.m4s', query: 'segment=filePart2.3.m4s', start: 0, length: null }])
  const ll = rules({ text: fixture('apple-ll-hls.m3u8'), path })
  assert.deepEqual(entryCharge(part(1, 1), ll, null), { kind: 'due', amount: 5, seconds: 0.5 })
  assert.deepEqual(entryCharge('/media/ll/fileSequence1.m4s', ll, paid(part(1, 1), part(1, 2))), { kind: 'due', amount: 10, seconds: 1 })

  const php = readMedia(fixture('apple-ll-hls-php.m3u8'), path).playlist
  assert.deepEqual(php.segments[1].parts.map((entry) => entry.key.query), [1, 2, 3, 4].map((n) => `segment=filePart1151232.${n}.ts`))
  assert.equal(php.pendingParts[0].id, '/media/ll/lowLatencyHLS.php?segment=filePart1151233.1.ts')
})

test('an ad looped and spliced in again is one entry: paid once, by its shortest listing, then every listing replays free', () => {
  const path = '/media/show/180p/ad-loop.m3u8'
  const ad = '/media/show/180p/seg_00005.m4s'
  const { playlist, issues } = readMedia(fixture('ad-loop.m3u8'), path)
  assert.deepEqual(issues, [])
  assert.deepEqual(playlist.segments.map((segment) => segment.key.path.slice(-13)), ['seg_00000.m4s', 'seg_00005.m4s', 'seg_00005.m4s', 'seg_00001.m4s', 'seg_00005.m4s', 'seg_00002.m4s'])
  assert.equal(playlist.duration, 11.9, 'the playlist still plays every listing')
  const loop = rules({ text: fixture('ad-loop.m3u8'), path })
  assert.deepEqual([loop.index.get(ad)?.start, loop.index.get(ad)?.duration], [2, 1.9], 'from its first place, for its shortest listing')
  assert.deepEqual(entryCharge(ad, loop, null), { kind: 'due', amount: 19, seconds: 1.9 })
  assert.deepEqual(entryCharge(ad, loop, paid(ad)), { kind: 'paid', reason: 'paid' })
})

test('interstitial filler listed seven times, and fMP4 segments repeated after a discontinuity, are each one entry', () => {
  const filler = rules({ text: fixture('interstitial.m3u8'), path: '/media/show/180p/interstitial.m3u8' })
  assert.equal(filler.index.mediaPlaylist('/media/show/180p/interstitial.m3u8')?.segments.length, 9)
  assert.deepEqual(entryCharge('/media/show/180p/segment.m4s', filler, null), { kind: 'due', amount: 20, seconds: 2 })
  const stitched = readMedia(fixture('discontinuity-repeat.m3u8'), '/media/show/180p/stitched.m3u8').playlist
  assert.deepEqual(stitched.segments.map((segment) => [segment.discontinuitySequence, segment.key.path.slice(-13)]), [
    [0, 'seg_00000.m4s'], [0, 'seg_00001.m4s'], [1, 'seg_00000.m4s'], [1, 'seg_00001.m4s'], [1, 'seg_00002.m4s'],
  ])
  assert.equal(stitched.initSegments.length, 1)
})

test('EXT-X-DEFINE: variables are substituted in URI lines and quoted attributes, imported from the master that lists the playlist', () => {
  const master = readMaster(fixture('define-master.m3u8'), '/media/show/master.m3u8').playlist
  assert.deepEqual(master.variants.map((variant) => variant.path), ['/media/show/180p/define.m3u8'])
  assert.deepEqual([...master.variables], [['rendition', '180p'], ['init', 'init.mp4']])
  const path = '/media/show/180p/define.m3u8'
  const defined = rules({ text: fixture('define-master.m3u8'), path: '/media/show/master.m3u8' }, { text: fixture('define-media.m3u8'), path })
  const media = defined.index.mediaPlaylist(path)
  assert.deepEqual(media?.segments.map((segment) => segment.id), [0, 1, 2].map((n) => `/media/show/180p/seg_0000${n}.m4s`))
  assert.deepEqual(media?.initSegments.map((init) => init.path), ['/media/show/180p/init.mp4'])
  assert.deepEqual(entryCharge('/media/show/180p/seg_00001.m4s', defined, null), { kind: 'due', amount: 20, seconds: 2 })
})

test('EXT-X-DEFINE: an undefined variable, an import no master gives, QUERYPARAM and malformed defines are refused with the reason', () => {
  const undefinedVariable = readHlsPlaylist(fixture('define-undefined.m3u8'), '/media/show/180p/index.m3u8')
  assert.ok(!undefinedVariable.ok)
  assert.deepEqual([undefinedVariable.issues[0].code, undefinedVariable.issues[0].line], ['undefined_variable', 10])
  assert.match(undefinedVariable.issues[0].message, /\{\$segment\}, which no EXT-X-DEFINE above it defines/)
  const orphan = readHlsPlaylist(fixture('define-media.m3u8'), '/media/show/180p/define.m3u8')
  assert.ok(!orphan.ok && orphan.issues[0].code === 'undefined_variable' && /Load the master playlist first/.test(orphan.issues[0].message))
  const perViewer = readHlsPlaylist(fixture('define-queryparam.m3u8'), '/media/show/180p/index.m3u8')
  assert.ok(!perViewer.ok && perViewer.issues[0].code === 'bad_define' && /each viewer's own playlist URL/.test(perViewer.issues[0].message))
  const head = ['#EXTM3U', '#EXT-X-TARGETDURATION:2']
  for (const define of ['#EXT-X-DEFINE:NAME="a"', '#EXT-X-DEFINE:NAME="a",VALUE="1",IMPORT="b"', '#EXT-X-DEFINE:VALUE="1"', '#EXT-X-DEFINE:NAME="a b",VALUE="1"']) {
    assert.deepEqual(refusal(m3u8(...head, define, '#EXTINF:2,', 'a.ts')), ['bad_define'], define)
  }
  assert.deepEqual(refusal(m3u8(...head, '#EXT-X-DEFINE:NAME="a",VALUE="1"', '#EXT-X-DEFINE:NAME="a",VALUE="2"', '#EXTINF:2,', 'a.ts')), ['bad_define'])
  // Only a media playlist imports; a master that tries is refused.
  assert.deepEqual(refusal(m3u8('#EXTM3U', '#EXT-X-DEFINE:IMPORT="a"', '#EXT-X-STREAM-INF:BANDWIDTH=1', 'v.m3u8'), '/media/show/master.m3u8'), ['undefined_variable'])
  const imports = new Map([['a', 'x']])
  const master = readHlsPlaylist(m3u8('#EXTM3U', '#EXT-X-DEFINE:IMPORT="a"', '#EXT-X-STREAM-INF:BANDWIDTH=1', 'v.m3u8'), '/media/show/master.m3u8', { imports })
  assert.ok(!master.ok && master.issues[0].code === 'bad_define')
  // A variable used before its define is as undefined as hls.js finds it.
  assert.deepEqual(refusal(m3u8(...head, '#EXTINF:2,', '{$a}.ts', '#EXT-X-DEFINE:NAME="a",VALUE="x"')), ['undefined_variable'])
})

test('a variant playlist named .m3u is a playlist like .m3u8', () => {
  assert.equal(isPlaylistPath('show/180p/index.m3u'), true)
  assert.equal(isPlaylistPath('show/180p/INDEX.M3U'), true)
  assert.equal(isPlaylistPath('show/180p/seg.m3u4'), false)
  assert.deepEqual(readMaster(fixture('m3u-master.m3u8'), '/media/show/master.m3u8').playlist.variants.map((variant) => variant.path), ['/media/show/180p/index.m3u'])
})

test('a broken attribute list is refused with its line and what is wrong, never with the parser\'s exception', () => {
  const reading = readHlsPlaylist(fixture('map-missing-quote.m3u8'), '/media/show/180p/index.m3u8')
  assert.ok(!reading.ok)
  const [issue] = reading.issues
  assert.deepEqual([issue.code, issue.severity, issue.line], ['bad_attribute_list', 'refused', 5])
  assert.match(issue.message, /^Line 5: the attributes of #EXT-X-MAP are malformed \(an unclosed or stray double quote/)
  assert.doesNotMatch(issue.message, /Cannot read properties|null/)
  const head = ['#EXTM3U', '#EXT-X-TARGETDURATION:2']
  // A missing closing quote no longer slips through as a URI with a quote in it.
  for (const map of ['#EXT-X-MAP:URI="init.mp4', '#EXT-X-MAP:URI=init.mp4"', '#EXT-X-MAP:BYTERANGE="100@0",URI="init.mp4']) {
    assert.deepEqual(refusal(m3u8(...head, map, '#EXTINF:2,', 'a.m4s')), ['bad_attribute_list'], map)
  }
  assert.deepEqual(refusal(m3u8(...head, '#EXT-X-PART-INF:PART-TARGET=1', '#EXT-X-PART:DURATION=1,URI="p.m4s', '#EXTINF:2,', 'a.m4s')), ['bad_attribute_list'])
  // What m3u8-parser itself cannot read is named by its line and tag.
  const shortIv = readHlsPlaylist(m3u8(...head, '#EXT-X-KEY:METHOD=AES-128,URI="k.bin",IV=0x12', '#EXTINF:2,', 'a.ts'), '/media/show/index.m3u8')
  assert.ok(!shortIv.ok)
  assert.deepEqual([shortIv.issues[0].code, shortIv.issues[0].line], ['unparseable', 3])
  assert.match(shortIv.issues[0].message, /^Line 3 \(#EXT-X-KEY\) could not be read/)
})

test('an entry that names a playlist is never sold as media: the paywall would answer it with the playlist', () => {
  const { playlist, issues } = readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXTINF:2,', '?segment=1', '#EXTINF:2,', 'other.m3u', '#EXTINF:2,', 'a.ts', '#EXT-X-ENDLIST'), '/media/show/index.m3u8')
  assert.deepEqual(playlist.segments.map((segment) => segment.id), ['/media/show/a.ts'])
  assert.deepEqual(issues.map((issue) => issue.code), ['bad_uri', 'bad_uri'])
  assert.match(issues[0].message, /names a playlist/)
})
