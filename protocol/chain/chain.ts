// The one way everything reaches a ledger: devnet, testnet and mainnet alike, over ARC and WhatsOnChain HTTP shapes.
// Isomorphic: uses only fetch, so the browser wallet and the host share it.
import type { FeeRate } from '../messages.ts'

/** ARC's txStatus values (arc.yaml TransactionDetails), in the order a tx moves through them. */
export type TxStatus =
  | 'UNKNOWN'
  | 'QUEUED'
  | 'RECEIVED'
  | 'STORED'
  | 'ANNOUNCED_TO_NETWORK'
  | 'REQUESTED_BY_NETWORK'
  | 'SENT_TO_NETWORK'
  | 'ACCEPTED_BY_NETWORK'
  | 'SEEN_IN_ORPHAN_MEMPOOL'
  | 'SEEN_ON_NETWORK'
  | 'DOUBLE_SPEND_ATTEMPTED'
  | 'REJECTED'
  | 'MINED_IN_STALE_BLOCK'
  | 'MINED'

export interface BroadcastResult {
  txid: string
  status: TxStatus
}

export interface TxInfo {
  txid: string
  status: TxStatus
  blockHeight?: number
  blockHash?: string
  /** Once mined: the tx's merkle path in BUMP form (BRC-74) as hex, for SPV and BEEF. */
  merklePath?: string
  /** Transactions spending the same outputs (with DOUBLE_SPEND_ATTEMPTED or REJECTED). */
  competingTxs?: string[]
  /** The ledger's reason, e.g. why a tx was rejected. */
  extraInfo?: string
}

export interface BroadcastOptions {
  /**
   * Raw hex of the transactions whose outputs this one spends. With them the tx is sent in Extended Format (BRC-30),
   * so the ledger validates it without looking its parents up.
   */
  parents?: readonly string[]
  /** The tx as BEEF (BRC-62/95), its unmined ancestors included: sent as it is, and preferred over `parents`. */
  beef?: string
}

export interface Utxo {
  txid: string
  vout: number
  satoshis: number
  height: number
}

/** The transaction that spends an output, and which of its inputs does (mempool or mined). */
export interface Spender {
  txid: string
  vin: number
}

export interface Chain {
  broadcast(rawTxHex: string, options?: BroadcastOptions): Promise<BroadcastResult>
  txStatus(txid: string): Promise<TxInfo | null>
  rawTx(txid: string): Promise<string | null>
  height(): Promise<number>
  unspent(address: string): Promise<Utxo[]>
  /** What spends output `vout` of `txid`; null while nothing does (or the ledger does not know the tx). */
  spender(txid: string, vout: number): Promise<Spender | null>
  feeRate(): Promise<FeeRate>
}

/** A ledger said no, or could not be reached. `code` is ARC's HTTP status (e.g. 465 fee too low, 466 conflict). */
export class ChainError extends Error {
  readonly code: number
  readonly txid?: string
  constructor(message: string, code: number, txid?: string) {
    super(message)
    this.name = 'ChainError'
    this.code = code
    this.txid = txid
  }
}

/**
 * The ledger did not answer usably (unreachable, timed out, 5xx) rather than judging the tx: the same tx may be sent
 * again later. A ledger that judged it (4xx, double spend, rejected) said no for good.
 */
export function ledgerUnavailable(error: unknown): boolean {
  return error instanceof ChainError && (error.code === 0 || error.code >= 500)
}

/** The ledger accepted the tx and will mine it. */
export function isAccepted(status: TxStatus): boolean {
  return status === 'SEEN_ON_NETWORK' || status === 'MINED' || status === 'STORED' || status === 'ANNOUNCED_TO_NETWORK'
}

/** The network has the tx: the only statuses on which a host may treat a channel's funding as real. */
export function isSeen(status: TxStatus): boolean {
  return status === 'SEEN_ON_NETWORK' || status === 'MINED'
}

/** A conflicting tx spends the same coins (and may win, or has won): a funding in this state is no longer money. */
export function isLost(status: TxStatus): boolean {
  return status === 'DOUBLE_SPEND_ATTEMPTED' || status === 'REJECTED'
}
