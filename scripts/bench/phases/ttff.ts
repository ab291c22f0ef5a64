// Time to first frame in Chromium, side by side: a plain hls.js page on the static server (free) and the paying
// player on the host with a funded wallet (paid), loads interleaved so drift hits both; then the same through a TCP
// proxy that adds a round-trip time to every connection. Each load is a fresh browser profile.
import { PrivateKey } from '@bsv/sdk'
import { DEFAULT_WALLET_KEY } from '../../../client/payer/wallet.ts'
import { requestFaucet } from '../../../protocol/chain/faucet.ts'
import { launchBrowser } from '../../../test/support/browser.ts'
import { latencyStats, roundMs } from '../../fleet/percentiles.ts'
import { startChild, type BenchChild } from '../child-process.ts'
import type { Plan } from '../plan.ts'
import { timeToFirstFrame } from '../ttff/first-frame.ts'

export interface Ttff {
  free_ms: number | null
  paid_ms: number | null
  paid_minus_free_ms: number | null
  rtt_ms: number
  rtt_free_ms: number | null
  rtt_paid_ms: number | null
  rtt_paid_minus_free_ms: number | null
  loads: number
  rtt_loads: number
}

/** The row of a run that left time to first frame out (--skip ttff, or Chromium failed twice). */
export function noTtff(plan: Plan): Ttff {
  return { free_ms: null, paid_ms: null, paid_minus_free_ms: null, rtt_ms: plan.rttMs, rtt_free_ms: null, rtt_paid_ms: null, rtt_paid_minus_free_ms: null, loads: 0, rtt_loads: 0 }
}

async function medians(opts: { loads: number; staticUrl: string; hostUrl: string; devnetUrl: string; stream: string }): Promise<{ free: number | null; paid: number | null }> {
  const browser = await launchBrowser()
  const free: number[] = []
  const paid: number[] = []
  try {
    for (let i = 0; i < opts.loads; i++) {
      free.push(await timeToFirstFrame(browser, { url: `${opts.staticUrl}/plain.html?stream=${encodeURIComponent(opts.stream)}` }))
      // A funded wallet, so the load measures paying, not the faucet of a first devnet visit.
      const key = PrivateKey.fromRandom()
      await requestFaucet(opts.devnetUrl, key.toAddress(), 50_000)
      paid.push(await timeToFirstFrame(browser, { url: `${opts.hostUrl}/?stream=${encodeURIComponent(opts.stream)}`, storage: { [DEFAULT_WALLET_KEY]: key.toWif() } }))
    }
  } finally {
    await browser.close()
  }
  return { free: roundMs(latencyStats(free).p50), paid: roundMs(latencyStats(paid).p50) }
}

const minus = (a: number | null, b: number | null) => (a !== null && b !== null ? Math.round((a - b) * 10) / 10 : null)

export async function measureTtff(opts: { plan: Plan; staticUrl: string; hostUrl: string; stream: string; log: (line: string) => void }): Promise<Ttff> {
  const { plan } = opts
  const devnetUrl = `${opts.hostUrl}/devnet`
  const loopback = await medians({ loads: plan.ttffLoads, staticUrl: opts.staticUrl, hostUrl: opts.hostUrl, devnetUrl, stream: opts.stream })
  opts.log(`ttff on loopback: ${JSON.stringify(loopback)}`)
  const proxies: BenchChild[] = []
  try {
    for (const url of [opts.staticUrl, opts.hostUrl]) proxies.push(await startChild('./delay-proxy.ts', [url, String(plan.rttMs)]))
    const delayed = await medians({ loads: plan.ttffRttLoads, staticUrl: proxies[0].url, hostUrl: proxies[1].url, devnetUrl, stream: opts.stream })
    opts.log(`ttff with ${plan.rttMs} ms RTT: ${JSON.stringify(delayed)}`)
    return {
      free_ms: loopback.free,
      paid_ms: loopback.paid,
      paid_minus_free_ms: minus(loopback.paid, loopback.free),
      rtt_ms: plan.rttMs,
      rtt_free_ms: delayed.free,
      rtt_paid_ms: delayed.paid,
      rtt_paid_minus_free_ms: minus(delayed.paid, delayed.free),
      loads: plan.ttffLoads,
      rtt_loads: plan.ttffRttLoads,
    }
  } finally {
    await Promise.all(proxies.map((proxy) => proxy.stop()))
  }
}
