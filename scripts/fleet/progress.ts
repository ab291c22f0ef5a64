// The live progress line: rewritten in place on a terminal, printed every few seconds into a log or a pipe.
import type { FleetProgress } from './viewer.ts'

/** Pure: one line describing the fleet right now. */
export function progressLine(progress: FleetProgress, total: number, elapsedSeconds: number): string {
  return `[${elapsedSeconds.toFixed(0).padStart(4)} s] viewers active ${progress.active}/${total} (done ${progress.finished}) | segments ${progress.segments} | satoshis ${progress.satoshis} | errors ${progress.errors}`
}

/** Starts reporting to `stream`; the returned function stops it and ends the line. */
export function startProgress(progress: FleetProgress, total: number, stream: NodeJS.WriteStream = process.stderr): () => void {
  const started = performance.now()
  const interactive = stream.isTTY === true
  const render = () => {
    const line = progressLine(progress, total, (performance.now() - started) / 1000)
    stream.write(interactive ? `\r${line}\x1b[K` : `${line}\n`)
  }
  const timer = setInterval(render, interactive ? 250 : 5_000)
  timer.unref()
  return () => {
    clearInterval(timer)
    render()
    if (interactive) stream.write('\n')
  }
}
