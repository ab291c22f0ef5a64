// WhatsOnChain's API over HTTP: chain height, raw transactions, an address's unspent outputs, what spends an output,
// and broadcasting.
// Isomorphic: only fetch. The devnet ledger serves the same shapes under /devnet/woc/v1/bsv/devnet.
import type { MerklePath } from '@bsv/sdk'
import { ChainError, type Spender, type Utxo } from './chain.ts'
import { fetchLedger, LedgerHttpClient, readBody } from './ledger-http.ts'
import { merklePathOfTsc, type TscProof } from './tsc-proof.ts'

/** How nodes word "these coins are already spent": a conflict, not a fault of the tx itself. */
const SPENT_INPUTS = /missing inputs|mempool-conflict|txn-already-spent|double spend|already spent/i

/** baseUrl includes the network, e.g. https://api.whatsonchain.com/v1/bsv/main */
export class WhatsOnChainClient extends LedgerHttpClient {
  /** Height of the best block (chain/info "blocks"). */
  async height(): Promise<number> {
    const body = await this.getJson(`${this.baseUrl}/chain/info`)
    const blocks = (body as { blocks?: unknown } | null)?.blocks
    if (typeof blocks !== 'number' || !Number.isInteger(blocks) || blocks < 0) {
      throw new ChainError(`WhatsOnChain at ${this.baseUrl}/chain/info answered without a block height`, 502)
    }
    return blocks
  }

