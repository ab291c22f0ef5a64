// The sample stream: a test pattern with a burnt-in running timestamp and frame number plus a 440 Hz tone, as a
// 360p + 720p VOD ladder in media/sample/. `npm run media` makes it; the host makes it on first start.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { buildTestPatternArgs, MASTER_PLAYLIST_NAME, VOD } from './ffmpeg-args.ts'
import { resolveFfmpeg, type FfmpegCandidate } from './ffmpeg-locator.ts'
import { withInterruptSignal } from './interrupts.ts'
import { LADDER_FPS, SAMPLE_LADDER, type Rung } from './ladder.ts'
import { DEFAULT_PACKAGING, describePackaging, type Packaging } from './packaging.ts'
import type { ProgressTarget } from './progress-reporter.ts'
import { findTestPatternFont } from './test-pattern-font.ts'
import { buildVodStream } from './vod-build.ts'

export const SAMPLE_NAME = 'sample'
export const SAMPLE_SECONDS = 60

export interface SampleOptions {
  /** The media folder; the stream goes to <outRoot>/<name>. */
  outRoot: string
  name?: string
  seconds?: number
  /** The renditions to encode; the 360p + 720p sample ladder by default. */
  rungs?: Rung[]
  packaging?: Packaging
  /** Regenerate even when the stream exists. */
  force?: boolean
  log?: (line: string) => void
  progress?: ProgressTarget
  signal?: AbortSignal
  ffmpegCandidates?: FfmpegCandidate[]
}

export function isStreamComplete(folder: string): boolean {
  return existsSync(join(folder, MASTER_PLAYLIST_NAME))
}

export async function generateSampleStream(options: SampleOptions): Promise<{ generated: boolean; path: string }> {
  const finalDir = join(options.outRoot, options.name ?? SAMPLE_NAME)
  const seconds = options.seconds ?? SAMPLE_SECONDS
  if (!(seconds > 0)) throw new RangeError(`seconds must be positive, got ${seconds}`)
  if (!options.force && isStreamComplete(finalDir)) return { generated: false, path: finalDir }
  const log = options.log ?? (() => {})
  const rungs = options.rungs ?? SAMPLE_LADDER
  const packaging = options.packaging ?? DEFAULT_PACKAGING
  const ffmpeg = await resolveFfmpeg({ candidates: options.ffmpegCandidates, log })
  const fontFile = findTestPatternFont()
  if (!fontFile) log('No DejaVu font found (apt-get install fonts-dejavu-core); the test pattern will have no burnt-in timestamp.')
  log(`Generating ${seconds} s sample stream (${rungs.map((rung) => rung.name).join(' + ')}, ${describePackaging(packaging)}) into ${finalDir}`)
  await buildVodStream({
    ffmpegPath: ffmpeg.path,
    finalDir,
    rungs,
    hasAudio: true,
    frameRate: LADDER_FPS,
    totalSeconds: seconds,
    args: (outDir) => buildTestPatternArgs({ rungs, outDir, fontFile, seconds, mode: VOD, packaging }),
    what: 'the sample stream',
    // A stream folder without a master playlist is not ours to keep (we only ever publish complete ones).
    force: options.force === true || existsSync(finalDir),
    progress: options.progress ?? { log },
    signal: options.signal,
  })
  log(`Sample stream ready: ${join(finalDir, MASTER_PLAYLIST_NAME)}`)
  return { generated: true, path: finalDir }
}

/**
 * Makes <mediaDir>/sample when it is missing (first start of the host). `path` is the stream folder. Ctrl-C during
 * generation removes the partial output before the process ends.
 */
export async function ensureSampleStream(mediaDir: string, opts?: { log?: (line: string) => void }): Promise<{ generated: boolean; path: string }> {
  const folder = join(mediaDir, SAMPLE_NAME)
  if (isStreamComplete(folder)) return { generated: false, path: folder }
  // The same progress as `npm run media`: a bar on a terminal, a line every 10% otherwise.
  const progress = { stream: process.stderr, log: opts?.log }
  return withInterruptSignal((signal) => generateSampleStream({ outRoot: mediaDir, log: opts?.log, progress, signal }), { reraise: true })
}
