// The player and the fleet price real packagers' forms as the host does (PlayedMedia over the same fixtures the
// host's tests serve): a fragment told apart by its query by its own duration, a repeated listing once, variables
// imported from the master the player read first. The fleet asks for an entry with its query exactly as listed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { PlayedMedia } from '../../client/payer/played-media.ts'
import { segmentKeyOf } from '../../client/player/fragment-key.ts'
import type { PaidEntries } from '../../protocol/hls/entry-charge.ts'
import { parseSegmentKey } from '../../protocol/hls/segment-key.ts'
import { requestFor } from '../../scripts/fleet/playlist.ts'
import { viewerTerms } from '../support/viewer-terms.ts'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/playlists/${name}`, import.meta.url), 'utf8')

const TERMS = viewerTerms()

function paid(...ids: string[]): PaidEntries {
  const set = new Set(ids)
  return { has: (id) => set.has(id), ids: () => set }
}

function played(...playlists: Array<[name: string, path: string]>): PlayedMedia {
  const media = new PlayedMedia(() => TERMS)
  for (const [name, path] of playlists) assert.ok(media.learn(fixture(name), path).ok, name)
  return media
}

test('a Kinesis Video fragment, as hls.js requests it, is keyed with its query and priced by its own duration', () => {
  const media = played(['kvs-media.m3u8', '/media/kvs/getHLSMediaPlaylist.m3u8'])
  const url = 'http://127.0.0.1:8080/media/kvs/getMP4MediaFragment.mp4?FragmentNumber=91343852333181432392682062622220590765191907587&SessionToken=CiBkZW1vLXNlc3Npb24tdG9rZW4~&TrackNumber=1'
  const key = segmentKeyOf(url, 'http://127.0.0.1:8080/', { start: undefined, end: undefined })
  assert.equal(key, url.slice('http://127.0.0.1:8080'.length))
  assert.deepEqual(media.chargeOf(key as string)(null), { kind: 'due', amount: 20, seconds: 1.998 })
  assert.equal(media.sells('/media/kvs/getHLSMediaPlaylist.m3u8'), true)
  // The fleet asks for it exactly so.
  assert.equal(requestFor(parseSegmentKey(key as string)!).path, key)
})

test('an Apple LL-HLS part named by ?segment= costs its 0.5 s; its segment then costs the rest', () => {
  const media = played(['apple-ll-hls.m3u8', '/media/ll/lowLatencyHLS.m3u8'])
  const part = '/media/ll/lowLatencySeg.m4s?segment=filePart0.1.m4s'
  assert.deepEqual(media.chargeOf(part)(null), { kind: 'due', amount: 5, seconds: 0.5 })
  assert.deepEqual(media.chargeOf('/media/ll/fileSequence0.m4s')(paid(part)), { kind: 'due', amount: 15, seconds: 1.5 })
})

test('a repeated listing is paid once, by its shortest listing, then replays free', () => {
  const media = played(['ad-loop.m3u8', '/media/show/180p/ad-loop.m3u8'], ['interstitial.m3u8', '/media/show/180p/interstitial.m3u8'])
  const ad = '/media/show/180p/seg_00005.m4s'
  assert.deepEqual(media.chargeOf(ad)(null), { kind: 'due', amount: 19, seconds: 1.9 })
  assert.deepEqual(media.chargeOf(ad)(paid(ad)), { kind: 'paid', reason: 'paid' })
  assert.deepEqual(media.chargeOf('/media/show/180p/segment.m4s')(null), { kind: 'due', amount: 20, seconds: 2 })
  // Received twice, the filler counts its media time once.
  media.delivered('/media/show/180p/segment.m4s')
  media.delivered('/media/show/180p/segment.m4s')
  assert.equal(media.receivedSeconds(), 2)
})

test('variables: the player reads the master first, and its media playlist imports from it as the host\'s does', () => {
  const media = played(['define-master.m3u8', '/media/show/master.m3u8'], ['define-media.m3u8', '/media/show/180p/define.m3u8'])
  assert.deepEqual(media.chargeOf('/media/show/180p/seg_00002.m4s')(null), { kind: 'due', amount: 20, seconds: 2 })
  assert.deepEqual(media.chargeOf('/media/show/180p/init.mp4')(null), { kind: 'free', reason: 'init' })
  const orphan = new PlayedMedia(() => TERMS).learn(fixture('define-media.m3u8'), '/media/show/180p/define.m3u8')
  assert.equal(!orphan.ok && orphan.issues[0].code, 'undefined_variable')
})