  /** The tx as hex, or null when the ledger does not know it. */
  async rawTx(txid: string): Promise<string | null> {
    const url = `${this.baseUrl}/tx/${encodeURIComponent(txid)}/hex`
    const res = await fetchLedger(this.fetchImpl, url, { headers: this.headers('text/plain') }, this.timeoutMs, 'WhatsOnChain')
    if (res.status === 404) return null
    const text = (await res.text()).trim()
    if (!res.ok) throw this.httpError(res.status, text, url)
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(text)) {
      throw new ChainError(`WhatsOnChain at ${url} answered something that is not transaction hex`, 502)
    }
    return text.toLowerCase()
  }

  /** The tx's merkle path (BUMP) once it is mined; null while it waits in the mempool or is unknown. */
  async merklePath(txid: string): Promise<MerklePath | null> {
    const url = `${this.baseUrl}/tx/${encodeURIComponent(txid)}/proof/tsc`
    const res = await fetchLedger(this.fetchImpl, url, { headers: this.headers('application/json') }, this.timeoutMs, 'WhatsOnChain')
    if (res.status === 404) return null
    const { json, text } = await readBody(res)
    if (!res.ok) throw this.httpError(res.status, text, url)
    const proof = (Array.isArray(json) ? json[0] : json) as TscProof | null | undefined
    if (proof === null || proof === undefined) return null
    if (typeof proof.index !== 'number' || typeof proof.target !== 'string' || !Array.isArray(proof.nodes)) {
      throw new ChainError(`WhatsOnChain at ${url} answered a proof it did not shape as TSC`, 502)
    }
    const header = (await this.getJson(`${this.baseUrl}/block/${encodeURIComponent(proof.target)}/header`)) as { height?: unknown }
    if (typeof header.height !== 'number') throw new ChainError(`WhatsOnChain does not give the height of block ${proof.target}`, 502)
    return merklePathOfTsc(txid, { ...proof, txOrId: proof.txOrId ?? txid }, header.height)
  }

  /** Unspent outputs locked to the address, confirmed and unconfirmed (height 0 = in the mempool). */
  async unspent(address: string): Promise<Utxo[]> {
    const body = await this.getJson(`${this.baseUrl}/address/${encodeURIComponent(address)}/unspent/all`)
    const result = (body as { result?: unknown } | null)?.result
    if (!Array.isArray(result)) {
      throw new ChainError(`WhatsOnChain unspent/all for ${address} answered without a result list`, 502)
    }
    const utxos: Utxo[] = []
    for (const item of result) {
      const u = item as Record<string, unknown>
      // An output already spent by a mempool tx is not spendable; WhatsOnChain still lists it, flagged.
      if (u.isSpentInMempoolTx === true) continue
      if (typeof u.tx_hash !== 'string' || typeof u.tx_pos !== 'number' || typeof u.value !== 'number') continue
      utxos.push({ txid: u.tx_hash, vout: u.tx_pos, satoshis: u.value, height: typeof u.height === 'number' ? u.height : 0 })
    }
    return utxos
  }

  /**
   * What spends an output (GET /tx/{txid}/{vout}/spent, mempool included): WhatsOnChain answers 404 while nothing does,
   * and also for a tx it does not know.
   */
  async spender(txid: string, vout: number): Promise<Spender | null> {
    const url = `${this.baseUrl}/tx/${encodeURIComponent(txid)}/${vout}/spent`
    const res = await fetchLedger(this.fetchImpl, url, { headers: this.headers('application/json') }, this.timeoutMs, 'WhatsOnChain')
    if (res.status === 404) return null
    const { json, text } = await readBody(res)
    if (!res.ok) throw this.httpError(res.status, text, url)
    const body = (json ?? {}) as { txid?: unknown; vin?: unknown }
    if (typeof body.txid !== 'string' || !/^[0-9a-f]{64}$/i.test(body.txid) || typeof body.vin !== 'number') {
      throw new ChainError(`WhatsOnChain at ${url} answered without the spending txid and input`, 502)
    }
    return { txid: body.txid.toLowerCase(), vin: body.vin }
  }

  /**
   * Broadcasts a raw tx (POST /tx/raw); resolves with its txid. A refusal throws ChainError: 466 when the inputs are
   * already spent or gone (a conflict), else the ledger's own code or HTTP status.
   */
  async broadcast(rawHex: string): Promise<string> {
    const url = `${this.baseUrl}/tx/raw`
    const init = { method: 'POST', headers: { ...this.headers('application/json'), 'Content-Type': 'application/json' }, body: JSON.stringify({ txhex: rawHex }) }
    const res = await fetchLedger(this.fetchImpl, url, init, this.timeoutMs, 'WhatsOnChain')
    const { json, text } = await readBody(res)
    if (res.ok && typeof json === 'string' && /^[0-9a-f]{64}$/i.test(json)) return json.toLowerCase()
    const body = (typeof json === 'object' && json !== null ? json : {}) as { error?: unknown; code?: unknown }
    const reason = typeof body.error === 'string' ? body.error : text.slice(0, 200)
    const code = SPENT_INPUTS.test(reason) ? 466 : typeof body.code === 'number' ? body.code : res.status
    throw new ChainError(`WhatsOnChain at ${url} refused the transaction: ${reason}`, code)
  }

  private async getJson(url: string): Promise<unknown> {
    const res = await fetchLedger(this.fetchImpl, url, { headers: this.headers('application/json') }, this.timeoutMs, 'WhatsOnChain')
    const { json, text } = await readBody(res)
    if (!res.ok) throw this.httpError(res.status, text, url)
    if (json === undefined) throw new ChainError(`WhatsOnChain at ${url} answered non-JSON: ${text.slice(0, 200)}`, 502)
    return json
  }

  private headers(accept: string): Record<string, string> {
    const h: Record<string, string> = { Accept: accept }
    // WhatsOnChain takes its API key as the bare Authorization header value.
    if (this.apiKey) h.Authorization = this.apiKey
    return h
  }

  private httpError(status: number, text: string, url: string): ChainError {
    const hint = status === 401 || status === 403 ? ' Check the WhatsOnChain API key.' : status === 429 ? ' Rate limited: slow down or use an API key.' : ''
    return new ChainError(`WhatsOnChain at ${url} answered HTTP ${status}: ${text.slice(0, 200)}${hint}`, status)
  }
}
