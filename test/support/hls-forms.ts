// One short stream (12 s, 320x180) per HLS form, made with the project's ffmpeg, for tests that need real media of
// every shape: TS and fMP4, in files and in byte ranges, packed audio, a separate audio group, a live window, and
// synthetic LL-HLS. Each form is made once per test process, in one media folder, and removed at exit.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { rangeLength, type ByteRange } from '../../protocol/hls/byte-range.ts'
import type { MediaPlaylist } from '../../protocol/hls/playlist-model.ts'
import { readHlsPlaylist } from '../../protocol/hls/read-playlist.ts'
import { buildTestPatternArgs, MASTER_PLAYLIST_NAME, MEDIA_PLAYLIST_NAME, testPatternSource, toneSource, VOD, type HlsMode } from '../../server/media/ffmpeg-args.ts'
import { resolveFfmpeg } from '../../server/media/ffmpeg-locator.ts'
import { AUDIO_CODEC, makeRung } from '../../server/media/ladder.ts'
import { liveMasterPlaylist } from '../../server/media/live-stream.ts'
import { measureRendition } from '../../server/media/measure-rendition.ts'
import type { Packaging } from '../../server/media/packaging.ts'
import { buildMasterPlaylist, finalizeVodPlaylist, measureBandwidth } from '../../server/media/playlist.ts'
import { runFfmpeg } from '../../server/media/run-ffmpeg.ts'
import { generateSampleStream } from '../../server/media/sample.ts'
import { tempDir } from './host.ts'
import { lowLatencyPlaylist, type LowLatencyLayout } from './ll-hls.ts'

export const FORM_NAMES = ['ts-files', 'ts-byterange', 'fmp4-files', 'fmp4-byterange', 'audio-only', 'audio-group', 'live-window', 'll-hls', 'll-hls-part-files'] as const
export type FormName = (typeof FORM_NAMES)[number]

/** Media seconds of every VOD form; the live window lists its last four 2 s segments of 16 s. */
export const FORM_SECONDS = 12
/** LL-HLS events last longer: a browser that joins one mid-way plays them live, in real time, for 8 s and more. */
export const LOW_LATENCY_SECONDS = 20

/** The media seconds a finished form lasts. */
export function formSeconds(name: FormName): number {
  return name.startsWith('ll-hls') ? LOW_LATENCY_SECONDS : FORM_SECONDS
}
export const LIVE_WINDOW_SEGMENTS = 4
export const TINY_RUNG = makeRung(180, { width: 1280, height: 720 })

export interface HlsForm {
  name: FormName
  /** The media folder every form lives in (serve it as /media). */
  mediaDir: string
  /** The stream's folder, mediaDir/name. */
  folder: string
  /** Its master playlist as the host serves it: /media/<name>/master.m3u8. */
  masterPath: string
  generationMs: number
  /** LL-HLS forms: the parts layout, and a way to rewrite the playlist as it stood at `at` seconds of the event. */
  lowLatency?: { layout: LowLatencyLayout; playlist: string; publish(at?: number): void }
}

const root = tempDir('hls-forms')
process.on('exit', () => rmSync(root, { recursive: true, force: true }))
const made = new Map<FormName, Promise<HlsForm>>()
const QUIET = ['-hide_banner', '-nostdin', '-y', '-v', 'error']

async function ffmpeg(args: string[], what: string): Promise<void> {
  await runFfmpeg((await resolveFfmpeg()).path, [...QUIET, ...args], { what })
}

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text)
  renameSync(`${path}.tmp`, path)
}

async function packaged(name: FormName, packaging: Packaging): Promise<void> {
  await generateSampleStream({ outRoot: root, name, seconds: FORM_SECONDS, rungs: [TINY_RUNG], packaging, force: true })
}

function finishVod(folder: string): { duration: number; bytes: number }[] {
  const path = join(folder, MEDIA_PLAYLIST_NAME)
  const finished = finalizeVodPlaylist(readFileSync(path, 'utf8'))
  writeFileSync(path, finished)
  return measureRendition(folder, finished, folder)
}

