// Turns SIGINT/SIGTERM into an AbortSignal for the duration of one job, so the job can stop ffmpeg and remove its
// temp folder before the process goes away. Listeners are removed afterwards; the process's own handling returns.
import { MediaInterruptedError } from './errors.ts'

const SIGNALS = ['SIGINT', 'SIGTERM'] as const

export async function withInterruptSignal<T>(
  job: (signal: AbortSignal) => Promise<T>,
  options: {
    /**
     * After cleaning up, re-send the signal to this process when nobody else listens for it, so it ends the way
     * it would have without us (used inside the host). The CLI instead reports and exits with 130 itself.
     */
    reraise?: boolean
  } = {},
): Promise<T> {
  const controller = new AbortController()
  let received: NodeJS.Signals | null = null
  const onSignal = (signal: NodeJS.Signals) => {
    received ??= signal
    controller.abort()
  }
  for (const signal of SIGNALS) process.on(signal, onSignal)
  try {
    return await job(controller.signal)
  } catch (error) {
    // A signal that arrives while ffmpeg is already failing (Ctrl-C reaches the whole process group) is still an interruption.
    throw received && !(error instanceof MediaInterruptedError) ? new MediaInterruptedError('the run') : error
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal)
    if (options.reraise && received && process.listenerCount(received) === 0) process.kill(process.pid, received)
  }
}
