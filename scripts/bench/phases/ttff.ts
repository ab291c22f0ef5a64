// Time to first frame in Chromium, side by side: a plain hls.js page on the static server (free) and the paying
// player on the host with a funded wallet (paid), loads interleaved so drift hits both; then the same through a TCP
// proxy that adds a round-trip time to every connection. Each load is a fresh browser profile, loaded a second time
// on loopback as a returning viewer (the paid one with its channel still open). The paid loads' marks make the
// waterfall: the median start and end of each step of a paid start (client/payer/timeline.ts).
import { PrivateKey } from '@bsv/sdk'
import { STEPS, stepsFromMarks, type Step } from '../../../client/payer/timeline.ts'
import { DEFAULT_WALLET_KEY } from '../../../client/payer/wallet.ts'
import { requestFaucet } from '../../../protocol/chain/faucet.ts'
import { launchBrowser } from '../../../test/support/browser.ts'
import { latencyStats, roundMs } from '../../fleet/percentiles.ts'
import { startChild, type BenchChild } from '../child-process.ts'
import type { Plan } from '../plan.ts'
import { firstFrames, type LoadTiming } from '../ttff/first-frame.ts'

export interface WaterfallStep {
  step: Step
  /** Medians over the paid loads that took the step, milliseconds since navigation start. */
  start_ms: number | null
  end_ms: number | null
  loads: number
}

export interface Ttff {
  free_ms: number | null
  paid_ms: number | null
  paid_minus_free_ms: number | null
  /** The same profile loading the page again: the paid one resumes its open channel. */
  returning_free_ms: number | null
  returning_paid_ms: number | null
  returning_paid_minus_free_ms: number | null
  /** Returning paid loads that opened a channel of their own (0: every one paid through the one it had). */
  returning_new_channels: number
  rtt_ms: number
  rtt_free_ms: number | null
  rtt_paid_ms: number | null
  rtt_paid_minus_free_ms: number | null
  loads: number
  rtt_loads: number
  /** The paid first loads on loopback, step by step. */
  waterfall: WaterfallStep[]
  /** The same with the round-trip time. */
  rtt_waterfall: WaterfallStep[]
}

/** The row of a run that left time to first frame out (--skip ttff, or Chromium failed twice). */
export function noTtff(plan: Plan): Ttff {
  return {
    free_ms: null,
    paid_ms: null,
    paid_minus_free_ms: null,
    returning_free_ms: null,
    returning_paid_ms: null,
    returning_paid_minus_free_ms: null,
    returning_new_channels: 0,
    rtt_ms: plan.rttMs,
    rtt_free_ms: null,
    rtt_paid_ms: null,
    rtt_paid_minus_free_ms: null,
    loads: 0,
    rtt_loads: 0,
    waterfall: [],
    rtt_waterfall: [],
  }
}

interface Medians {
  free: number | null
  paid: number | null
  returningFree: number | null
  returningPaid: number | null
  newChannels: number
  waterfall: WaterfallStep[]
}

const p50 = (values: number[]) => (values.length > 0 ? roundMs(latencyStats(values).p50) : null)

export function waterfallOf(loads: readonly LoadTiming[]): WaterfallStep[] {
  const perLoad = loads.map((load) => stepsFromMarks(load.marks))
  return STEPS.map((step) => {
    const taken = perLoad.flatMap((steps) => (steps[step] ? [steps[step]] : []))
    const starts = taken.flatMap((s) => (s.start !== null ? [s.start] : []))
    const ends = taken.flatMap((s) => (s.end !== null ? [s.end] : []))
    return { step, start_ms: p50(starts), end_ms: p50(ends), loads: taken.length }
  }).filter((row) => row.loads > 0)
}

