// The chain facts every payment check needs, kept fresh in the background so the per-segment path never waits on I/O.
import type { Chain } from '../../protocol/chain/chain.ts'
import type { FeeRate } from '../../protocol/messages.ts'
import { DEFAULT_FEE_RATE } from '../../protocol/fees.ts'

export class ChainView {
  height = 0
  feeRate: FeeRate = DEFAULT_FEE_RATE
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly chain: Chain, private readonly onError: (error: unknown) => void) {}

  private readonly feeRateListeners: Array<(feeRate: FeeRate) => void> = []

  async refresh(): Promise<void> {
    const [height, feeRate] = await Promise.all([this.chain.height(), this.chain.feeRate()])
    this.height = height
    const changed = feeRate.satoshis !== this.feeRate.satoshis || feeRate.bytes !== this.feeRate.bytes
    this.feeRate = feeRate
    if (changed) for (const listener of this.feeRateListeners) listener(feeRate)
  }

  /** The ledger's policy changed: viewers should sign at the new rate from their next update on. */
  onFeeRateChange(listener: (feeRate: FeeRate) => void): void {
    this.feeRateListeners.push(listener)
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.refresh().catch(this.onError), intervalMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
