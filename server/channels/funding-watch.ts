// The funding of every channel is watched until the channel settles, not only until it is mined: a funding that turns
// DOUBLE_SPEND_ATTEMPTED or REJECTED (the viewer spent the same coins elsewhere), or whose output some tx spends (the
// viewer's refund once its lock time passed), is reported at once, and the host stops serving that channel. The
// channel's own close spends the output too: the service tells it apart. The ledger is asked on a timer, a few
// channels at a time, never on the payment path, and only what can have changed (`fundingQuestions`): a host with
// thousands of open channels asked the ledger twice per channel per round, most of it about what could not happen.
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

/** A watched funding: its outpoint, the co-signed refund's lock time, and what the ledger said about it last. */
export interface WatchedFunding extends FundingOutpoint {
  lockTime: number
  /** The height of the block that mined it, when the ledger last said MINED; null until then (or after a reorg). */
  minedAt: number | null
  /** The watch's round in which the ledger was last asked its status. */
  askedInRound: number
}

/** Confirmations after which a conflicting tx can only take the funding's place through a reorganisation that deep. */
export const BURIED_DEPTH = 6
/** A buried funding is still asked its status every this many rounds, in case a deep reorganisation undid it. */
export const BURIED_RECHECK_ROUNDS = 20

/**
 * Pure: what to ask the ledger about one funding in round `round` at chain height `height`.
 * - Its status (a double spend): until it is buried BURIED_DEPTH blocks deep, then once in BURIED_RECHECK_ROUNDS.
 * - What spends its output: only from `deadlineMarginBlocks` before the refund's lock time. The output is a 2-of-2
 *   multisig, so only a tx the host co-signed can spend it: the refund, which no miner takes before its lock time, or
 *   the host's own close, which settlement follows itself.
 * From the margin on (where the host settles anyway) both are asked every round.
 */
export function fundingQuestions(funding: WatchedFunding, context: { height: number; round: number; deadlineMarginBlocks: number }): { status: boolean; spender: boolean } {
  if (context.height >= funding.lockTime - context.deadlineMarginBlocks) return { status: true, spender: true }
  const buried = funding.minedAt !== null && context.height - funding.minedAt + 1 >= BURIED_DEPTH
  return { status: !buried || context.round - funding.askedInRound >= BURIED_RECHECK_ROUNDS, spender: false }
}

export interface FundingWatchDeps {
  chain: Pick<Chain, 'txStatus' | 'spender'>
  /** The chain's height as the host last read it. */
  height(): number
  /** Blocks before the refund's lock time from which the host settles (and asks what spends a funding). */
  deadlineMarginBlocks: number
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
  /** Channel id -> its funding, for channels not settled yet. */
  private readonly watched = new Map<string, WatchedFunding>()
  private running = false
  private round = 0

  constructor(private readonly deps: FundingWatchDeps) {}

  add(channelId: string, funding: FundingOutpoint & { lockTime: number }): void {
    // Never asked yet: unmined as far as the watch knows, so asked in the first round whatever askedInRound says.
    this.watched.set(channelId, { ...funding, minedAt: null, askedInRound: 0 })
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
    this.round++
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

  private async checkOne(channelId: string, funding: WatchedFunding): Promise<void> {
    const ask = fundingQuestions(funding, { height: this.deps.height(), round: this.round, deadlineMarginBlocks: this.deps.deadlineMarginBlocks })
    if (!ask.status && !ask.spender) return
    let loss: LostFunding | null
    try {
      const info = ask.status ? await this.deps.chain.txStatus(funding.txid) : null
      if (ask.status) {
        funding.askedInRound = this.round
        funding.minedAt = info?.status === 'MINED' && info.blockHeight !== undefined ? info.blockHeight : null
      }
      // Only a funding the network has can have its output spent.
      const spender = ask.spender && info && isSeen(info.status) ? await this.deps.chain.spender(funding.txid, funding.vout) : null
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
