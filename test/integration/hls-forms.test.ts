// Every HLS form the project's ffmpeg makes (and synthetic LL-HLS), read with the HLS model: durations add up, byte
// ranges tile their files exactly, init segments and the audio group are found, parts add up to their segments; and
// ffmpeg, as an outside client, decodes the first and last segment of each.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { indexOf } from '../support/hls-read.ts'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { rangeLength } from '../../protocol/hls/byte-range.ts'
import type { MasterPlaylist, MediaPlaylist, MediaSegment } from '../../protocol/hls/playlist-model.ts'
import { readHlsPlaylist } from '../../protocol/hls/read-playlist.ts'
import type { SegmentKey } from '../../protocol/hls/segment-key.ts'
import { resolveFfmpeg } from '../../server/media/ffmpeg-locator.ts'
import { FORM_NAMES, formSeconds, hlsForm, LIVE_WINDOW_SEGMENTS, type FormName, type HlsForm } from '../support/hls-forms.ts'

const ffmpeg = (await resolveFfmpeg()).path

function fileOf(form: HlsForm, path: string): string {
  return join(form.mediaDir, path.slice('/media/'.length))
}

function read(form: HlsForm, path: string) {
  const fileSizes = (file: string) => statSync(fileOf(form, file)).size
  return readHlsPlaylist(readFileSync(fileOf(form, path), 'utf8'), path, { fileSizes })
}

function readMedia(form: HlsForm, path: string): MediaPlaylist {
  const reading = read(form, path)
  assert.ok(reading.ok && reading.playlist.kind === 'media', `${path}: ${JSON.stringify(reading.issues)}`)
  assert.deepEqual(reading.issues, [], path)
  return reading.playlist
}

function load(form: HlsForm): { master: MasterPlaylist; media: MediaPlaylist[] } {
  const reading = read(form, form.masterPath)
  assert.ok(reading.ok && reading.playlist.kind === 'master', JSON.stringify(reading.issues))
  const master = reading.playlist
  const paths = new Set([...master.variants.map((variant) => variant.path), ...master.renditions.flatMap((rendition) => rendition.path ?? [])])
  return { master, media: [...paths].map((path) => readMedia(form, path)) }
}

function bytesOf(form: HlsForm, key: SegmentKey): Buffer {
  const file = readFileSync(fileOf(form, key.path))
  return key.range ? file.subarray(key.range.start, key.range.end + 1) : file
}

/** Decodes init + segment as one file, as a player appends them; any decoder complaint fails the test. */
async function assertDecodes(form: HlsForm, segment: { key: SegmentKey; init?: SegmentKey | null }, extension: string): Promise<void> {
  const file = join(mkdtempSync(join(form.mediaDir, '.decode-')), `segment.${extension}`)
  writeFileSync(file, Buffer.concat([...(segment.init ? [bytesOf(form, segment.init)] : []), bytesOf(form, segment.key)]))
  const stderr = await new Promise<string>((resolve, reject) =>
    execFile(ffmpeg, ['-v', 'error', '-i', file, '-f', 'null', '-'], (error, _stdout, text) => (error ? reject(new Error(`${segment.key.path}: ${text}`)) : resolve(text))),
  )
  assert.equal(stderr.trim(), '', `${segment.key.path} decoded with errors`)
}

/** Segments and init segments of each file, in byte order, leave no gap and no overlap and end at the file's end. */
function assertTiles(form: HlsForm, playlist: MediaPlaylist): void {
  const catalog = indexOf([playlist])
  const files = new Set([...playlist.segments.map((segment) => segment.key.path), ...playlist.initSegments.map((init) => init.path)])
  for (const path of files) {
    const size = statSync(fileOf(form, path)).size
    const entries = catalog.inFile(path).filter((entry) => entry.kind !== 'part')
    let next = 0
    for (const entry of entries) {
      const range = entry.key.range ?? { start: 0, end: size - 1 }
      assert.equal(range.start, next, `${entry.id} starts at ${range.start}, the previous entry ended at ${next - 1}`)
      next = range.end + 1
    }
    assert.equal(next, size, `${path}: the last entry ends at ${next - 1}, the file at ${size - 1}`)
  }
}

