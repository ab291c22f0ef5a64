// Heap per open channel: open `heapMeasured` channels over 20 sockets and compare the host's heap after a full GC,
// `heapRuns` times in a row (each run adds its channels to the last), so the figure comes with its spread.
import { PrivateKey } from '@bsv/sdk'
import { HttpChain } from '../../../protocol/chain/http-chain.ts'
import type { Terms } from '../../../protocol/messages.ts'
import { fundFleet } from '../../fleet/fleet-wallet.ts'
import { coinForCap } from '../../fleet/run-fleet.ts'
import { connectBenchSocket, openBenchChannels } from '../bench-channels.ts'
import type { BenchChild } from '../child-process.ts'
import type { HostStats } from '../host-entry.ts'
import type { PayerPool } from '../payer-pool.ts'
import type { Plan } from '../plan.ts'

export interface HeapRun {
  per_channel: number
  heap_before: number
  heap_after: number
  rss_before: number
  rss_after: number
}

/**
 * The host's stats with its heap at the least of three readings a second apart: even after a full GC the heap moves by
 * about a megabyte from second to second with the host's own timers (the funding watch, the dashboard), which at 1,000
 * channels is a kilobyte a channel either way; the least reading is the one with the least of that garbage in it.
 */
async function settledHeap(host: BenchChild): Promise<HostStats> {
  let least = await host.ask<HostStats>({ type: 'stats' })
  for (let reading = 1; reading < 3; reading++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const stats = await host.ask<HostStats>({ type: 'stats' })
    if (stats.heapUsed < least.heapUsed) least = stats
  }
  return least
}

async function heapRun(plan: Plan, host: BenchChild, terms: Terms, pool: PayerPool, log: (line: string) => void): Promise<HeapRun> {
  const devnetBaseUrl = `${host.url}/devnet`
  const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl })
  // Keys are shared by a few channels each only to save the client's key derivation; every channel has its own coin.
  const keys = Array.from({ length: Math.ceil(plan.heapMeasured / 10) }, () => PrivateKey.fromRandom())
  const coins = await fundFleet({ devnetBaseUrl, chain, feeRate: terms.feeRate, count: plan.heapMeasured, satoshisEach: coinForCap(terms.minCapacity, terms), keyFor: (i) => keys[i % keys.length] })
  const sockets = await Promise.all(Array.from({ length: 20 }, () => connectBenchSocket(host.url).then(({ socket }) => socket)))
  const before = await settledHeap(host)
  let opened = 0
  const progress = setInterval(() => log(`heap: ${opened}/${plan.heapMeasured} channels open`), 15_000)
  try {
    const socketFor = (i: number) => {
      opened = i
      return sockets[i % sockets.length]
    }
    await openBenchChannels({ terms, coins, cap: terms.minCapacity - 100, pool, socketFor, concurrency: 8 })
  } finally {
    clearInterval(progress)
  }
  const after = await settledHeap(host)
  for (const socket of sockets) socket.disconnect()
  const added = after.openChannels - before.openChannels
  if (added !== plan.heapMeasured) throw new Error(`heap phase: expected ${plan.heapMeasured} more open channels on the host, found ${added}`)
  return { per_channel: Math.round((after.heapUsed - before.heapUsed) / added), heap_before: before.heapUsed, heap_after: after.heapUsed, rss_before: before.rss, rss_after: after.rss }
}

export async function measureHeap(plan: Plan, host: BenchChild, terms: Terms, pool: PayerPool, log: (line: string) => void): Promise<HeapRun[]> {
  const runs: HeapRun[] = []
  for (let run = 0; run < plan.heapRuns; run++) {
    runs.push(await heapRun(plan, host, terms, pool, log))
    log(`heap run ${run + 1}: ${JSON.stringify(runs.at(-1))}`)
  }
  return runs
}
