// What the devnet ledger answers: a tx's status as ARC describes it, what a submission did, and unspent outputs.
import type { ChainError, TxInfo, TxStatus } from '../protocol/chain/chain.ts'

/** A tx as ARC's GET /v1/tx/{txid} describes it (the merkle path as BUMP hex, once mined), and when it was received. */
export interface LedgerTxStatus extends TxInfo {
  timestamp: number
}

export interface SubmitResult {
  txid: string
  status: TxStatus
}

/** What a BEEF did: its unmined txs taken in order until one is refused (`error`); `subject` is the tx it is for. */
export interface BeefOutcome {
  subject: string
  accepted: SubmitResult[]
  error?: ChainError
}

export interface LedgerUtxo {
  txid: string
  vout: number
  satoshis: number
  /** Block height, 0 while in the mempool (as WhatsOnChain reports it). */
  height: number
  lockingScriptHex: string
}
