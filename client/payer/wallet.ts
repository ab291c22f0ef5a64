// "This device's wallet": the viewer's key, kept in the injected storage, and its coins as the ledger sees them.
// Isomorphic: localStorage in the browser, a MemoryStorage (or a file-backed one) in the Node viewer fleet.
import { PrivateKey } from '@bsv/sdk'
import type { FeeRate, Network } from '../../protocol/messages.ts'
import type { Utxo } from '../../protocol/chain/chain.ts'
import { WhatsOnChainClient } from '../../protocol/chain/whatsonchain.ts'
import { requestFaucet, type FaucetPayment } from '../../protocol/chain/faucet.ts'
import { buildSweep, planSweep, type SweepPlan } from '../../protocol/p2pkh-spend.ts'
import type { SpendableUtxo } from '../../protocol/transactions.ts'
import { CoinReads } from './coin-reads.ts'
import type { KeyValueStorage } from './storage.ts'
import { keyFromPhraseAsync, newWalletPhrase, type WalletSecret } from './wallet-phrase.ts'

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
  /** The BIP39 phrase the key derives from (wallet-phrase.ts); null for a wallet made before phrases. */
  readonly phrase: string | null
  private readonly ledger: WalletLedger
  private readonly devnetBaseUrl: string | null
  private readonly fetchImpl?: typeof fetch
  /** One read of the coins serves the balance and the funding, and their parents are fetched at once. */
  private readonly reads: CoinReads
  private derived: { publicKey: string; address: string } | null = null

  constructor(key: PrivateKey, options: ViewerWalletOptions, phrase: string | null = null) {
    this.key = key
    this.phrase = phrase
    this.network = options.network
    this.ledger = options.ledger
    this.devnetBaseUrl = options.devnetBaseUrl ?? null
    this.fetchImpl = options.fetch
    this.reads = new CoinReads({
      unspent: async () => (await this.ledger.unspent(this.address)).map(({ txid, vout, satoshis }) => ({ txid, vout, satoshis })),
      rawTx: (txid) => this.ledger.rawTx(txid),
    })
  }

  /**
   * The wallet of this device: the key stored under `storageKey`, or a new one made from a new phrase and stored
   * there now. `created` tells the caller it is a first visit (the player funds a new devnet wallet from the faucet).
   */
  static async load(storage: KeyValueStorage, options: ViewerWalletOptions & { storageKey?: string }): Promise<{ wallet: ViewerWallet; created: boolean }> {
    const storageKey = options.storageKey ?? DEFAULT_WALLET_KEY
    const stored = storage.getItem(storageKey)
    const existing = stored !== null ? parseKey(stored) : null
    if (existing) return { wallet: new ViewerWallet(existing, options, storage.getItem(phraseKeyOf(storageKey))), created: false }
    const phrase = newWalletPhrase()
    return { wallet: ViewerWallet.store(storage, { ok: true, key: await keyFromPhraseAsync(phrase), phrase }, options), created: true }
  }

  /** Makes a restored secret (phrase or WIF) this device's wallet, replacing the one stored. */
  static store(storage: KeyValueStorage, secret: Extract<WalletSecret, { ok: true }>, options: ViewerWalletOptions & { storageKey?: string }): ViewerWallet {
    const storageKey = options.storageKey ?? DEFAULT_WALLET_KEY
    // The derived key is stored too: deriving it from the phrase costs a few hundred milliseconds at every page load.
    storage.setItem(storageKey, secret.key.toWif())
    if (secret.phrase) storage.setItem(phraseKeyOf(storageKey), secret.phrase)
    else storage.removeItem(phraseKeyOf(storageKey))
    return new ViewerWallet(secret.key, options, secret.phrase)
  }

  /** A WhatsOnChain client for the host's advertised API base (absolute, or relative to `origin`). */
  static ledgerAt(wocBase: string, origin?: string, fetchImpl?: typeof fetch): WhatsOnChainClient {
    const baseUrl = origin ? new URL(wocBase, origin).toString() : wocBase
    return new WhatsOnChainClient({ baseUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) })
  }

  /** Derived once: each derivation is a curve multiplication, milliseconds of the page's main thread as it starts. */
  get publicKey(): string {
    return (this.derived ??= this.derive()).publicKey
  }

  /** P2PKH address; testnet uses its own prefix, devnet and mainnet the mainnet one. */
  get address(): string {
    return (this.derived ??= this.derive()).address
  }

  private derive(): { publicKey: string; address: string } {
    const publicKey = this.key.toPublicKey()
    return { publicKey: publicKey.toString(), address: publicKey.toAddress(this.network === 'testnet' ? 'testnet' : 'mainnet') }
  }

  /**
   * Spendable coins, mempool ones included (the devnet and ARC accept chains of unconfirmed transactions), for a
   * spend: the funding of a channel. A read the page made just before serves it.
   */
  utxos(): Promise<SpendableUtxo[]> {
    return this.reads.toSpend()
  }

  /** A transaction the wallet's coins came from: the funding's parents travel with it in Extended Format. */
  rawTx(txid: string): Promise<string | null> {
    return this.reads.rawTx(txid)
  }

  /** The coins' total; `maxAgeMs`: a read that recent will do (the coins were just read). */
  async balance(maxAgeMs = 0): Promise<number> {
    return (await this.reads.coins(maxAgeMs)).reduce((sum, utxo) => sum + utxo.satoshis, 0)
  }

  /** Sending everything to one address: the amount and fee at `feeRate`, before anything is signed. */
  async planWithdrawal(feeRate: FeeRate): Promise<SweepPlan> {
    return planSweep(await this.reads.coins(), feeRate)
  }

  /**
   * Sends every coin of the wallet to `toScript` (a P2PKH script the caller checked with checkAddress). Coins locked in
   * an open channel are not the wallet's until it settles, so they are not part of it.
   */
  async withdraw(toScript: string, feeRate: FeeRate): Promise<{ txid: string; amount: number; fee: number }> {
    const sweep = buildSweep({ key: this.key, utxos: await this.reads.toSpend(), toScript, feeRate })
    await this.ledger.broadcast(sweep.hex)
    this.reads.changed()
    return { txid: sweep.txid, amount: sweep.amount, fee: sweep.fee }
  }

  get canUseFaucet(): boolean {
    return this.network === 'devnet' && this.devnetBaseUrl !== null
  }

  /** Devnet only: asks the host's devnet faucet for coins. */
  async topUp(satoshis: number): Promise<FaucetPayment> {
    if (!this.canUseFaucet || this.devnetBaseUrl === null) {
      throw new Error(`There is no faucet on ${this.network}: send coins to ${this.address} instead.`)
    }
    const paid = await requestFaucet(this.devnetBaseUrl, this.address, satoshis, this.fetchImpl)
    this.reads.changed()
    return paid
  }
}

function phraseKeyOf(storageKey: string): string {
  return `${storageKey}.phrase`
}

function parseKey(text: string): PrivateKey | null {
  try {
    return PrivateKey.fromWif(text.trim())
  } catch {
    return null
  }
}
