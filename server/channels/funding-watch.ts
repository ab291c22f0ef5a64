// The funding of every open channel is watched until it is mined: a funding that turns DOUBLE_SPEND_ATTEMPTED or
// REJECTED (the viewer spent the same coins elsewhere) is reported at once, and the host stops serving that channel.
// The ledger is asked on a timer, a few channels at a time, never on the payment path.
import { isLost, isSeen, type Chain, type TxInfo, type TxStatus } from '../../protocol/chain/chain.ts'

export type FundingVerdict = 'watch' | 'mined' | 'lost'

/** What one status answer means for a channel's funding. Unknown (null) or still travelling: keep watching. */
export function fundingVerdict(info: Pick<TxInfo, 'status'> | null): FundingVerdict {
  if (info === null) return 'watch'
  if (info.status === 'MINED') return 'mined'
  return isLost(info.status) ? 'lost' : 'watch'
}

/** How long a fund request waits for the ledger to see a funding it stored but has not relayed yet. */
export const SEEN_WAIT = { attempts: 10, intervalMs: 500 }

/** The funding's status once the network has seen it, or the last status read when it has not within the wait. */
export async function untilSeen(chain: Pick<Chain, 'txStatus'>, txid: string, status: TxStatus, wait = SEEN_WAIT): Promise<TxStatus> {
  let last = status
  for (let attempt = 0; attempt < wait.attempts && !isSeen(last) && !isLost(last); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, wait.intervalMs))
    last = (await chain.txStatus(txid).catch(() => null))?.status ?? last
  }
  return last
}

export interface FundingWatchDeps {
  chain: Pick<Chain, 'txStatus'>
  /** The funding of this channel lost to a conflicting tx. */
  lost(channelId: string, info: TxInfo): void
  onError(error: unknown, channelId: string): void
  /** Ledger requests in flight at once. */
  concurrency?: number
}

export class FundingWatch {
  /** Channel id -> funding txid, for open channels whose funding is not mined yet. */
  private readonly watched = new Map<string, string>()
  private running = false

  constructor(private readonly deps: FundingWatchDeps) {}

  add(channelId: string, fundingTxid: string): void {
    this.watched.set(channelId, fundingTxid)
  }

  remove(channelId: string): void {
    this.watched.delete(channelId)
  }

  get size(): number {
    return this.watched.size
  }

  /** Asks the ledger about every watched funding once; overlapping calls do nothing. */
  async check(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      const queue = [...this.watched]
      const worker = async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) await this.checkOne(...next)
      }
      await Promise.all(Array.from({ length: Math.min(this.deps.concurrency ?? 4, queue.length) }, worker))
    } finally {
      this.running = false
    }
  }

  start(intervalMs: number): () => void {
    const timer = setInterval(() => void this.check(), intervalMs)
    timer.unref()
    return () => clearInterval(timer)
  }

  private async checkOne(channelId: string, fundingTxid: string): Promise<void> {
    let info: TxInfo | null
    try {
      info = await this.deps.chain.txStatus(fundingTxid)
    } catch (error) {
      this.deps.onError(error, channelId)
      return
    }
    const verdict = fundingVerdict(info)
    if (verdict === 'watch' || !this.watched.has(channelId)) return
    this.watched.delete(channelId)
    if (verdict === 'lost') this.deps.lost(channelId, info!)
  }
}
