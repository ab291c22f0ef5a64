// What the ledger clients (ARC, WhatsOnChain, the devnet faucet) share: plain HTTP to a ledger service, with a
// deadline and errors that say what to check. Isomorphic: only fetch.
import { ChainError } from './chain.ts'

export interface HttpClientOptions {
  baseUrl: string
  apiKey?: string
  fetch?: typeof fetch
  timeoutMs?: number
}

const DEFAULT_TIMEOUT_MS = 30_000

/**
 * The pauses before sending a request again after its connection failed without an answer; there are as many new
 * attempts as pauses. The pause lets the event loop take note of every other pooled connection the server closed too,
 * so the next attempt goes out on a fresh one.
 */
export const RESEND_PAUSES_MS: readonly number[] = [50, 250]

/** Reading changes nothing, so a read may always be sent again. */
function isRead(init: RequestInit): boolean {
  const method = (init.method ?? 'GET').toUpperCase()
  return method === 'GET' || method === 'HEAD'
}

/**
 * fetch with a deadline, turning "could not reach it" into a ChainError (code 0) that names the URL and what to check.
 * Shared by the ARC, WhatsOnChain and faucet clients, which all talk to a ledger service over plain HTTP.
 *
 * A keep-alive connection the server closed while the request was on its way (its idle timeout firing as the request
 * arrived; "other side closed", ECONNRESET) fails without an answer although the ledger is up. A request that may be
 * sent twice (`idempotent`: reads, and broadcasts, which a ledger answers with the status of a tx it already has) is
 * then sent again on a fresh connection, within the same deadline. Only when every attempt fails is the ledger
 * reported unreachable. A faucet payment is not idempotent and is never sent again.
 */
export async function fetchLedger(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  service: string,
  idempotent = isRead(init),
): Promise<Response> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  const pauses = idempotent ? RESEND_PAUSES_MS : []
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetchImpl(url, { ...init, signal: controller.signal })
      } catch (err) {
        if (controller.signal.aborted || attempt >= pauses.length) throw unreachable(service, url, err, controller.signal.aborted, timeoutMs, attempt + 1)
      }
      await new Promise((resolve) => setTimeout(resolve, pauses[attempt]))
    }
  } finally {
    clearTimeout(timer)
  }
}

function unreachable(service: string, url: string, err: unknown, timedOut: boolean, timeoutMs: number, attempts: number): ChainError {
  const why = timedOut ? `no answer within ${timeoutMs} ms` : errorText(err)
  const tries = attempts > 1 ? `, ${attempts} attempts` : ''
  return new ChainError(
    `${service} at ${url} could not be reached (${why}${tries}). Check the URL, that the service is up, and your network connection.`,
    0,
  )
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message
  }
  return String(err)
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}

/** Reads a body as JSON if it is JSON; ledgers answer errors in text or HTML too (proxies, 502s). */
export async function readBody(res: Response): Promise<{ json: unknown; text: string }> {
  const text = await res.text()
  try {
    return { json: JSON.parse(text), text }
  } catch {
    return { json: undefined, text }
  }
}

/** The place of a ledger service and how to talk to it, as every client holds it. */
export abstract class LedgerHttpClient {
  protected readonly baseUrl: string
  protected readonly apiKey?: string
  protected readonly fetchImpl: typeof fetch
  protected readonly timeoutMs: number

  constructor(opts: HttpClientOptions) {
    this.baseUrl = trimSlash(opts.baseUrl)
    this.apiKey = opts.apiKey
    this.fetchImpl = opts.fetch ?? globalThis.fetch.bind(globalThis)
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  }
}
