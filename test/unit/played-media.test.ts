// What the player reads off the playlists it loaded to overlap its round trips: whether a playlist sells anything
// (then the channel opens before hls.js asks for a paid segment) and which segment follows one just received (it is
// paid for ahead, within the one-segment rule).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PlayedMedia } from '../../client/payer/played-media.ts'
import type { Terms } from '../../protocol/messages.ts'
import { m3u8 } from '../support/hls-read.ts'
import { viewerTerms as terms } from '../support/viewer-terms.ts'


const PATH = '/media/show/360p/index.m3u8'
const seg = (n: number) => `/media/show/360p/seg_${n}.ts`

function played(overrides: Partial<Terms> = {}, durations = [2, 2, 2]): PlayedMedia {
  const media = new PlayedMedia(() => terms(overrides))
  const lines = ['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-PLAYLIST-TYPE:VOD']
  durations.forEach((duration, index) => lines.push(`#EXTINF:${duration},`, `seg_${index}.ts`))
  assert.ok(media.learn(m3u8(...lines, '#EXT-X-ENDLIST'), PATH).ok)
  return media
}

test('the segment after one received is the next one its playlist lists, and none after the last', () => {
  const media = played()
  assert.equal(media.nextSegment(seg(0)), seg(1))
  assert.equal(media.nextSegment(seg(1)), seg(2))
  assert.equal(media.nextSegment(seg(2)), null)
  assert.equal(media.nextSegment('/media/other/seg_0.ts'), null, 'an entry of no loaded playlist has no next')
})

test('a priced playlist sells media, even behind a free preview; a stream priced at 0 sells nothing', () => {
  assert.equal(played().sells(PATH), true)
  assert.equal(played({ previewSeconds: 4 }).sells(PATH), true, 'the third segment is past the preview')
  assert.equal(played({ previewSeconds: 60 }).sells(PATH), false, 'all of it is preview')
  assert.equal(played({ streamPrices: [{ folder: '/media/show', pricePerSecond: 0 }] }).sells(PATH), false)
  assert.equal(played().sells('/media/show/720p/index.m3u8'), false, 'a playlist not loaded yet sells nothing yet')
})
