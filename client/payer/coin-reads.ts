// This device's wallet asks the ledger for its coins once per start, not once per use: the balance shown at page
// load and the channel's funding share one read of the unspent coins, and the transactions those coins came from
// (which travel with the funding, funding-parents.ts) are fetched as soon as the coins are known, side by side, while
// the page does other things. A raw transaction never changes, so it is kept by txid; the coins are shared only while
// fresh, and never after a spend took them.
import { MAX_FUNDING_PARENTS } from '../../protocol/message-limits.ts'
import type { SpendableUtxo } from '../../protocol/transactions.ts'

/** How long a read of the coins answers for later asks: long enough for a start, short enough to see new coins. */
export const COINS_FRESH_MS = 5_000
/** Raw transactions kept; past this the oldest go first. */
const RAW_TX_KEPT = 64

export interface CoinSource {
  unspent(): Promise<SpendableUtxo[]>
  rawTx(txid: string): Promise<string | null>
}

export class CoinReads {
  private recent: { at: number; coins: Promise<SpendableUtxo[]> } | null = null
  private readonly raw = new Map<string, Promise<string | null>>()

  constructor(
    private readonly source: CoinSource,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The coins: a read in flight or begun within COINS_FRESH_MS, or a new one. */
  coins(): Promise<SpendableUtxo[]> {
    const now = this.clock()
    if (this.recent && now - this.recent.at < COINS_FRESH_MS) return this.recent.coins
    const coins = this.source.unspent()
    const read = { at: now, coins }
    this.recent = read
    coins.then(
      (utxos) => this.prefetchParents(utxos),
      () => {
        if (this.recent === read) this.recent = null
      },
    )
    return coins
  }

  /** The coins a spend is about to use: no later ask shares this read, since they will have moved. */
  async toSpend(): Promise<SpendableUtxo[]> {
    const coins = await this.coins()
    this.recent = null
    return coins
  }

  /** The coins changed (a faucet payment, a withdrawal): the next ask reads them again. */
  changed(): void {
    this.recent = null
  }

  /** A transaction by txid, asked of the ledger once; an unknown one (null) or a failed ask is asked again next time. */
  rawTx(txid: string): Promise<string | null> {
    const known = this.raw.get(txid)
    if (known) return known
    const asked = this.source.rawTx(txid)
    this.raw.set(txid, asked)
    if (this.raw.size > RAW_TX_KEPT) this.raw.delete(this.raw.keys().next().value!)
    asked.then(
      (hex) => {
        if (hex === null) this.raw.delete(txid)
      },
      () => this.raw.delete(txid),
    )
    return asked
  }

  /** The parents a funding from these coins would carry, fetched now so the funding need not wait for them. */
  private prefetchParents(utxos: readonly SpendableUtxo[]): void {
    for (const txid of [...new Set(utxos.map((utxo) => utxo.txid))].slice(0, MAX_FUNDING_PARENTS)) this.rawTx(txid).catch(() => undefined)
  }
}
