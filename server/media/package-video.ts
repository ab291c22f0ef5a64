// Packages a host's own video into the same kind of ladder as the sample: media/<name>/<rung>/index.m3u8 plus
// master.m3u8. The ladder follows the source (aspect ratio kept, never upscaled); audio is carried when present.
import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { MediaError } from './errors.ts'
import { buildPackageArgs, MASTER_PLAYLIST_NAME } from './ffmpeg-args.ts'
import { resolveFfmpeg, resolveFfprobe, type FfmpegCandidate } from './ffmpeg-locator.ts'
import { LADDER_FPS, planLadder, type Rung } from './ladder.ts'
import { probeMedia } from './media-probe.ts'
import { DEFAULT_PACKAGING, describePackaging, type Packaging } from './packaging.ts'
import type { ProgressTarget } from './progress-reporter.ts'
import { sanitizeStreamName, streamNameFromFile } from './stream-name.ts'
import { buildVodStream } from './vod-build.ts'

export interface PackageOptions {
  input: string
  outRoot: string
  /** Defaults to the input's file name, sanitized. */
  name?: string
  force?: boolean
  packaging?: Packaging
  log?: (line: string) => void
  progress?: ProgressTarget
  signal?: AbortSignal
  ffmpegCandidates?: FfmpegCandidate[]
}

export async function packageVideo(options: PackageOptions): Promise<{ path: string; name: string; rungs: Rung[] }> {
  const log = options.log ?? (() => {})
  const input = resolve(options.input)
  if (!existsSync(input)) throw new MediaError(`Input file not found: ${options.input}`)
  if (!statSync(input).isFile()) throw new MediaError(`Input is not a file: ${options.input}`)
  const name = options.name !== undefined ? sanitizeStreamName(options.name) : streamNameFromFile(input)
  const finalDir = join(options.outRoot, name)
  if (existsSync(finalDir) && !options.force) {
    throw new MediaError(`${finalDir} already exists; use --force to replace it or --name to pick another name.`)
  }
  const ffmpeg = await resolveFfmpeg({ candidates: options.ffmpegCandidates, log })
  const info = await probeMedia(input, ffmpeg.path, resolveFfprobe(ffmpeg.path))
  const rungs = planLadder(info.video)
  const packaging = options.packaging ?? DEFAULT_PACKAGING
  const frameRate = Math.min(info.video.fps ?? LADDER_FPS, LADDER_FPS)
  log(
    `Packaging ${options.input} (${info.video.width}x${info.video.height}${info.hasAudio ? '' : ', no audio'}) as "${name}": ` +
      rungs.map((rung) => `${rung.name} ${rung.width}x${rung.height}`).join(', ') +
      `, ${describePackaging(packaging)}`,
  )
  await buildVodStream({
    ffmpegPath: ffmpeg.path,
    finalDir,
    rungs,
    hasAudio: info.hasAudio,
    frameRate,
    // Without a known duration the bar cannot show a percentage; it then stays at 0% until done.
    totalSeconds: info.durationSeconds ?? 0,
    args: (outDir) => buildPackageArgs({ input, rungs, outDir, hasAudio: info.hasAudio, sourceFps: info.video.fps, packaging }),
    what: `"${name}"`,
    force: options.force === true,
    progress: options.progress ?? { log },
    signal: options.signal,
  })
  log(`Stream ready: ${join(finalDir, MASTER_PLAYLIST_NAME)}`)
  return { path: finalDir, name, rungs }
}
