// "This device's wallet": the viewer's key, kept in the injected storage, and its coins as the ledger sees them.
// Isomorphic: localStorage in the browser, a MemoryStorage (or a file-backed one) in the Node viewer fleet.
import { PrivateKey } from '@bsv/sdk'
import type { Network } from '../../protocol/messages.ts'
import type { Utxo } from '../../protocol/chain/chain.ts'
import { WhatsOnChainClient } from '../../protocol/chain/whatsonchain.ts'
import { requestFaucet, type FaucetPayment } from '../../protocol/chain/faucet.ts'
import type { SpendableUtxo } from '../../protocol/transactions.ts'
import type { KeyValueStorage } from './storage.ts'

export const DEFAULT_WALLET_KEY = 'p2p.wallet.key'

/** The read side of a ledger the wallet needs: WhatsOnChainClient satisfies it. */
export interface WalletLedger {
  unspent(address: string): Promise<Utxo[]>
  rawTx(txid: string): Promise<string | null>
  broadcast(rawHex: string): Promise<string>
}

export interface ViewerWalletOptions {
  network: Network
  ledger: WalletLedger
  /** The devnet's base URL (e.g. http://127.0.0.1:8080/devnet), for the faucet; null on real networks. */
  devnetBaseUrl?: string | null
  fetch?: typeof fetch
}

export class ViewerWallet {
  readonly key: PrivateKey
  readonly network: Network
  private readonly ledger: WalletLedger
  private readonly devnetBaseUrl: string | null
  private readonly fetchImpl?: typeof fetch

  constructor(key: PrivateKey, options: ViewerWalletOptions) {
    this.key = key
    this.network = options.network
    this.ledger = options.ledger
    this.devnetBaseUrl = options.devnetBaseUrl ?? null
    this.fetchImpl = options.fetch
  }

  /**
   * The wallet of this device: the key stored under `storageKey`, or a new random one stored there now.
   * `created` tells the caller it is a first visit (the player funds a new devnet wallet from the faucet then).
   */
  static load(storage: KeyValueStorage, options: ViewerWalletOptions & { storageKey?: string }): { wallet: ViewerWallet; created: boolean } {
    const storageKey = options.storageKey ?? DEFAULT_WALLET_KEY
    const stored = storage.getItem(storageKey)
    const existing = stored !== null ? parseKey(stored) : null
    if (existing) return { wallet: new ViewerWallet(existing, options), created: false }
    const key = PrivateKey.fromRandom()
    storage.setItem(storageKey, key.toWif())
    return { wallet: new ViewerWallet(key, options), created: true }
  }

  /** A WhatsOnChain client for the host's advertised API base (absolute, or relative to `origin`). */
  static ledgerAt(wocBase: string, origin?: string, fetchImpl?: typeof fetch): WhatsOnChainClient {
    const baseUrl = origin ? new URL(wocBase, origin).toString() : wocBase
    return new WhatsOnChainClient({ baseUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) })
  }

  get publicKey(): string {
    return this.key.toPublicKey().toString()
  }

  /** P2PKH address; testnet uses its own prefix, devnet and mainnet the mainnet one. */
  get address(): string {
    return this.key.toAddress(this.network === 'testnet' ? 'testnet' : 'mainnet')
  }

  /** Spendable coins, mempool ones included (the devnet and ARC accept chains of unconfirmed transactions). */
  async utxos(): Promise<SpendableUtxo[]> {
    const unspent = await this.ledger.unspent(this.address)
    return unspent.map(({ txid, vout, satoshis }) => ({ txid, vout, satoshis }))
  }

  /** A transaction the wallet's coins came from: the funding's parents travel with it in Extended Format. */
  rawTx(txid: string): Promise<string | null> {
    return this.ledger.rawTx(txid)
  }

  async balance(): Promise<number> {
    return (await this.utxos()).reduce((sum, utxo) => sum + utxo.satoshis, 0)
  }

  get canUseFaucet(): boolean {
    return this.network === 'devnet' && this.devnetBaseUrl !== null
  }

  /** Devnet only: asks the host's devnet faucet for coins. */
  async topUp(satoshis: number): Promise<FaucetPayment> {
    if (!this.canUseFaucet || this.devnetBaseUrl === null) {
      throw new Error(`There is no faucet on ${this.network}: send coins to ${this.address} instead.`)
    }
    return requestFaucet(this.devnetBaseUrl, this.address, satoshis, this.fetchImpl)
  }
}

function parseKey(text: string): PrivateKey | null {
  try {
    return PrivateKey.fromWif(text.trim())
  } catch {
    return null
  }
}
