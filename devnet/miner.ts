// Mines a devnet block on a timer, empty or not, so heights advance the way they do on a real chain
// (refund timelocks and settlement deadlines depend on it). Returns the function that stops it.
import type { DevnetLedger } from './ledger.ts'

export function startMiner(ledger: DevnetLedger, opts: { intervalMs: number; onError?: (err: unknown) => void }): () => void {
  if (!(opts.intervalMs > 0)) throw new Error(`the miner needs a positive interval, got ${opts.intervalMs} ms`)
  const timer = setInterval(() => {
    try {
      ledger.mine()
    } catch (err) {
      // A closed ledger during shutdown, or a full disk: log and keep the host alive.
      opts.onError?.(err)
    }
  }, opts.intervalMs)
  // The timer alone must not keep the process alive.
  timer.unref()
  return () => clearInterval(timer)
}
