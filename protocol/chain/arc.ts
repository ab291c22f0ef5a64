// ARC (the BSV transaction processor) over HTTP. Isomorphic: only fetch, so the browser wallet can broadcast too.
// Shapes follow bitcoin-sv/arc's OpenAPI: POST /v1/tx, GET /v1/tx/{txid}, GET /v1/policy, GET /v1/health.
import type { FeeRate } from '../messages.ts'
import { ChainError, type BroadcastResult, type TxInfo, type TxStatus } from './chain.ts'
import { fetchLedger, LedgerHttpClient, readBody } from './ledger-http.ts'

const KNOWN_STATUSES: ReadonlySet<string> = new Set<TxStatus>([
  'RECEIVED', 'STORED', 'ANNOUNCED_TO_NETWORK', 'SEEN_ON_NETWORK', 'MINED', 'REJECTED', 'DOUBLE_SPEND_ATTEMPTED', 'UNKNOWN',
])

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {}
}

function asStatus(v: unknown): TxStatus {
  return typeof v === 'string' && KNOWN_STATUSES.has(v) ? (v as TxStatus) : 'UNKNOWN'
}

export class ArcClient extends LedgerHttpClient {
  /**
   * Submits a raw (or Extended Format) tx. Resolves only with a status the ledger accepted or is processing;
   * a rejection, including one ARC reports inside a 200 body, throws ChainError with ARC's code (465 fee, 466 conflict...).
   */
  async broadcast(rawHex: string): Promise<BroadcastResult> {
    const url = `${this.baseUrl}/v1/tx`
    const res = await fetchLedger(
      this.fetchImpl,
      url,
      {
        method: 'POST',
        headers: { ...this.headers(), 'Content-Type': 'application/json', 'X-WaitFor': 'SEEN_ON_NETWORK' },
        body: JSON.stringify({ rawTx: rawHex }),
      },
      this.timeoutMs,
      'ARC',
    )
    const { json, text } = await readBody(res)
    const body = asRecord(json)
    if (!res.ok) throw this.errorFrom(res.status, body, text, url)
    const txid = typeof body.txid === 'string' ? body.txid : ''
    const status = asStatus(body.txStatus)
    if (status === 'REJECTED' || status === 'DOUBLE_SPEND_ATTEMPTED') {
      const extra = typeof body.extraInfo === 'string' && body.extraInfo ? `: ${body.extraInfo}` : ''
      // 466 is ARC's own code for a conflict; 409 is its "could not be processed" for everything else.
      throw new ChainError(`ARC ${status}${extra}`, status === 'DOUBLE_SPEND_ATTEMPTED' ? 466 : 409, txid || undefined)
    }
    return { txid, status }
  }

  /** null when ARC does not know the tx (404). */
  async txStatus(txid: string): Promise<TxInfo | null> {
    const url = `${this.baseUrl}/v1/tx/${encodeURIComponent(txid)}`
    const res = await fetchLedger(this.fetchImpl, url, { headers: this.headers() }, this.timeoutMs, 'ARC')
    if (res.status === 404) return null
    const { json, text } = await readBody(res)
    const body = asRecord(json)
    if (!res.ok) throw this.errorFrom(res.status, body, text, url)
    const info: TxInfo = { txid: typeof body.txid === 'string' ? body.txid : txid, status: asStatus(body.txStatus) }
    if (typeof body.blockHeight === 'number' && body.blockHeight > 0) info.blockHeight = body.blockHeight
    return info
  }

  /** The mining fee the ledger asks for, from GET /v1/policy. */
  async policy(): Promise<FeeRate> {
    const url = `${this.baseUrl}/v1/policy`
    const res = await fetchLedger(this.fetchImpl, url, { headers: this.headers() }, this.timeoutMs, 'ARC')
    const { json, text } = await readBody(res)
    const body = asRecord(json)
    if (!res.ok) throw this.errorFrom(res.status, body, text, url)
    const fee = asRecord(asRecord(body.policy).miningFee)
    const satoshis = fee.satoshis
    const bytes = fee.bytes
    if (typeof satoshis !== 'number' || typeof bytes !== 'number' || satoshis < 0 || bytes <= 0) {
      throw new ChainError(`ARC at ${url} answered a policy without a usable miningFee {satoshis, bytes}`, 502)
    }
    return { satoshis, bytes }
  }

  /** True when ARC says it is healthy; false (never a throw) when it says otherwise or cannot be reached. */
  async health(): Promise<boolean> {
    try {
      const res = await fetchLedger(
        this.fetchImpl,
        `${this.baseUrl}/v1/health`,
        { headers: this.headers() },
        this.timeoutMs,
        'ARC',
      )
      if (!res.ok) return false
      const { json } = await readBody(res)
      return asRecord(json).healthy === true
    } catch {
      return false
    }
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json' }
    if (this.apiKey) h.Authorization = `Bearer ${this.apiKey}`
    return h
  }

  /** ARC errors are RFC 7807-ish: {type, title, status, detail, txid, extraInfo}; extraInfo carries the specific reason. */
  private errorFrom(httpStatus: number, body: Record<string, unknown>, text: string, url: string): ChainError {
    const code = typeof body.status === 'number' ? body.status : httpStatus
    const txid = typeof body.txid === 'string' && body.txid ? body.txid : undefined
    const detail = typeof body.detail === 'string' && body.detail ? body.detail : undefined
    const extra = typeof body.extraInfo === 'string' && body.extraInfo ? body.extraInfo : undefined
    if (detail || extra) {
      const message = detail && extra && detail !== extra ? `${detail}: ${extra}` : (extra ?? detail)!
      return new ChainError(message, code, txid)
    }
    const hint = httpStatus === 401 || httpStatus === 403 ? ' Check the ARC API key.' : ''
    return new ChainError(`ARC at ${url} answered HTTP ${httpStatus}: ${text.slice(0, 200)}${hint}`, code, txid)
  }
}
