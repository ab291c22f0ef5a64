// The one Chain implementation: ARC for writes and tx status, WhatsOnChain for reads. The devnet serves both
// shapes, so devnet, testnet and mainnet differ only in URLs and API keys.
import { DEFAULT_FEE_RATE } from '../fees.ts'
import type { FeeRate, Network } from '../messages.ts'
import type { BroadcastOptions, BroadcastResult, Chain, Spender, TxInfo, Utxo } from './chain.ts'
import { ArcClient } from './arc.ts'
import { trimSlash } from './ledger-http.ts'
import { toExtendedFormat } from './tx-formats.ts'
import { WhatsOnChainClient } from './whatsonchain.ts'

/** ARC and WhatsOnChain base URLs for a network. Devnet lives inside the host, mounted at devnetBaseUrl (…/devnet). */
export function chainEndpoints(network: Network, devnetBaseUrl?: string): { arc: string; woc: string } {
  switch (network) {
    case 'devnet': {
      if (!devnetBaseUrl) throw new Error('devnet needs the URL where the host mounts it, e.g. http://127.0.0.1:8080/devnet')
      const base = trimSlash(devnetBaseUrl)
      return { arc: `${base}/arc`, woc: `${base}/woc/v1/bsv/devnet` }
    }
    case 'testnet':
      return { arc: 'https://arc-test.taal.com', woc: 'https://api.whatsonchain.com/v1/bsv/test' }
    case 'mainnet':
      return { arc: 'https://arc.taal.com', woc: 'https://api.whatsonchain.com/v1/bsv/main' }
  }
}

export interface HttpChainOptions {
  arcUrl: string
  wocUrl: string
  arcApiKey?: string
  wocApiKey?: string
  fetch?: typeof fetch
  timeoutMs?: number
}

export class HttpChain implements Chain {
  readonly arc: ArcClient
  readonly woc: WhatsOnChainClient
  private lastPolicy: FeeRate | null = null

  constructor(opts: HttpChainOptions) {
    const common = { fetch: opts.fetch, timeoutMs: opts.timeoutMs }
    this.arc = new ArcClient({ baseUrl: opts.arcUrl, apiKey: opts.arcApiKey, ...common })
    this.woc = new WhatsOnChainClient({ baseUrl: opts.wocUrl, apiKey: opts.wocApiKey, ...common })
  }

  /** The default endpoints for a network; explicit URLs in `overrides` win. */
  static forNetwork(network: Network, overrides: Partial<HttpChainOptions> & { devnetBaseUrl?: string } = {}): HttpChain {
    return new HttpChain(HttpChain.optionsFor(network, overrides))
  }

  /** The options forNetwork builds its chain from: what the host's preflight checks too. */
  static optionsFor(network: Network, overrides: Partial<HttpChainOptions> & { devnetBaseUrl?: string } = {}): HttpChainOptions {
    const defaults = overrides.arcUrl && overrides.wocUrl
      ? { arc: overrides.arcUrl, woc: overrides.wocUrl }
      : chainEndpoints(network, overrides.devnetBaseUrl)
    const { devnetBaseUrl: _devnet, ...options } = overrides
    return { ...options, arcUrl: overrides.arcUrl ?? defaults.arc, wocUrl: overrides.wocUrl ?? defaults.woc }
  }

  /**
   * Sends the BEEF when `options.beef` is given, Extended Format when `options.parents` are (all of them: a missing
   * one throws), raw otherwise.
   */
  async broadcast(rawTxHex: string, options: BroadcastOptions = {}): Promise<BroadcastResult> {
    if (options.beef) return this.arc.broadcast(options.beef)
    const parents = options.parents ?? []
    return this.arc.broadcast(parents.length > 0 ? toExtendedFormat(rawTxHex, parents) : rawTxHex)
  }

  txStatus(txid: string): Promise<TxInfo | null> {
    return this.arc.txStatus(txid)
  }

  rawTx(txid: string): Promise<string | null> {
    return this.woc.rawTx(txid)
  }

  height(): Promise<number> {
    return this.woc.height()
  }

  unspent(address: string): Promise<Utxo[]> {
    return this.woc.unspent(address)
  }

  spender(txid: string, vout: number): Promise<Spender | null> {
    return this.woc.spender(txid, vout)
  }

  /**
   * ARC's policy when it answers. Otherwise the last policy it gave, or before any the common 100 sat/kB: a fee
   * estimate must never block a payment, nor swing to a guess because one request failed.
   */
  async feeRate(): Promise<FeeRate> {
    try {
      this.lastPolicy = await this.arc.policy()
    } catch {
      // keep the last known policy
    }
    return { ...(this.lastPolicy ?? DEFAULT_FEE_RATE) }
  }
}
