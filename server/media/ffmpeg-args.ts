// Builds ffmpeg argument lists. One ffmpeg process encodes every rung: the picture is split once and scaled per
// rung, and each rung is its own HLS output in its own folder. We write the master playlist ourselves rather than
// use -master_pl_name/-var_stream_map, which crash the bundled 2018 ffmpeg when combined with VOD playlists.
import { join } from 'node:path'
import { AUDIO_KBPS, LADDER_FPS, type Rung } from './ladder.ts'
import { DEFAULT_PACKAGING, packagingArgs, packagingFlags, type Packaging } from './packaging.ts'

export const SEGMENT_SECONDS = 2
export const MEDIA_PLAYLIST_NAME = 'index.m3u8'
export const MASTER_PLAYLIST_NAME = 'master.m3u8'

export interface HlsMode {
  /** 0 keeps every segment (VOD); a live window keeps the last N. */
  listSize: number
  /** Deletes segments that left the window and stamps each with EXT-X-PROGRAM-DATE-TIME (renditions align by it). */
  live: boolean
  /** Encode at real time (-re), as a live source would arrive. */
  paced: boolean
  segmentSeconds: number
}

export const VOD: HlsMode = { listSize: 0, live: false, paced: false, segmentSeconds: SEGMENT_SECONDS }
export const LIVE_WINDOW: HlsMode = { listSize: 6, live: true, paced: true, segmentSeconds: SEGMENT_SECONDS }

/**
 * Quotes a path for a filter option (drawtext=fontfile=...). Quoting is enough for ordinary paths; a path with a
 * quote or backslash would need escaping at two levels of the filter syntax, so it is refused instead.
 */