function total(segments: readonly { duration: number }[]): number {
  return segments.reduce((sum, segment) => sum + segment.duration, 0)
}

const EXTENSIONS: Record<FormName, string> = {
  'ts-files': 'ts', 'ts-byterange': 'ts', 'fmp4-files': 'mp4', 'fmp4-byterange': 'mp4', 'audio-only': 'aac', 'audio-group': 'ts', 'live-window': 'ts', 'll-hls': 'mp4', 'll-hls-part-files': 'mp4',
}

for (const name of FORM_NAMES) {
  test(`${name}: read, tiled, and decodable by ffmpeg`, async (t) => {
    const form = await hlsForm(name)
    t.diagnostic(`generated in ${form.generationMs} ms`)
    const { master, media } = load(form)
    const live = name === 'live-window'
    for (const playlist of media) {
      const seconds = total(playlist.segments)
      if (live) assert.equal(seconds, LIVE_WINDOW_SEGMENTS * 2, playlist.path)
      else assert.ok(Math.abs(seconds - formSeconds(name)) < 0.1, `${playlist.path}: ${seconds} s, expected ${formSeconds(name)} s`)
      assertTiles(form, playlist)
      const fmp4 = EXTENSIONS[name] === 'mp4'
      assert.equal(playlist.segments.every((segment) => segment.init !== null), fmp4, `${playlist.path}: init segments`)
      const ends: MediaSegment[] = [playlist.segments[0], playlist.segments.at(-1)!]
      for (const segment of ends) await assertDecodes(form, segment, EXTENSIONS[name])
    }
    if (name.endsWith('byterange') || name === 'll-hls') assert.ok(media.every((playlist) => playlist.segments.every((segment) => segment.key.range !== null)))
    if (live) {
      const [window] = media
      assert.deepEqual([window.playback, window.ended, window.timeline, window.mediaSequence > 0], ['live', false, 'program-date-time', true])
    }
    if (name === 'audio-only') assert.deepEqual(master.variants.map((variant) => [variant.resolution, variant.codecs]), [[null, ['mp4a.40.2']]])
    if (name === 'audio-group') {
      const [audio] = master.renditions
      assert.deepEqual([audio.type, audio.groupId, audio.usedBy], ['AUDIO', 'audio', master.variants.map((variant) => variant.path)])
      assert.equal(master.variants[0].audioGroup, 'audio')
    }
  })
}

for (const name of ['ll-hls', 'll-hls-part-files'] as const) {
  test(`${name}: parts add up to their segments, byte for byte, and the live edge has parts being written`, async () => {
    const form = await hlsForm(name)
    const [playlist] = load(form).media
    assert.deepEqual(playlist.lowLatency, { partTarget: 0.5, partHoldBack: 1.5, canBlockReload: false })
    for (const segment of playlist.segments) {
      assert.equal(segment.parts.length, 4, segment.id)
      assert.ok(Math.abs(total(segment.parts) - segment.duration) < 1e-6, segment.id)
      const partBytes = segment.parts.reduce((sum, part) => sum + bytesOf(form, part.key).length, 0)
      assert.equal(partBytes, bytesOf(form, segment.key).length, `${segment.id}: parts hold ${partBytes} bytes`)
      if (segment.key.range) assert.equal(rangeLength(segment.key.range), partBytes)
    }
    const lastPart = playlist.segments.at(-1)!.parts.at(-1)!
    await assertDecodes(form, { key: lastPart.key, init: playlist.segments[0].init }, 'mp4')

    // At 4.7 s of the event: two segments done, the third's first part written, its second hinted.
    form.lowLatency!.publish(4.7)
    const edge = readMedia(form, form.lowLatency!.playlist)
    assert.deepEqual([edge.ended, edge.segments.length, edge.pendingParts.length, edge.preloadHints.length], [false, 2, 1, 1])
    assert.deepEqual(edge.pendingParts.map((part) => [part.parentSequence, part.parent]), [[2, null]])
    assert.equal(edge.preloadHints[0].type, 'PART')
    form.lowLatency!.publish()
  })
}
