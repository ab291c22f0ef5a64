// The shared shell of every VOD build (the sample and a host's own video): encode into a temp folder, finish the
// media playlists as VOD, measure each rendition and write the master playlist, then move the folder into place.
// On any failure or interruption the temp folder is removed, so a half-made stream never looks complete.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MediaError, MediaInterruptedError } from './errors.ts'
import { MASTER_PLAYLIST_NAME, MEDIA_PLAYLIST_NAME } from './ffmpeg-args.ts'
import { AUDIO_CODEC, type Rung } from './ladder.ts'
import { measureRendition } from './measure-rendition.ts'
import { buildMasterPlaylist, finalizeVodPlaylist, measureBandwidth, type MasterVariant } from './playlist.ts'
import { createProgressReporter, type ProgressTarget } from './progress-reporter.ts'
import { runFfmpeg } from './run-ffmpeg.ts'
import { createTempFolder, publishFolder, removeFolder, removeStaleTempFolders } from './stream-folder.ts'

export interface VodBuild {
  ffmpegPath: string
  /** Where the finished stream goes, e.g. media/sample. */
  finalDir: string
  rungs: Rung[]
  hasAudio: boolean
  frameRate: number
  /** Expected media duration, for the progress percentage. */
  totalSeconds: number
  /** ffmpeg arguments writing into the given (temporary) folder. */
  args: (outDir: string) => string[]
  /** For messages: "the sample stream". */
  what: string
  force: boolean
  progress: ProgressTarget
  signal?: AbortSignal
}

/** Finishes one rendition's playlist in place and describes it for the master playlist. */
function finishRendition(folder: string, rung: Rung, build: VodBuild): MasterVariant {
  const playlistPath = join(folder, rung.name, MEDIA_PLAYLIST_NAME)
  let text: string
  try {
    text = readFileSync(playlistPath, 'utf8')
  } catch {
    throw new MediaError(`ffmpeg reported success but wrote no ${rung.name}/${MEDIA_PLAYLIST_NAME} for ${build.what}.`)
  }
  const finished = finalizeVodPlaylist(text)
  writeFileSync(playlistPath, finished)
  const { peak, average } = measureBandwidth(measureRendition(join(folder, rung.name), finished, `the ${rung.name} rendition of ${build.what}`))
  return {
    uri: `${rung.name}/${MEDIA_PLAYLIST_NAME}`,
    bandwidth: peak,
    averageBandwidth: average,
    width: rung.width,
    height: rung.height,
    codecs: build.hasAudio ? `${rung.videoCodec},${AUDIO_CODEC}` : rung.videoCodec,
    frameRate: build.frameRate,
  }
}

export async function buildVodStream(build: VodBuild): Promise<{ path: string; variants: MasterVariant[] }> {
  removeStaleTempFolders(build.finalDir)
  const temp = createTempFolder(build.finalDir, build.rungs.map((rung) => rung.name))
  const reporter = createProgressReporter(build.what, build.totalSeconds, build.progress)
  let succeeded = false
  try {
    await runFfmpeg(build.ffmpegPath, build.args(temp), {
      what: build.what,
      signal: build.signal,
      onProgress: (update) => reporter.update(update.outTimeSeconds),
    })
    succeeded = true
    reporter.finish(true)
    const variants = build.rungs.map((rung) => finishRendition(temp, rung, build))
    writeFileSync(join(temp, MASTER_PLAYLIST_NAME), buildMasterPlaylist(variants))
    if (build.signal?.aborted) throw new MediaInterruptedError(build.what)
    publishFolder(temp, build.finalDir, build.force)
    return { path: build.finalDir, variants }
  } catch (error) {
    if (!succeeded) reporter.finish(false)
    removeFolder(temp)
    throw error
  }
}