async function medians(opts: { loads: number; staticUrl: string; hostUrl: string; devnetUrl: string; stream: string; returning: boolean }): Promise<Medians> {
  const browser = await launchBrowser()
  const free: LoadTiming[] = []
  const paid: LoadTiming[] = []
  const returningFree: LoadTiming[] = []
  const returningPaid: LoadTiming[] = []
  let newChannels = 0
  try {
    for (let i = 0; i < opts.loads; i++) {
      const plain = await firstFrames(browser, { url: `${opts.staticUrl}/plain.html?stream=${encodeURIComponent(opts.stream)}`, again: opts.returning })
      free.push(plain.first)
      if (plain.again) returningFree.push(plain.again)
      // A funded wallet, so the load measures paying, not the faucet of a first devnet visit.
      const key = PrivateKey.fromRandom()
      await requestFaucet(opts.devnetUrl, key.toAddress(), 50_000)
      const player = await firstFrames(browser, { url: `${opts.hostUrl}/?stream=${encodeURIComponent(opts.stream)}`, storage: { [DEFAULT_WALLET_KEY]: key.toWif() }, again: opts.returning })
      paid.push(player.first)
      if (player.again) {
        returningPaid.push(player.again)
        if (player.again.channelId !== player.first.channelId) newChannels++
      }
    }
  } finally {
    await browser.close()
  }
  const ms = (loads: LoadTiming[]) => p50(loads.map((load) => load.firstFrameMs))
  return { free: ms(free), paid: ms(paid), returningFree: ms(returningFree), returningPaid: ms(returningPaid), newChannels, waterfall: waterfallOf(paid) }
}

const minus = (a: number | null, b: number | null) => (a !== null && b !== null ? Math.round((a - b) * 10) / 10 : null)

/** The waterfall as log lines: each step's median start and end, and a bar on a 20 ms grid. */
export function waterfallLines(rows: readonly WaterfallStep[]): string[] {
  const bar = (row: WaterfallStep) => {
    const start = Math.round((row.start_ms ?? row.end_ms ?? 0) / 20)
    const end = Math.round((row.end_ms ?? row.start_ms ?? 0) / 20)
    return ' '.repeat(Math.min(start, 200)) + '#'.repeat(Math.max(1, Math.min(end - start, 200)))
  }
  return rows.map((row) => `${row.step.padEnd(14)} ${String(row.start_ms ?? '-').padStart(7)} → ${String(row.end_ms ?? '-').padStart(7)} ms  ${bar(row)}`)
}

export async function measureTtff(opts: { plan: Plan; staticUrl: string; hostUrl: string; stream: string; log: (line: string) => void }): Promise<Ttff> {
  const { plan } = opts
  const devnetUrl = `${opts.hostUrl}/devnet`
  const loopback = await medians({ loads: plan.ttffLoads, staticUrl: opts.staticUrl, hostUrl: opts.hostUrl, devnetUrl, stream: opts.stream, returning: true })
  const { waterfall, ...loopbackFigures } = loopback
  opts.log(`ttff on loopback: ${JSON.stringify(loopbackFigures)}`)
  opts.log(`waterfall of a paid start on loopback (medians of ${plan.ttffLoads}):\n${waterfallLines(waterfall).join('\n')}`)
  const proxies: BenchChild[] = []
  try {
    for (const url of [opts.staticUrl, opts.hostUrl]) proxies.push(await startChild('./delay-proxy.ts', [url, String(plan.rttMs)]))
    const delayed = await medians({ loads: plan.ttffRttLoads, staticUrl: proxies[0].url, hostUrl: proxies[1].url, devnetUrl, stream: opts.stream, returning: false })
    opts.log(`ttff with ${plan.rttMs} ms RTT: ${JSON.stringify({ free: delayed.free, paid: delayed.paid })}`)
    opts.log(`waterfall of a paid start with ${plan.rttMs} ms RTT (medians of ${plan.ttffRttLoads}):\n${waterfallLines(delayed.waterfall).join('\n')}`)
    return {
      free_ms: loopback.free,
      paid_ms: loopback.paid,
      paid_minus_free_ms: minus(loopback.paid, loopback.free),
      returning_free_ms: loopback.returningFree,
      returning_paid_ms: loopback.returningPaid,
      returning_paid_minus_free_ms: minus(loopback.returningPaid, loopback.returningFree),
      returning_new_channels: loopback.newChannels,
      rtt_ms: plan.rttMs,
      rtt_free_ms: delayed.free,
      rtt_paid_ms: delayed.paid,
      rtt_paid_minus_free_ms: minus(delayed.paid, delayed.free),
      loads: plan.ttffLoads,
      rtt_loads: plan.ttffRttLoads,
      waterfall,
      rtt_waterfall: delayed.waterfall,
    }
  } finally {
    await Promise.all(proxies.map((proxy) => proxy.stop()))
  }
}
