// What the player reads off the playlists it loaded to overlap its round trips: whether a playlist sells anything
// (then the channel opens before hls.js asks for a paid segment).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PlayedMedia } from '../../client/payer/played-media.ts'
import type { Terms } from '../../protocol/messages.ts'
import { m3u8 } from '../support/hls-read.ts'
import { viewerTerms as terms } from '../support/viewer-terms.ts'


const PATH = '/media/show/360p/index.m3u8'

function played(overrides: Partial<Terms> = {}, durations = [2, 2, 2]): PlayedMedia {
  const media = new PlayedMedia(() => terms(overrides))
  const lines = ['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-PLAYLIST-TYPE:VOD']
  durations.forEach((duration, index) => lines.push(`#EXTINF:${duration},`, `seg_${index}.ts`))
  assert.ok(media.learn(m3u8(...lines, '#EXT-X-ENDLIST'), PATH).ok)
  return media
}

test('a priced playlist sells media, even behind a free preview; a stream priced at 0 sells nothing', () => {
  assert.equal(played().sells(PATH), true)
  assert.equal(played({ previewSeconds: 4 }).sells(PATH), true, 'the third segment is past the preview')
  assert.equal(played({ previewSeconds: 60 }).sells(PATH), false, 'all of it is preview')
  assert.equal(played({ streamPrices: [{ folder: '/media/show', pricePerSecond: 0 }] }).sells(PATH), false)
  assert.equal(played().sells('/media/show/720p/index.m3u8'), false, 'a playlist not loaded yet sells nothing yet')
})
