// The one way everything reaches a ledger: devnet, testnet and mainnet alike, over ARC and WhatsOnChain HTTP shapes.
// Isomorphic: uses only fetch, so the browser wallet and the host share it.
import type { FeeRate } from '../messages.ts'

/** ARC's txStatus values that we act on. */
export type TxStatus =
  | 'RECEIVED'
  | 'STORED'
  | 'ANNOUNCED_TO_NETWORK'
  | 'SEEN_ON_NETWORK'
  | 'MINED'
  | 'REJECTED'
  | 'DOUBLE_SPEND_ATTEMPTED'
  | 'UNKNOWN'

export interface BroadcastResult {
  txid: string
  status: TxStatus
}

export interface TxInfo {
  txid: string
  status: TxStatus
  blockHeight?: number
}

export interface Utxo {
  txid: string
  vout: number
  satoshis: number
  height: number
}

export interface Chain {
  broadcast(rawTxHex: string): Promise<BroadcastResult>
  txStatus(txid: string): Promise<TxInfo | null>
  rawTx(txid: string): Promise<string | null>
  height(): Promise<number>
  unspent(address: string): Promise<Utxo[]>
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

/** The ledger accepted the tx and will mine it. */
export function isAccepted(status: TxStatus): boolean {
  return status === 'SEEN_ON_NETWORK' || status === 'MINED' || status === 'STORED' || status === 'ANNOUNCED_TO_NETWORK'
}
