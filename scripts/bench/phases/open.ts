// Channel open latency: the viewer's whole ChannelSession.open (build, open, verify the co-signed refund, fund), one
// at a time, and the host's share alone (open request to fund acknowledgement) with the payer's signing done ahead.
import { io } from 'socket.io-client'
import type { HostSocket } from '../../../client/payer/host-request.ts'
import { ChannelSession } from '../../../client/payer/session.ts'
import { keyWallet } from '../../../client/payer/key-wallet.ts'
import { MemoryStorage } from '../../../client/payer/storage.ts'
import { HttpChain } from '../../../protocol/chain/http-chain.ts'
import type { Terms } from '../../../protocol/messages.ts'
import { fundFleet } from '../../fleet/fleet-wallet.ts'
import { latencyStats, roundMs } from '../../fleet/percentiles.ts'
import { coinForCap } from '../../fleet/run-fleet.ts'
import { connectBenchSocket, openBenchChannels } from '../bench-channels.ts'
import type { PayerPool } from '../payer-pool.ts'
import { CAP, type Plan } from '../plan.ts'
import type { BenchResults } from '../report.ts'

export async function measureOpens(plan: Plan, hostUrl: string, terms: Terms, pool: PayerPool): Promise<BenchResults['open']> {
  const devnetBaseUrl = `${hostUrl}/devnet`
  const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl })
  const fund = () => fundFleet({ devnetBaseUrl, chain, feeRate: terms.feeRate, count: plan.opens, satoshisEach: coinForCap(CAP, terms) })
  const viewerMs: number[] = []
  for (const { key, utxo } of await fund()) {
    const socket: HostSocket = io(hostUrl, { transports: ['websocket'], reconnection: false, forceNew: true })
    const session = new ChannelSession({ socket, wallet: keyWallet({ key, utxos: async () => [utxo] }), storage: new MemoryStorage() })
    await session.waitForTerms()
    const started = performance.now()
    await session.open(CAP)
    viewerMs.push(performance.now() - started)
    session.dispose()
    socket.disconnect()
  }
  const { socket } = await connectBenchSocket(hostUrl)
  const { hostOpenMs } = await openBenchChannels({ terms, coins: await fund(), cap: CAP, pool, socketFor: () => socket, concurrency: 1 })
  socket.disconnect()
  const viewer = latencyStats(viewerMs)
  const hostSide = latencyStats(hostOpenMs)
  return { p50_ms: roundMs(viewer.p50), p99_ms: roundMs(viewer.p99), count: viewerMs.length, host_p50_ms: roundMs(hostSide.p50), host_p99_ms: roundMs(hostSide.p99) }
}
