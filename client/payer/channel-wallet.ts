// What pays for a channel. The session asks its wallet for a new channel's keys, for a signed funding that the wallet
// does not send (the host sends it once the viewer holds the co-signed refund), and for the payer's signature on the
// refund and on every update. Two wallets answer: a key held here (key-wallet.ts: this device's wallet, the fleet's
// viewers) and the viewer's own BRC-100 wallet (brc100-wallet.ts).
import type { FeeRate, Terms } from '../../protocol/messages.ts'
import type { ChannelKeys } from './channel-offer.ts'
import type { PayerChannel } from './payer.ts'

export interface FundingOrder {
  keys: ChannelKeys
  payeePublicKey: string
  capacity: number
  feeRate: FeeRate
}

/** What travels with a funding so the host can send it on: BEEF, or its parents (Extended Format), or neither. */
export interface FundingCarriage {
  beef?: string
  parents?: string[]
}

/** A funding signed and not sent. */
export interface SignedFunding {
  txid: string
  /** The 2-of-2 output's index. */
  vout: number
  /** The raw funding tx. */
  hex: string
  /**
   * How the host can send it on: as BEEF (unmined ancestors along), or raw with every parent (Extended Format). Only
   * "fund" carries it, a round trip after "open": a wallet still fetching the parents lets the opening go meanwhile.
   */
  sendable: Promise<FundingCarriage>
  /** The host never took it: the wallet forgets this funding and its coins are free again. Nothing was sent. */
  abandon(): Promise<void>
}

/** The parts of a channel a wallet signs for. */
export type SignedChannel = Pick<PayerChannel, 'payerPublicKey' | 'payeePublicKey' | 'wallet'>

export interface ChannelWallet {
  /** The keys of a new channel with this host. */
  channelKeys(terms: Terms): Promise<ChannelKeys>
  /** Builds and signs the funding; throws InsufficientFundsError when the coins do not cover it. */
  fund(order: FundingOrder): Promise<SignedFunding>
  /** The payer's signature (DER + sighash 0x41, hex) over a channel spend's BIP143 preimage. */
  sign(channel: SignedChannel, preimage: Uint8Array): Promise<string>
  /** The viewer's identity key when they let hosts know them (a BRC-100 wallet, and only by choice); null otherwise. */
  identityKey(): Promise<string | null>
}
