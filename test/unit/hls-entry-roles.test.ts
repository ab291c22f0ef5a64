// One file, several roles: a segment in one playlist and an init segment, a key file, a part, the free preview or an
// I-frame range in another. Whatever order the playlists are read in, the entry costs its dearest role, its bytes go
// only once that is paid (never free by another role's rule), and what a channel paid for is never refused.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { accessToBytes } from '../../protocol/hls/byte-access.ts'
import { entryCharge, releasedTo, type ChargeRules, type PaidEntries } from '../../protocol/hls/entry-charge.ts'
import { MediaIndex } from '../../protocol/hls/media-index.ts'
import type { Playlist } from '../../protocol/hls/playlist-model.ts'
import type { PriceList } from '../../protocol/pricing.ts'
import { fileAt, m3u8, readMaster, readMedia } from '../support/hls-read.ts'

const PRICES: PriceList = { pricePerSecond: 10, renditionMultipliers: {}, streamPrices: [] }
const SEG = '/media/s/v/seg_3.m4s'
const WHOLE = { start: 0, end: 9_999 }

function paid(...ids: string[]): PaidEntries {
  const set = new Set(ids)
  return { has: (id) => set.has(id), ids: () => set }
}

/** The variant: six 2 s fMP4 segments, seg_3 at 6-8 s. */
const variant = readMedia(
  m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MAP:URI="init.mp4"', ...[0, 1, 2, 3, 4, 5].flatMap((n) => ['#EXTINF:2,', `seg_${n}.m4s`]), '#EXT-X-ENDLIST'),
  '/media/s/v/index.m3u8',
).playlist

/** Another playlist of the host's that gives seg_3 another role. */
const other = (...lines: string[]) => readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-PART-INF:PART-TARGET=0.5', ...lines), '/media/s/v/other.m3u8').playlist

const ROLES = {
  'an init segment': other('#EXT-X-MAP:URI="seg_3.m4s"', '#EXTINF:2,', 'seg_4.m4s'),
  'a key file': other('#EXT-X-KEY:METHOD=AES-128,URI="seg_3.m4s"', '#EXTINF:2,', 'seg_4.m4s'),
  'the free preview': other('#EXTINF:2,', 'seg_3.m4s'),
  'a 0.5 s part': other('#EXT-X-MAP:URI="init.mp4"', '#EXT-X-PART:DURATION=0.5,URI="seg_3.m4s"'),
}

function rulesAfter(readings: Playlist[], previewSeconds = 2): ChargeRules {
  const index = new MediaIndex()
  for (const reading of readings) index.learn(reading)
  return { index, prices: PRICES, previewSeconds }
}

for (const [role, reading] of Object.entries(ROLES)) {
  test(`a segment that is also ${role} elsewhere costs the segment's price, in either reading order, and is served once paid`, () => {
    for (const order of [[variant, reading], [reading, variant], [variant, reading, variant], [reading, variant, reading]]) {
      const rules = rulesAfter(order)
      assert.deepEqual(entryCharge(SEG, rules, null), { kind: 'due', amount: 20, seconds: 2 })
      assert.deepEqual(entryCharge(SEG, rules, paid()), { kind: 'due', amount: 20, seconds: 2 })
      for (const channel of [null, paid(), paid('/media/s/v/seg_2.m4s')]) {
        const access = accessToBytes(fileAt(SEG), WHOLE, rules.index, releasedTo(rules, channel))
        assert.equal(access.kind === 'payment_required' && access.entry.id, SEG, `never free as ${role}`)
      }
      assert.deepEqual(entryCharge(SEG, rules, paid(SEG)), { kind: 'paid', reason: 'paid' })
      assert.deepEqual(accessToBytes(fileAt(SEG), WHOLE, rules.index, releasedTo(rules, paid(SEG))), { kind: 'released', free: false })
    }
  })
}

test('a whole file listed as a free init segment cannot give away the byte ranges another playlist sells of it', () => {
  const ranged = readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-MAP:URI="all.mp4",BYTERANGE="100@0"', '#EXTINF:2,', '#EXT-X-BYTERANGE:400@100', 'all.mp4', '#EXTINF:2,', '#EXT-X-BYTERANGE:500@500', 'all.mp4'), '/media/s/a/index.m3u8').playlist
  const wholeInit = readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-MAP:URI="all.mp4"', '#EXTINF:2,', 'x.m4s'), '/media/s/a/other.m3u8').playlist
  for (const order of [[ranged, wholeInit], [wholeInit, ranged]]) {
    const rules = rulesAfter(order, 0)
    const file = '/media/s/a/all.mp4'
    const first = `${file}#bytes=100-499`
    const access = (channel: PaidEntries | null, range = { start: 0, end: 999 }) => accessToBytes(fileAt(file), range, rules.index, releasedTo(rules, channel))
    assert.deepEqual(access(null, { start: 0, end: 99 }), { kind: 'released', free: true }, 'the init range, which nothing sells')
    assert.equal(access(null, { start: 150, end: 160 }).kind, 'payment_required')
    const partly = access(paid(first))
    assert.equal(partly.kind === 'payment_required' && partly.entry.id, `${file}#bytes=500-999`, 'the whole file: every sold range first')
    assert.deepEqual(access(paid(first, `${file}#bytes=500-999`)), { kind: 'released', free: false })
  }
})

