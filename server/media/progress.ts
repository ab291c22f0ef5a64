// Progress of an ffmpeg run, from `-progress pipe:1`: blocks of key=value lines, each closed by
// progress=continue|end. Percent is media time written over media time expected; ETA extrapolates wall time.

export interface ProgressUpdate {
  /** Media time written so far, in seconds; null while ffmpeg does not know yet ("N/A"). */
  outTimeSeconds: number | null
  ended: boolean
}

export interface ProgressParse {
  /** Unfinished text to prepend to the next chunk. */
  rest: string
  /** Values of the block being read. */
  pending: Record<string, string>
  updates: ProgressUpdate[]
}

export const EMPTY_PROGRESS: ProgressParse = { rest: '', pending: {}, updates: [] }

function parseClock(text: string): number | null {
  const match = /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text.trim())
  if (!match) return null
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4])
  return match[1] === '-' ? -seconds : seconds
}

/** Media time of one progress block. out_time_ms is in microseconds despite its name (a long-standing ffmpeg quirk). */
export function outTimeOf(block: Record<string, string>): number | null {
  for (const key of ['out_time_us', 'out_time_ms']) {
    const value = block[key]
    if (value !== undefined && /^-?\d+$/.test(value.trim())) return Math.max(0, Number(value) / 1_000_000)
  }
  const clock = block.out_time !== undefined ? parseClock(block.out_time) : null
  return clock === null ? null : Math.max(0, clock)
}

/** Feeds one chunk of ffmpeg's progress output; returns the state to feed the next chunk with and the updates found. */
export function feedProgress(previous: ProgressParse, chunk: string): ProgressParse {
  const text = previous.rest + chunk
  const lines = text.split(/\r?\n/)
  const rest = lines.pop() ?? ''
  let pending = { ...previous.pending }
  const updates: ProgressUpdate[] = []
  for (const line of lines) {
    const separator = line.indexOf('=')
    if (separator <= 0) continue
    const key = line.slice(0, separator).trim()
    const value = line.slice(separator + 1).trim()
    if (key === 'progress') {
      updates.push({ outTimeSeconds: outTimeOf(pending), ended: value === 'end' })
      pending = {}
    } else {
      pending[key] = value
    }
  }
  return { rest, pending, updates }
}

export interface ProgressEstimate {
  /** 0..1 */
  fraction: number
  /** Seconds of wall time left, null until there is something to extrapolate from. */
  etaSeconds: number | null
}

export function estimateProgress(outTimeSeconds: number | null, totalSeconds: number, elapsedSeconds: number): ProgressEstimate {
  if (outTimeSeconds === null || !(totalSeconds > 0)) return { fraction: 0, etaSeconds: null }
  const fraction = Math.min(1, Math.max(0, outTimeSeconds / totalSeconds))
  if (fraction >= 1) return { fraction: 1, etaSeconds: 0 }
  if (fraction <= 0 || elapsedSeconds <= 0) return { fraction, etaSeconds: null }
  return { fraction, etaSeconds: (elapsedSeconds * (1 - fraction)) / fraction }
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function formatClock(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds))
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const s = String(whole % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

function etaText(etaSeconds: number | null): string {
  return etaSeconds === null ? 'ETA --:--' : `ETA ${formatClock(etaSeconds)}`
}

/** One line for a terminal, redrawn in place: "sample [########------------]  40%  ETA 0:06". */
export function renderProgressBar(label: string, estimate: ProgressEstimate, barWidth = 30): string {
  const filled = Math.round(estimate.fraction * barWidth)
  const percent = `${Math.floor(estimate.fraction * 100)}%`.padStart(4)
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${percent}  ${etaText(estimate.etaSeconds)}`
}

/** A plain log line for non-terminals: "sample: 40% of 0:08 encoded, ETA 0:06". */
export function renderProgressLine(label: string, estimate: ProgressEstimate, totalSeconds: number): string {
  return `${label}: ${Math.floor(estimate.fraction * 100)}% of ${formatClock(totalSeconds)} encoded, ${etaText(estimate.etaSeconds)}`
}

/** Plain output prints once per `step` (10%) crossed, so logs get a handful of lines, not hundreds. */
export function progressStepReached(lastPrintedFraction: number | null, fraction: number, step = 0.1): boolean {
  if (lastPrintedFraction === null) return true
  return Math.floor(fraction / step + 1e-9) > Math.floor(lastPrintedFraction / step + 1e-9)
}