/** Packed audio: ADTS .aac segments, the shape of a radio show or podcast. */
async function audioOnly(folder: string): Promise<void> {
  mkdirSync(join(folder, 'audio'), { recursive: true })
  await ffmpeg(['-f', 'lavfi', '-i', toneSource(FORM_SECONDS), '-c:a', 'aac', '-b:a', '64k', '-ac', '2', '-ar', '48000',
    '-f', 'hls', '-hls_time', '2', '-hls_list_size', '0', '-hls_segment_filename', join(folder, 'audio', 'seg_%05d.aac'), join(folder, 'audio', MEDIA_PLAYLIST_NAME)], 'packed audio')
  const { peak, average } = measureBandwidth(finishVod(join(folder, 'audio')))
  writeFileSync(join(folder, MASTER_PLAYLIST_NAME), buildMasterPlaylist([{ uri: `audio/${MEDIA_PLAYLIST_NAME}`, bandwidth: peak, averageBandwidth: average, codecs: AUDIO_CODEC }]))
}

/** Video without sound, and its sound as an EXT-X-MEDIA audio rendition, from one ffmpeg run. */
async function audioGroup(folder: string): Promise<void> {
  for (const sub of ['video', 'audio']) mkdirSync(join(folder, sub), { recursive: true })
  const hls = (sub: string, extension: string) => ['-f', 'hls', '-hls_time', '2', '-hls_list_size', '0', '-hls_segment_filename', join(folder, sub, `seg_%05d.${extension}`), join(folder, sub, MEDIA_PLAYLIST_NAME)]
  await ffmpeg([
    '-f', 'lavfi', '-i', testPatternSource({ width: TINY_RUNG.width, height: TINY_RUNG.height, seconds: FORM_SECONDS, fontFile: null }),
    '-f', 'lavfi', '-i', toneSource(FORM_SECONDS),
    '-map', '0:v', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', ...hls('video', 'ts'),
    '-map', '1:a', '-c:a', 'aac', '-b:a', '64k', '-ac', '2', ...hls('audio', 'ts'),
  ], 'video with an audio group')
  const video = measureBandwidth(finishVod(join(folder, 'video')))
  const audio = measureBandwidth(finishVod(join(folder, 'audio')))
  const master = buildMasterPlaylist(
    [{ uri: `video/${MEDIA_PLAYLIST_NAME}`, bandwidth: video.peak + audio.peak, averageBandwidth: video.average + audio.average, width: TINY_RUNG.width, height: TINY_RUNG.height, codecs: `${TINY_RUNG.videoCodec},${AUDIO_CODEC}`, audioGroup: 'audio' }],
    [{ uri: `audio/${MEDIA_PLAYLIST_NAME}`, groupId: 'audio', name: 'Tone', language: 'en', isDefault: true }],
  )
  writeFileSync(join(folder, MASTER_PLAYLIST_NAME), master)
}

/** The live test stream's own arguments, unpaced, then caught mid-stream: the window without its end. */
async function liveWindow(folder: string): Promise<void> {
  const mode: HlsMode = { listSize: LIVE_WINDOW_SEGMENTS, live: true, paced: false, segmentSeconds: 2 }
  mkdirSync(join(folder, TINY_RUNG.name), { recursive: true })
  await runFfmpeg((await resolveFfmpeg()).path, buildTestPatternArgs({ rungs: [TINY_RUNG], outDir: folder, fontFile: null, seconds: 16, mode }), { what: 'a live window' })
  const path = join(folder, TINY_RUNG.name, MEDIA_PLAYLIST_NAME)
  writeFileSync(path, readFileSync(path, 'utf8').replace('#EXT-X-ENDLIST\n', ''))
  writeFileSync(join(folder, MASTER_PLAYLIST_NAME), liveMasterPlaylist([TINY_RUNG]))
}

/** 0.5 s fMP4 fragments in one file, read back with the model (ffmpeg writes TARGETDURATION:0 for them, fixed first). */
async function fragments(folder: string): Promise<MediaPlaylist> {
  const mode: HlsMode = { ...VOD, segmentSeconds: 0.5 }
  mkdirSync(join(folder, TINY_RUNG.name), { recursive: true })
  await runFfmpeg((await resolveFfmpeg()).path, buildTestPatternArgs({ rungs: [TINY_RUNG], outDir: folder, fontFile: null, seconds: LOW_LATENCY_SECONDS, mode, packaging: { format: 'fmp4', byterange: true } }), { what: 'LL-HLS fragments' })
  const text = readFileSync(join(folder, TINY_RUNG.name, MEDIA_PLAYLIST_NAME), 'utf8').replace('#EXT-X-TARGETDURATION:0', '#EXT-X-TARGETDURATION:1')
  const reading = readHlsPlaylist(text, '/media/fragments/index.m3u8')
  if (!reading.ok || reading.playlist.kind !== 'media') throw new Error(`ffmpeg's fragments: ${JSON.stringify(reading.issues)}`)
  return reading.playlist
}

