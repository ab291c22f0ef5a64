// Sweeps the opens whose funding never came: a flood of unfunded opens costs the host at most --open-timeout of storage.
import type { ChannelOpening } from './channel-opening.ts'

/** Swept a few times per timeout, so an open outlives its timeout by at most a quarter of it (and never by over 5 s). */
export function startOpenExpiry(opening: Pick<ChannelOpening, 'expire'>, timeoutMs: number, onError: (error: unknown) => void): () => void {
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      await opening.expire()
    } catch (error) {
      onError(error)
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void tick(), Math.min(5_000, Math.max(100, timeoutMs / 4)))
  timer.unref()
  return () => clearInterval(timer)
}