export function quoteFilterPath(value: string): string {
  if (/['\\]/.test(value)) throw new Error(`Unsupported characters in filter path ${value}`)
  return `'${value}'`
}

/** The lavfi source of the test pattern: moving colour bars with the running time and frame number burnt in. */
export function testPatternSource(options: { width: number; height: number; seconds?: number; fontFile: string | null; live?: boolean }): string {
  const duration = options.seconds !== undefined ? `:duration=${options.seconds}` : ''
  const pattern = `testsrc2=size=${options.width}x${options.height}:rate=${LADDER_FPS}${duration}`
  if (!options.fontFile) return pattern
  const fontSize = Math.round(options.height / 16)
  const prefix = options.live ? 'LIVE  ' : ''
  const text = `${prefix}%{pts\\:hms}  frame %{n}`
  return `${pattern},drawtext=fontfile=${quoteFilterPath(options.fontFile)}:text='${text}':fontsize=${fontSize}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8:x=24:y=24`
}

export function toneSource(seconds?: number): string {
  return `sine=frequency=440:sample_rate=48000${seconds !== undefined ? `:duration=${seconds}` : ''}`
}

/** [in]split -> scale per rung -> [v0] [v1] ... ; `pre` runs once before the split (fps cap, pixel format). */
export function ladderFilterGraph(input: string, rungs: Rung[], pre: string[] = []): string {
  const labels = rungs.map((_, index) => `[s${index}]`).join('')
  const head = `${input}${[...pre, `split=${rungs.length}`].join(',')}${labels}`
  const scales = rungs.map((rung, index) => `[s${index}]scale=${rung.width}:${rung.height},setsar=1[v${index}]`)
  return [head, ...scales].join(';')
}

function rungOutputArgs(options: {
  rung: Rung
  index: number
  audio: string | null
  keyframes: string[]
  outDir: string
  mode: HlsMode
  packaging: Packaging
  seconds?: number
}): string[] {
  const { rung, index, audio, keyframes, outDir, mode, packaging } = options
  const folder = join(outDir, rung.name)
  const flags = [...(mode.live ? ['delete_segments', 'temp_file', 'program_date_time'] : []), ...packagingFlags(packaging)]
  return [
    '-map', `[v${index}]`,
    ...(audio ? ['-map', audio] : []),
    '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-level', rung.level, '-pix_fmt', 'yuv420p',
    '-b:v', `${rung.videoKbps}k`, '-maxrate', `${rung.maxrateKbps}k`, '-bufsize', `${rung.bufsizeKbps}k`,
    ...keyframes,
    ...(audio ? ['-c:a', 'aac', '-b:a', `${AUDIO_KBPS}k`, '-ac', '2', '-ar', '48000'] : []),
    // -t is an output option and applies to one output only, so every rung carries its own.
    ...(options.seconds !== undefined ? ['-t', String(options.seconds)] : []),
    '-f', 'hls', '-hls_time', String(mode.segmentSeconds), '-hls_list_size', String(mode.listSize),
    ...(flags.length > 0 ? ['-hls_flags', flags.join('+')] : []),
    ...packagingArgs(packaging, folder),
    join(folder, MEDIA_PLAYLIST_NAME),
  ]
}

const COMMON = ['-hide_banner', '-nostdin', '-y', '-v', 'error', '-progress', 'pipe:1', '-nostats']
/** The pattern is generated at exactly 30 fps, so a fixed GOP puts a keyframe on every segment boundary. */
function fixedGop(segmentSeconds: number): string[] {
  const frames = String(Math.round(LADDER_FPS * segmentSeconds))
  return ['-g', frames, '-keyint_min', frames, '-sc_threshold', '0']
}
/** A source's frame rate is whatever it is, so keyframes are forced by time instead of frame count. */
const TIMED_KEYFRAMES = ['-force_key_frames', `expr:gte(t,n_forced*${SEGMENT_SECONDS})`, '-sc_threshold', '0']

/** The test pattern + tone encoded into every rung. `seconds` omitted means run until stopped (live). */
export function buildTestPatternArgs(options: { rungs: Rung[]; outDir: string; fontFile: string | null; seconds?: number; mode: HlsMode; packaging?: Packaging }): string[] {
  const top = options.rungs[options.rungs.length - 1]
  const video = testPatternSource({ width: top.width, height: top.height, seconds: options.seconds, fontFile: options.fontFile, live: options.mode.live })
  // -re paces a live stream at real time; a VOD render goes as fast as the machine allows.
  const pace = options.mode.paced ? ['-re'] : []
  const packaging = options.packaging ?? DEFAULT_PACKAGING
  return [
    ...COMMON,
    ...pace, '-f', 'lavfi', '-i', video,
    ...pace, '-f', 'lavfi', '-i', toneSource(options.seconds),
    '-filter_complex', ladderFilterGraph('[0:v]', options.rungs),
    ...options.rungs.flatMap((rung, index) =>
      rungOutputArgs({ rung, index, audio: '1:a', keyframes: fixedGop(options.mode.segmentSeconds), outDir: options.outDir, mode: options.mode, packaging, seconds: options.seconds }),
    ),
  ]
}

/** A host's own video, re-encoded into every rung (frame rate capped at 30 fps; audio only when the source has it). */
export function buildPackageArgs(options: { input: string; rungs: Rung[]; outDir: string; hasAudio: boolean; sourceFps: number | null; packaging?: Packaging }): string[] {
  const pre = [...(options.sourceFps === null || options.sourceFps > LADDER_FPS + 0.5 ? [`fps=${LADDER_FPS}`] : []), 'format=yuv420p']
  return [
    ...COMMON,
    '-i', options.input,
    '-filter_complex', ladderFilterGraph('[0:v:0]', options.rungs, pre),
    ...options.rungs.flatMap((rung, index) =>
      rungOutputArgs({ rung, index, audio: options.hasAudio ? '0:a:0' : null, keyframes: TIMED_KEYFRAMES, outDir: options.outDir, mode: VOD, packaging: options.packaging ?? DEFAULT_PACKAGING }),
    ),
  ]
}
