// ARC (the BSV transaction processor) over HTTP. Isomorphic: only fetch, so the browser wallet can broadcast too.
// Shapes follow bitcoin-sv/arc's OpenAPI: POST /v1/tx, GET /v1/tx/{txid}, GET /v1/policy, GET /v1/health.
import type { FeeRate } from '../messages.ts'
import { ChainError, type BroadcastResult, type TxInfo, type TxStatus } from './chain.ts'
import { fetchLedger, LedgerHttpClient, readBody } from './ledger-http.ts'

const KNOWN_STATUSES: ReadonlySet<string> = new Set<TxStatus>([
  'UNKNOWN', 'QUEUED', 'RECEIVED', 'STORED', 'ANNOUNCED_TO_NETWORK', 'REQUESTED_BY_NETWORK', 'SENT_TO_NETWORK',
  'ACCEPTED_BY_NETWORK', 'SEEN_IN_ORPHAN_MEMPOOL', 'SEEN_ON_NETWORK', 'DOUBLE_SPEND_ATTEMPTED', 'REJECTED',
  'MINED_IN_STALE_BLOCK', 'MINED',
])

/** What to do about ARC's refusals, added to its own words (ARC's doc/errors.md says what each code means). */
const HINTS: Record<number, string> = {
  401: 'Check the ARC API key.',
  403: 'Check the ARC API key.',
  460: 'ARC does not know a parent: send the tx in Extended Format or as BEEF, or broadcast its parents first.',
  461: 'An unlocking script does not satisfy the output it spends: check the signatures.',
  465: 'Raise the fee to the rate GET /v1/policy asks for.',
  466: 'Another transaction already spends these outputs.',
  467: 'The BEEF must carry every unmined ancestor, back to mined ones with merkle paths.',
  468: 'A merkle path (BUMP) in the BEEF does not hold together.',
  469: 'A merkle path in the BEEF leads to a root that is not in the chain.',
  474: 'The transaction is larger than the policy allows (GET /v1/policy, maxtxsizepolicy).',
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {}
}

function asStatus(v: unknown): TxStatus {
  return typeof v === 'string' && KNOWN_STATUSES.has(v) ? (v as TxStatus) : 'UNKNOWN'
}

/** ARC leaves absent values as "" or null; those are simply not there. */
function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

function txids(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string' && t !== '') : []
}

/** An RFC 7807 problem: ARC's error body, which can also come with HTTP 200 (arc.yaml's own "error" example does). */
function isProblem(body: Record<string, unknown>): boolean {
  return typeof body.status === 'number' && body.status >= 400
}

export class ArcClient extends LedgerHttpClient {
  /**
   * Submits a raw, Extended Format or BEEF tx (hex). Resolves only with a status the ledger accepted or is processing.
   * A refusal throws ChainError with ARC's code (460 parents unknown, 465 fee, 466 conflict...), including a refusal
   * ARC reports inside a 200 body: DOUBLE_SPEND_ATTEMPTED is 466, an orphan 460, other rejections 409.
   * Idempotent: ARC answers a tx it already has with its status, so a broadcast whose connection failed is sent again.
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
      true,
    )
    const { json, text: raw } = await readBody(res)
    const body = asRecord(json)
    if (!res.ok || isProblem(body)) throw this.errorFrom(res.status, body, raw, url)
    const txid = typeof body.txid === 'string' ? body.txid : ''
    const status = asStatus(body.txStatus)
    const competing = txids(body.competingTxs)
    const extra = text(body.extraInfo)
    const says = `ARC ${status}${extra ? `: ${extra}` : ''}`
    if (status === 'DOUBLE_SPEND_ATTEMPTED' || (status === 'REJECTED' && competing.length > 0)) {
      const rivals = competing.length > 0 ? ` (competing: ${competing.join(', ')})` : ''
      throw new ChainError(`${says}${rivals}. ${HINTS[466]}`, 466, txid || undefined)
    }
    if (status === 'SEEN_IN_ORPHAN_MEMPOOL') throw new ChainError(`${says}. ${HINTS[460]}`, 460, txid || undefined)
    // 409 is ARC's "could not be processed" for everything else.
    if (status === 'REJECTED' || status === 'MINED_IN_STALE_BLOCK') throw new ChainError(says, 409, txid || undefined)
    return { txid, status }
  }

  /** null when ARC does not know the tx (404). */
  async txStatus(txid: string): Promise<TxInfo | null> {
    const url = `${this.baseUrl}/v1/tx/${encodeURIComponent(txid)}`
    const res = await fetchLedger(this.fetchImpl, url, { headers: this.headers() }, this.timeoutMs, 'ARC')
    if (res.status === 404) return null
    const { json, text: raw } = await readBody(res)
    const body = asRecord(json)
    if (!res.ok || isProblem(body)) throw this.errorFrom(res.status, body, raw, url)
    const info: TxInfo = { txid: typeof body.txid === 'string' ? body.txid : txid, status: asStatus(body.txStatus) }
    if (typeof body.blockHeight === 'number' && body.blockHeight > 0) info.blockHeight = body.blockHeight
    const blockHash = text(body.blockHash)
    if (blockHash) info.blockHash = blockHash
    const merklePath = text(body.merklePath)
    if (merklePath) info.merklePath = merklePath
    const competing = txids(body.competingTxs)
    if (competing.length > 0) info.competingTxs = competing
    const extraInfo = text(body.extraInfo)
    if (extraInfo) info.extraInfo = extraInfo
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

  /** ARC errors are RFC 7807 problems: {type, title, status, detail, instance, txid, extraInfo}; extraInfo says what exactly. */
  private errorFrom(httpStatus: number, body: Record<string, unknown>, raw: string, url: string): ChainError {
    const code = typeof body.status === 'number' ? body.status : httpStatus
    const txid = text(body.txid)
    const detail = text(body.detail) ?? text(body.title)
    const extra = text(body.extraInfo)
    const hint = HINTS[code] ? ` ${HINTS[code]}` : ''
    if (detail || extra) {
      const message = detail && extra && detail !== extra ? `${detail}: ${extra}` : (extra ?? detail)!
      return new ChainError(`${message.replace(/\.?$/, '.')}${hint}`, code, txid)
    }
    return new ChainError(`ARC at ${url} answered HTTP ${httpStatus}: ${raw.slice(0, 200)}${hint}`, code, txid)
  }
}
