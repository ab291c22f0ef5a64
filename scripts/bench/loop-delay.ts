// Every bench server reports how late its own event loop ran during a phase, so a slow tail can be placed: in the
// server, or in the load generator that measures it. Answers {type: 'loop-delay'} over IPC, then starts afresh.
import { monitorEventLoopDelay } from 'node:perf_hooks'

export interface LoopDelay {
  p50_ms: number
  p99_ms: number
  max_ms: number
}

const nsToMs = (ns: number) => Math.round(ns / 1e4) / 100

export function answerLoopDelay(): void {
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  histogram.enable()
  process.on('message', (message: { id: number; type: string }) => {
    if (message.type !== 'loop-delay') return
    const delay: LoopDelay = { p50_ms: nsToMs(histogram.percentile(50)), p99_ms: nsToMs(histogram.percentile(99)), max_ms: nsToMs(histogram.max) }
    histogram.reset()
    process.send!({ id: message.id, ...delay })
  })
}
