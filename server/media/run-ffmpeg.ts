// Runs one ffmpeg process: streams its -progress output to a callback, keeps the tail of stderr for the error
// message, and stops it when the AbortSignal fires (waiting for it to exit, so nothing writes after cleanup).
import { spawn } from 'node:child_process'
import { MediaError, MediaInterruptedError } from './errors.ts'
import { EMPTY_PROGRESS, feedProgress, type ProgressUpdate } from './progress.ts'

export interface RunFfmpegOptions {
  signal?: AbortSignal
  onProgress?: (update: ProgressUpdate) => void
  /** Says what is being made, for messages ("the sample stream"). */
  what: string
}

const STDERR_TAIL_LINES = 20
// Warnings the bundled build prints on every HLS run that mean nothing to the person reading the error.
const NOISE = [/Cannot use rename on non file protocol/]

export function runFfmpeg(ffmpegPath: string, args: string[], options: RunFfmpegOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new MediaInterruptedError(options.what))
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let progress = EMPTY_PROGRESS
    let stderrTail: string[] = []
    let stopping = false
    let killTimer: NodeJS.Timeout | undefined

    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      progress = feedProgress(progress, chunk)
      for (const update of progress.updates) options.onProgress?.(update)
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      const lines = chunk.split(/\r?\n/).filter((line) => line.trim() !== '' && !NOISE.some((noise) => noise.test(line)))
      stderrTail = [...stderrTail, ...lines].slice(-STDERR_TAIL_LINES)
    })

    const stop = () => {
      stopping = true
      child.kill('SIGTERM')
      // ffmpeg normally exits within a moment of SIGTERM; a wedged one is not allowed to hold up cleanup.
      killTimer = setTimeout(() => child.kill('SIGKILL'), 3000)
    }
    options.signal?.addEventListener('abort', stop, { once: true })

    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', stop)
      reject(new MediaError(`Could not start ffmpeg at ${ffmpegPath}: ${error.message}`))
    })
    child.on('close', (code, signal) => {
      clearTimeout(killTimer)
      options.signal?.removeEventListener('abort', stop)
      if (stopping || options.signal?.aborted) return reject(new MediaInterruptedError(options.what))
      if (code === 0) return resolve()
      const how = code !== null ? `exit code ${code}` : `signal ${signal}`
      const detail = stderrTail.length > 0 ? `\n${stderrTail.map((line) => `  ${line}`).join('\n')}` : ''
      reject(new MediaError(`ffmpeg failed making ${options.what} (${how}).${detail}`))
    })
  })
}
