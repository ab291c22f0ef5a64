// Inspects an input file: its duration, the size it displays at, frame rate, and whether it has audio.
// Uses ffprobe when there is one; otherwise parses `ffmpeg -i FILE` stderr, since bundled ffmpeg builds often ship
// without ffprobe. Both parsers are pure and return the same MediaInfo.
import { execFile } from 'node:child_process'
import { MediaError } from './errors.ts'

export interface VideoInfo {
  /** Size the picture is shown at: pixel aspect ratio applied and rotation taken into account. */
  width: number
  height: number
  fps: number | null
}

export interface MediaInfo {
  durationSeconds: number | null
  /** null when the file has no video stream (audio only, or only cover art). */
  video: VideoInfo | null
  hasAudio: boolean
}

function displaySize(width: number, height: number, sar: number, rotation: number): { width: number; height: number } {
  const shownWidth = Math.round(width * (sar > 0 && Number.isFinite(sar) ? sar : 1))
  const quarterTurn = Math.abs(Math.round(rotation)) % 180 === 90
  return quarterTurn ? { width: height, height: shownWidth } : { width: shownWidth, height }
}

function parseClock(text: string): number | null {
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text.trim())
  return match ? Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]) : null
}

/**
 * Cover art in audio files and plain pictures show up as "video" streams. ffmpeg 4.1 does not always mark cover art
 * "(attached pic)", but a still image never has an "fps" figure, only a nominal tbr.
 */
function isStillImage(header: string): boolean {
  if (/\(attached pic\)/.test(header)) return true
  return /: Video: (mjpeg|png|bmp|webp|tiff)\b/.test(header) && !/\sfps\b/.test(header)
}

/** Parses what `ffmpeg -hide_banner -i FILE` prints on stderr. Returns null when ffmpeg could not read the file. */
export function parseFfmpegInputInfo(stderr: string): MediaInfo | null {
  if (!/^Input #\d+/m.test(stderr)) return null
  const durationMatch = /Duration:\s*([0-9:.]+|N\/A)/.exec(stderr)
  const durationSeconds = durationMatch && durationMatch[1] !== 'N/A' ? parseClock(durationMatch[1]) : null
  // Split into per-stream blocks so a stream's metadata (rotation) stays with it.
  const blocks = stderr.split(/(?=^\s*Stream #\d+:\d+)/m).filter((block) => /^\s*Stream #/.test(block))
  let video: VideoInfo | null = null
  let hasAudio = false
  for (const block of blocks) {
    const header = block.split('\n')[0]
    if (/: Audio:/.test(header)) hasAudio = true
    if (video || !/: Video:/.test(header) || isStillImage(header)) continue
    // ", 320x240" — the leading comma keeps codec tags like "0x31637661" from matching.
    const size = /,\s(\d{1,5})x(\d{1,5})(?=[\s,\[]|$)/.exec(header)
    if (!size) continue
    const sarMatch = /\[SAR (\d+):(\d+)/.exec(header)
    const sar = sarMatch && Number(sarMatch[2]) > 0 ? Number(sarMatch[1]) / Number(sarMatch[2]) : 1
    const fpsMatch = /,\s([\d.]+)(k?) fps/.exec(header) ?? /,\s([\d.]+)(k?) tbr/.exec(header)
    const fps = fpsMatch ? Number(fpsMatch[1]) * (fpsMatch[2] === 'k' ? 1000 : 1) : null
    const rotateMatch = /rotate\s*:\s*(-?[\d.]+)/.exec(block) ?? /rotation of (-?[\d.]+) degrees/.exec(block)
    const rotation = rotateMatch ? Number(rotateMatch[1]) : 0
    video = { ...displaySize(Number(size[1]), Number(size[2]), sar, rotation), fps }
  }
  return { durationSeconds, video, hasAudio }
}

interface FfprobeStream {
  codec_type?: string
  width?: number
  height?: number
  avg_frame_rate?: string
  r_frame_rate?: string
  sample_aspect_ratio?: string
  tags?: { rotate?: string }
  side_data_list?: Array<{ rotation?: number }>
  disposition?: { attached_pic?: number }
}

function ratio(text: string | undefined): number | null {
  const match = /^(\d+)[:/](\d+)$/.exec(text ?? '')
  return match && Number(match[2]) > 0 ? Number(match[1]) / Number(match[2]) : null
}

/** Parses `ffprobe -v error -print_format json -show_streams -show_format FILE`. */
export function parseFfprobeJson(json: string): MediaInfo | null {
  let data: { streams?: FfprobeStream[]; format?: { duration?: string } }
  try {
    data = JSON.parse(json)
  } catch {
    return null
  }
  if (!Array.isArray(data.streams)) return null
  const stream = data.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic && s.width && s.height)
  const rotation = Number(stream?.tags?.rotate ?? stream?.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0)
  const fps = ratio(stream?.avg_frame_rate) || ratio(stream?.r_frame_rate) || null
  const duration = Number(data.format?.duration)
  return {
    durationSeconds: Number.isFinite(duration) ? duration : null,
    video: stream ? { ...displaySize(stream.width!, stream.height!, ratio(stream.sample_aspect_ratio) ?? 1, rotation), fps } : null,
    hasAudio: data.streams.some((s) => s.codec_type === 'audio'),
  }
}

function run(binary: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      // `ffmpeg -i` without an output always exits 1; only a failure to start at all is an error here.
      if (error && typeof error.code !== 'number') reject(error)
      else resolve({ stdout, stderr })
    })
  })
}

/** Reads the file's streams; throws a MediaError when the file is not something ffmpeg can read as video. */
export async function probeMedia(file: string, ffmpegPath: string, ffprobePath: string | null): Promise<MediaInfo & { video: VideoInfo }> {
  let info: MediaInfo | null
  let detail = ''
  if (ffprobePath) {
    const { stdout, stderr } = await run(ffprobePath, ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', file])
    info = parseFfprobeJson(stdout)
    detail = stderr.trim()
  } else {
    const { stderr } = await run(ffmpegPath, ['-hide_banner', '-nostdin', '-i', file])
    info = parseFfmpegInputInfo(stderr)
    detail = stderr.split('\n').filter((line) => line.includes(file) || /Invalid|error/i.test(line)).join(' ').trim()
  }
  if (!info) throw new MediaError(`${file} is not a video file ffmpeg can read${detail ? ` (${detail})` : ''}.`)
  if (!info.video) throw new MediaError(`${file} has no video stream${info.hasAudio ? ' (audio only)' : ''}; nothing to package.`)
  return { ...info, video: info.video }
}
