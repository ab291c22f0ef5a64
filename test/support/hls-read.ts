// Reading hand-written playlists in tests: the playlist when the model accepts it, the issues when it refuses it.
import assert from 'node:assert/strict'
import type { Release, RequestedFile } from '../../protocol/hls/byte-access.ts'
import { isReleased, type Catalog } from '../../protocol/hls/catalog.ts'
import type { FileSizes } from '../../protocol/hls/entry-key.ts'
import type { MasterPlaylist, MediaPlaylist } from '../../protocol/hls/playlist-model.ts'
import type { PlaylistIssue } from '../../protocol/hls/playlist-issues.ts'
import { readHlsPlaylist } from '../../protocol/hls/read-playlist.ts'
import { MediaIndex } from '../../protocol/hls/media-index.ts'

/** The index the host and the player keep, learnt from these playlists in order (live reloads oldest first). */
export function indexOf(playlists: readonly MediaPlaylist[]): MediaIndex {
  const index = new MediaIndex()
  for (const playlist of playlists) index.learn(playlist)
  return index
}

/** Lines joined the way packagers write them (\n, trailing newline). */
export function m3u8(...lines: string[]): string {
  return lines.join('\n') + '\n'
}

export function readMedia(text: string, path = '/media/show/index.m3u8', fileSizes?: FileSizes): { playlist: MediaPlaylist; issues: PlaylistIssue[] } {
  const reading = readHlsPlaylist(text, path, { fileSizes })
  assert.ok(reading.ok, `refused: ${JSON.stringify(reading.issues)}`)
  assert.equal(reading.playlist.kind, 'media')
  return { playlist: reading.playlist as MediaPlaylist, issues: reading.issues }
}

export function readMaster(text: string, path = '/media/show/master.m3u8'): { playlist: MasterPlaylist; issues: PlaylistIssue[] } {
  const reading = readHlsPlaylist(text, path)
  assert.ok(reading.ok, `refused: ${JSON.stringify(reading.issues)}`)
  assert.equal(reading.playlist.kind, 'master')
  return { playlist: reading.playlist as MasterPlaylist, issues: reading.issues }
}

/** The issue codes of a refused playlist. */
export function refusal(text: string, path = '/media/show/index.m3u8', fileSizes?: FileSizes): string[] {
  const reading = readHlsPlaylist(text, path, { fileSizes })
  assert.equal(reading.ok, false, 'expected the playlist to be refused')
  return reading.issues.filter((issue) => issue.severity === 'refused').map((issue) => issue.code)
}

/** The codes of the entries a playlist skips. */
export function skipped(issues: PlaylistIssue[]): string[] {
  return issues.filter((issue) => issue.severity === 'skipped').map((issue) => issue.code)
}

/** A show's master: 360p and 720p variants that share an English audio group (audio/index.m3u8). */
export function showMaster(...extra: string[]): string {
  return m3u8(
    '#EXTM3U',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",DEFAULT=YES,URI="audio/index.m3u8"',
    '#EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO="aud"',
    '360p/index.m3u8',
    '#EXT-X-STREAM-INF:BANDWIDTH=2000000,AUDIO="aud"',
    '720p/index.m3u8',
    ...extra,
  )
}

/** What a channel that paid `ids` may have of a catalog's entries, by payments alone (no prices): init segments and
 * key files are free, the LL-HLS rule counts. */
export function releasedByPayments(catalog: Catalog, ...ids: string[]): (id: string) => Release {
  const bought = new Set(ids)
  return (id) => {
    const entry = catalog.get(id)
    if (!entry) return 'ignored'
    if (entry.kind === 'init' || entry.kind === 'keyfile') return 'allowed'
    return isReleased(entry, bought) ? 'bought' : 'due'
  }
}

/** A request for a path without a query, as an HTTP origin serves it. */
export function fileAt(path: string): RequestedFile {
  return { path, query: null, queriesNameFiles: true }
}
