// The devnet faucet: pays test coins from the devnet's own genesis coin with a real signed P2PKH tx, submitted to the
// ledger like anyone's. One payment at a time: they are built across awaits (signing), and two at once would pick the
// same coin.
import type { PrivateKey } from '@bsv/sdk'
import { ChainError, type TxStatus } from '../protocol/chain/chain.ts'
import type { FeeRate } from '../protocol/messages.ts'
import { buildSignedP2pkhTx, pubKeyHashOfAddress, type SpendableOutput } from './p2pkh.ts'

export const DEFAULT_FAUCET_CAP = 10_000_000

export interface FaucetPayment {
  txid: string
  vout: number
  satoshis: number
}

/** What the faucet needs of the ledger. */
export interface FaucetLedger {
  readonly feeRate: FeeRate
  unspent(address: string): SpendableOutput[]
  submit(hex: string): { txid: string; status: TxStatus }
}

export class DevnetFaucet {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly ledger: FaucetLedger,
    private readonly key: PrivateKey,
    /** Largest single payment. */
    readonly cap: number,
    private readonly onPaid?: (payment: FaucetPayment & { address: string }) => void,
  ) {}

  get address(): string {
    return this.key.toAddress()
  }

  pay(address: string, satoshis: number): Promise<FaucetPayment> {
    const run = this.queue.then(() => this.payNow(address, satoshis))
    this.queue = run.catch(() => undefined)
    return run
  }

  private async payNow(address: string, satoshis: number): Promise<FaucetPayment> {
    if (pubKeyHashOfAddress(address) === null) throw new ChainError(`${address} is not a P2PKH address`, 400)
    if (!Number.isSafeInteger(satoshis) || satoshis < 1 || satoshis > this.cap) {
      throw new ChainError(`the faucet pays between 1 and ${this.cap} satoshis at a time`, 400)
    }
    const coin = this.ledger.unspent(this.address).sort((a, b) => b.satoshis - a.satoshis)[0]
    if (!coin || coin.satoshis < satoshis + 1000) throw new ChainError('the devnet faucet has run dry', 503)
    const tx = await buildSignedP2pkhTx({
      key: this.key,
      inputs: [coin],
      outputs: [{ address, satoshis }],
      changeAddress: this.address,
      feeRate: this.ledger.feeRate,
    })
    const { txid, status } = this.ledger.submit(tx.toHex())
    // The faucet's coin can only be taken by a forced double spend in test mode; then this payment did not happen.
    if (status !== 'SEEN_ON_NETWORK') throw new ChainError(`the faucet's payment ${txid} is ${status}; try again`, 503, txid)
    this.onPaid?.({ txid, vout: 0, satoshis, address })
    return { txid, vout: 0, satoshis }
  }
}
