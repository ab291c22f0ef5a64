// A live sliding-window stream of the test pattern in media/live/: ffmpeg paces itself at real time, keeps the
// last few segments in the playlist and deletes older ones. Runs until stopped (or for `seconds` when given).
// Unlike VOD, a live stream is served while it is being written, so it goes straight to its final folder.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MediaError } from './errors.ts'
import { buildTestPatternArgs, LIVE_WINDOW, MASTER_PLAYLIST_NAME, MEDIA_PLAYLIST_NAME } from './ffmpeg-args.ts'
import { resolveFfmpeg, type FfmpegCandidate } from './ffmpeg-locator.ts'
import { AUDIO_CODEC, AUDIO_KBPS, LADDER_FPS, SAMPLE_LADDER, type Rung } from './ladder.ts'
import { DEFAULT_PACKAGING, type Packaging } from './packaging.ts'
import { buildMasterPlaylist } from './playlist.ts'
import { runFfmpeg } from './run-ffmpeg.ts'
import { findTestPatternFont } from './test-pattern-font.ts'

export const LIVE_NAME = 'live'

export interface LiveOptions {
  outRoot: string
  /** Stop after this much media time; omitted = until the signal fires. */
  seconds?: number
  rungs?: Rung[]
  /** A live window deletes old segments, so it cannot live in one growing file: byte ranges are refused. */
  packaging?: Packaging
  log?: (line: string) => void
  signal?: AbortSignal
  ffmpegCandidates?: FfmpegCandidate[]
}

/** Nothing is measured yet when a live stream starts, so the master advertises the encoder's ceiling. */
export function liveMasterPlaylist(rungs: Rung[]): string {
  return buildMasterPlaylist(
    rungs.map((rung) => ({
      uri: `${rung.name}/${MEDIA_PLAYLIST_NAME}`,
      bandwidth: Math.ceil((rung.maxrateKbps + AUDIO_KBPS) * 1000 * 1.1),
      width: rung.width,
      height: rung.height,
      codecs: `${rung.videoCodec},${AUDIO_CODEC}`,
      frameRate: LADDER_FPS,
    })),
  )
}

export async function runLiveStream(options: LiveOptions): Promise<{ path: string }> {
  const log = options.log ?? (() => {})
  const rungs = options.rungs ?? SAMPLE_LADDER
  const packaging = options.packaging ?? DEFAULT_PACKAGING
  if (packaging.byterange) throw new MediaError('A live stream cannot use --byterange: its window drops old segments, which one growing file cannot do.')
  const folder = join(options.outRoot, LIVE_NAME)
  const ffmpeg = await resolveFfmpeg({ candidates: options.ffmpegCandidates, log })
  try {
    // Old segments from a previous run would otherwise be listed next to the new ones.
    rmSync(folder, { recursive: true, force: true })
    for (const rung of rungs) mkdirSync(join(folder, rung.name), { recursive: true })
    writeFileSync(join(folder, MASTER_PLAYLIST_NAME), liveMasterPlaylist(rungs))
  } catch (error) {
    throw new MediaError(`Cannot write to the output folder ${options.outRoot} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Choose another one with --out DIR.`)
  }
  log(`Live stream running (${rungs.map((rung) => rung.name).join(' + ')}): ${join(folder, MASTER_PLAYLIST_NAME)}. Stop with Ctrl-C.`)
  await runFfmpeg(ffmpeg.path, buildTestPatternArgs({ rungs, outDir: folder, fontFile: findTestPatternFont(), seconds: options.seconds, mode: LIVE_WINDOW, packaging }), {
    what: 'the live stream',
    signal: options.signal,
  })
  return { path: folder }
}