/** Groups of four 0.5 s fragments become 2 s segments; parts are byte ranges of index.mp4, or files cut out of it. */
async function lowLatency(name: FormName, folder: string, partFiles: boolean): Promise<HlsForm['lowLatency']> {
  const work = join(folder, '.fragments')
  const pieces = await fragments(work)
  const single = readFileSync(join(work, TINY_RUNG.name, 'index.mp4'))
  const out = join(folder, TINY_RUNG.name)
  mkdirSync(out, { recursive: true })
  const cut = (file: string, range: ByteRange) => {
    writeFileSync(join(out, file), single.subarray(range.start, range.end + 1))
    return { uri: file, range: null }
  }
  const initRange = pieces.initSegments[0].range as ByteRange
  const segments: LowLatencyLayout['segments'] = []
  const sizes: Array<{ duration: number; bytes: number }> = []
  for (let first = 0; first < pieces.segments.length; first += 4) {
    const group = pieces.segments.slice(first, first + 4)
    const range = { start: group[0].key.range!.start, end: group.at(-1)!.key.range!.end }
    const sequence = segments.length
    const parts = group.map((piece, index) => ({
      ...(partFiles ? cut(`part_${sequence}.${index}.m4s`, piece.key.range!) : { uri: 'index.mp4', range: piece.key.range }),
      duration: piece.duration,
    }))
    const duration = Number(parts.reduce((sum, part) => sum + part.duration, 0).toFixed(5))
    segments.push({ ...(partFiles ? cut(`seg_${sequence}.m4s`, range) : { uri: 'index.mp4', range }), duration, parts })
    sizes.push({ duration, bytes: rangeLength(range) })
  }
  if (!partFiles) writeFileSync(join(out, 'index.mp4'), single)
  rmSync(work, { recursive: true, force: true })
  const layout: LowLatencyLayout = { init: partFiles ? cut('init.mp4', initRange) : { uri: 'index.mp4', range: initRange }, partTarget: 0.5, targetDuration: 2, segments }
  const playlistPath = join(out, MEDIA_PLAYLIST_NAME)
  const publish = (at?: number) => writeAtomically(playlistPath, lowLatencyPlaylist(layout, at))
  publish()
  const { peak, average } = measureBandwidth(sizes)
  const variant = { uri: `${TINY_RUNG.name}/${MEDIA_PLAYLIST_NAME}`, bandwidth: peak, averageBandwidth: average, width: TINY_RUNG.width, height: TINY_RUNG.height, codecs: `${TINY_RUNG.videoCodec},${AUDIO_CODEC}` }
  writeFileSync(join(folder, MASTER_PLAYLIST_NAME), buildMasterPlaylist([variant]))
  return { layout, playlist: `/media/${name}/${TINY_RUNG.name}/${MEDIA_PLAYLIST_NAME}`, publish }
}

async function make(name: FormName): Promise<HlsForm> {
  const started = Date.now()
  const folder = join(root, name)
  rmSync(folder, { recursive: true, force: true })
  let low: HlsForm['lowLatency']
  if (name === 'ts-files') await packaged(name, { format: 'ts', byterange: false })
  else if (name === 'ts-byterange') await packaged(name, { format: 'ts', byterange: true })
  else if (name === 'fmp4-files') await packaged(name, { format: 'fmp4', byterange: false })
  else if (name === 'fmp4-byterange') await packaged(name, { format: 'fmp4', byterange: true })
  else if (name === 'audio-only') await audioOnly(folder)
  else if (name === 'audio-group') await audioGroup(folder)
  else if (name === 'live-window') await liveWindow(folder)
  else low = await lowLatency(name, folder, name === 'll-hls-part-files')
  return { name, mediaDir: root, folder, masterPath: `/media/${name}/${MASTER_PLAYLIST_NAME}`, generationMs: Date.now() - started, lowLatency: low }
}

/** The form, made on first use in this process. */
export function hlsForm(name: FormName): Promise<HlsForm> {
  let form = made.get(name)
  if (!form) made.set(name, (form = make(name)))
  return form
}
