// The terms a viewer opens a channel on, composed when they are asked for: the host's channel policy and keys, the
// chain's height and fee rate, the Start/Stop switch, and the prices. The prices have one owner, the charge rules
// (server/paywall/media-pricing.ts): the price a viewer is told is the price it is charged.
import type { Terms } from '../../protocol/messages.ts'
import type { AcceptingSwitch } from './accepting-switch.ts'
import type { ChainView } from './chain-view.ts'
import type { MediaCharges } from './segment-charge.ts'

export type TermsPolicy = Pick<Terms, 'network' | 'lifetimeBlocks' | 'minCapacity' | 'maxCapacity'>

export interface TermsDeps {
  policy: TermsPolicy
  payeePublicKey: string
  /** Where new channels pay the host (P2PKH hex). */
  payoutScript: string
  view: Pick<ChainView, 'height' | 'feeRate'>
  prices: Pick<MediaCharges, 'terms'>
  switch: Pick<AcceptingSwitch, 'accepting'>
  /** Edge mode: paid segments come from signed URLs (server/edge/). */
  edge: boolean
}

export class HostTerms {
  constructor(private readonly deps: TermsDeps) {}

  current(): Terms {
    const { policy, view } = this.deps
    return {
      network: policy.network,
      payeePublicKey: this.deps.payeePublicKey,
      payoutScript: this.deps.payoutScript,
      lifetimeBlocks: policy.lifetimeBlocks,
      height: view.height,
      feeRate: view.feeRate,
      minCapacity: policy.minCapacity,
      maxCapacity: policy.maxCapacity,
      accepting: this.deps.switch.accepting,
      ...this.deps.prices.terms(),
      ...(this.deps.edge ? { delivery: 'edge' as const } : {}),
    }
  }
}
