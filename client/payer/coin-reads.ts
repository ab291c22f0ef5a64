// This device's wallet asks the ledger for its coins once per start, not once per use: the balance shown at page
// load and the channel's funding share one read of the unspent coins, and the transactions those coins came from
// (which travel with the funding, funding-parents.ts) are fetched as soon as the coins are known, side by side, while
// the page does other things. A raw transaction never changes, so it is kept by txid. The coins are shared only while
// fresh: a read on its way serves every ask made meanwhile, a finished one serves the next spend for a few seconds,
// and nothing read before the coins changed (a spend, a faucet payment) answers after.
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
  /** A read on its way: asks made meanwhile share it (its answer is as fresh as theirs would be). */
  private inFlight: Promise<SpendableUtxo[]> | null = null
  /** The last read's answer, for the next spend only, while fresh. */
  private recent: { at: number; coins: SpendableUtxo[] } | null = null
  /** Bumped whenever the coins change: a read begun before that answers no later ask. */
  private generation = 0
  private readonly raw = new Map<string, Promise<string | null>>()

  constructor(
    private readonly source: CoinSource,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * The coins as the ledger has them now: a read on its way, or a new one; or, for a caller that says how old an
   * answer may be (`maxAgeMs`), the last read when it is that recent.
   */
  coins(maxAgeMs = 0): Promise<SpendableUtxo[]> {
    if (this.inFlight) return this.inFlight
    if (this.recent && this.clock() - this.recent.at < Math.min(maxAgeMs, COINS_FRESH_MS)) return Promise.resolve(this.recent.coins)
    const generation = this.generation
    const at = this.clock()
    const read = this.source.unspent()
    this.inFlight = read
    const settled = () => {
      if (this.inFlight === read) this.inFlight = null
    }
    read.then(
      (coins) => {
        settled()
        if (this.generation !== generation) return
        this.recent = { at, coins }
        this.prefetchParents(coins)
      },
      settled,
    )
    return read
  }

  /**
   * The coins a spend is about to use: the last read when it is fresh (the balance the page just read), else a new
   * one. No later spend gets the same answer: those coins will have moved.
   */
  async toSpend(): Promise<SpendableUtxo[]> {
    const recent = this.recent
    const coins = recent && !this.inFlight && this.clock() - recent.at < COINS_FRESH_MS ? recent.coins : await this.coins()
    this.changed()
    return coins
  }

  /** The coins changed (a spend, a faucet payment, a withdrawal): the next ask reads them again. */
  changed(): void {
    this.generation++
    this.recent = null
    this.inFlight = null
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
