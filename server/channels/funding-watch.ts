// The funding of every channel is watched until the channel settles, not only until it is mined: a funding that turns
// DOUBLE_SPEND_ATTEMPTED or REJECTED (the viewer spent the same coins elsewhere), or whose output some tx spends (the
// viewer's refund once its lock time passed), is reported at once, and the host stops serving that channel. The
// channel's own close spends the output too: the service tells it apart. The ledger is asked on a timer, a few
// channels at a time, never on the payment path.
import { isLost, isSeen, type Chain, type Spender, type TxInfo, type TxStatus } from '../../protocol/chain/chain.ts'
import type { FundingLostNotice } from '../../protocol/messages.ts'

/** Why a funding stopped being money, and the tx that took its coins when the ledger names it. */
export type LostFunding = Omit<FundingLostNotice, 'channelId'>

/** What the ledger's answers mean for a watched funding: lost to a conflicting tx, its output spent, or fine so far. */
export function fundingLoss(info: Pick<TxInfo, 'status' | 'competingTxs'> | null, spender: Spender | null): LostFunding | null {
  if (info && isLost(info.status)) return { reason: 'funding_double_spent', txid: info.competingTxs?.[0] ?? null }
  return spender ? { reason: 'funding_spent', txid: spender.txid } : null
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

export interface FundingOutpoint {
  txid: string
  vout: number
}

export interface FundingWatchDeps {
  chain: Pick<Chain, 'txStatus' | 'spender'>
  /**
   * The funding of this channel lost to a conflicting tx, or its output spent (perhaps by the channel's own close).
   * Reported once; a report that fails is made again on the next round.
   */
  lost(channelId: string, loss: LostFunding): Promise<void>
  onError(error: unknown, channelId: string): void
  /** Ledger requests in flight at once. */
  concurrency?: number
}

export class FundingWatch {
  /** Channel id -> funding outpoint, for channels not settled yet. */
  private readonly watched = new Map<string, FundingOutpoint>()
  private running = false

  constructor(private readonly deps: FundingWatchDeps) {}

  add(channelId: string, funding: FundingOutpoint): void {
    this.watched.set(channelId, funding)
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

  private async checkOne(channelId: string, funding: FundingOutpoint): Promise<void> {
    let loss: LostFunding | null
    try {
      const info = await this.deps.chain.txStatus(funding.txid)
      // Only a funding the network has can have its output spent.
      const spender = info && isSeen(info.status) ? await this.deps.chain.spender(funding.txid, funding.vout) : null
      loss = fundingLoss(info, spender)
    } catch (error) {
      this.deps.onError(error, channelId)
      return
    }
    if (!loss || !this.watched.has(channelId)) return
    this.watched.delete(channelId)
    await this.deps.lost(channelId, loss).catch((error: unknown) => {
      this.watched.set(channelId, funding)
      this.deps.onError(error, channelId)
    })
  }
}