test('an I-frame range free as a preview of its own is not free inside the segment a variant sells', () => {
  const iframes = readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-I-FRAMES-ONLY', '#EXTINF:2,', '#EXT-X-BYTERANGE:300@100', 'seg_3.m4s'), '/media/s/v/iframes.m3u8').playlist
  const range = `${SEG}#bytes=100-399`
  const rules = rulesAfter([variant, iframes])
  assert.deepEqual(entryCharge(range, rules, null), { kind: 'free', reason: 'preview' }, 'read alone, an I-frame playlist is a programme of its own')
  const access = accessToBytes(fileAt(SEG), { start: 100, end: 399 }, rules.index, releasedTo(rules, null))
  assert.equal(access.kind === 'payment_required' && access.entry.id, SEG, 'the variant sells those bytes: pay the segment')
  assert.deepEqual(accessToBytes(fileAt(SEG), { start: 100, end: 399 }, rules.index, releasedTo(rules, paid(SEG))), { kind: 'released', free: false })
})

test('once a master says a playlist is trick play, it sells nothing, yet what a channel paid there stays its own', () => {
  const iframes = readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-I-FRAMES-ONLY', '#EXTINF:2,', 'seg_3.m4s', '#EXTINF:2,', '#EXT-X-BYTERANGE:300@100', 'seg_4.m4s'), '/media/s/v/iframes.m3u8').playlist
  const master = readMaster(m3u8('#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=500000', 'v/index.m3u8', '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI="v/iframes.m3u8"'), '/media/s/master.m3u8').playlist
  const range = '/media/s/v/seg_4.m4s#bytes=100-399'
  for (const order of [[variant, iframes, master], [iframes, variant, master], [master, iframes, variant]]) {
    const rules = rulesAfter(order, 0)
    assert.deepEqual(entryCharge(SEG, rules, null), { kind: 'due', amount: 20, seconds: 2 }, 'the variant\'s segment is still listed and sold')
    assert.deepEqual(entryCharge(range, rules, null), { kind: 'unknown' }, 'an I-frame range alone is not for sale')
    const iframeBytes = { start: 100, end: 399 }
    const unpaid = accessToBytes(fileAt('/media/s/v/seg_4.m4s'), iframeBytes, rules.index, releasedTo(rules, paid()))
    assert.equal(unpaid.kind === 'payment_required' && unpaid.entry.id, '/media/s/v/seg_4.m4s')
    assert.deepEqual(accessToBytes(fileAt('/media/s/v/seg_4.m4s'), iframeBytes, rules.index, releasedTo(rules, paid(range))), { kind: 'released', free: false }, 'paid before the master was read')
    assert.deepEqual(accessToBytes(fileAt(SEG), WHOLE, rules.index, releasedTo(rules, paid(SEG))), { kind: 'released', free: false })
  }
})

test('a playlist paid as a programme, then made a companion by a master, stays paid', () => {
  const audio = readMedia(m3u8('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXTINF:2,', 'a0.aac', '#EXTINF:2,', 'a1.aac'), '/media/s/a/index.m3u8').playlist
  const master = readMaster(m3u8('#EXTM3U', '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",URI="a/index.m3u8"', '#EXT-X-STREAM-INF:BANDWIDTH=500000,AUDIO="aud"', 'v/index.m3u8'), '/media/s/master.m3u8').playlist
  const before = rulesAfter([audio], 0)
  assert.deepEqual(entryCharge('/media/s/a/a1.aac', before, null), { kind: 'due', amount: 20, seconds: 2 })
  const after = rulesAfter([audio, variant, master], 0)
  assert.deepEqual(entryCharge('/media/s/a/a1.aac', after, paid()), { kind: 'waiting' })
  assert.deepEqual(entryCharge('/media/s/a/a1.aac', after, paid('/media/s/a/a1.aac')), { kind: 'paid', reason: 'paid' })
})

test('reading again or forgetting one playlist leaves the other playlists\' listings of a shared file', () => {
  const index = new MediaIndex()
  index.learn(variant)
  index.learn(ROLES['an init segment'])
  index.learn(variant)
  const roles = () => index.listingsOf(SEG).map((entry) => [entry.playlist, entry.kind])
  assert.deepEqual(roles(), [['/media/s/v/index.m3u8', 'segment'], ['/media/s/v/other.m3u8', 'init']])
  index.forget('/media/s/v/other.m3u8')
  assert.deepEqual(roles(), [['/media/s/v/index.m3u8', 'segment']])
  index.learn(ROLES['an init segment'])
  index.forget('/media/s/v/index.m3u8')
  assert.deepEqual(roles(), [['/media/s/v/other.m3u8', 'init']])
})
