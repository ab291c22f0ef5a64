// Shows encoding progress: a bar redrawn in place on a terminal, a plain line every 10% otherwise (logs, CI, the
// host's logger). The arithmetic and text live in progress.ts; this only decides where and when to write.
import { estimateProgress, progressStepReached, renderProgressBar, renderProgressLine } from './progress.ts'

export interface ProgressReporter {
  update(outTimeSeconds: number | null): void
  /** Ends the display: the bar line is completed (or cleared when the run failed). */
  finish(succeeded: boolean): void
}

export interface ProgressTarget {
  /** A terminal stream to draw the bar on; when absent or not a TTY, lines go to `log`. */
  stream?: NodeJS.WriteStream
  log?: (line: string) => void
}

export function createProgressReporter(label: string, totalSeconds: number, target: ProgressTarget, now: () => number = Date.now): ProgressReporter {
  const started = now()
  const tty = target.stream?.isTTY === true ? target.stream : null
  let lastPrinted: number | null = null
  let drawn = false
  let lastFraction = 0
  return {
    update(outTimeSeconds) {
      const estimate = estimateProgress(outTimeSeconds, totalSeconds, (now() - started) / 1000)
      lastFraction = estimate.fraction
      if (tty) {
        tty.write(`\r${renderProgressBar(label, estimate)}\x1b[K`)
        drawn = true
      } else if (target.log && progressStepReached(lastPrinted, estimate.fraction)) {
        target.log(renderProgressLine(label, estimate, totalSeconds))
        lastPrinted = estimate.fraction
      }
    },
    finish(succeeded) {
      if (tty && drawn) {
        tty.write(succeeded ? `\r${renderProgressBar(label, { fraction: 1, etaSeconds: 0 })}\x1b[K\n` : '\r\x1b[K')
      } else if (!tty && target.log && succeeded && lastFraction < 1) {
        target.log(renderProgressLine(label, { fraction: 1, etaSeconds: 0 }, totalSeconds))
      }
    },
  }
}
