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
 * fetch with a deadline, turning "could not reach it" into a ChainError (code 0) that names the URL and what to check.
 * Shared by the ARC, WhatsOnChain and faucet clients, which all talk to a ledger service over plain HTTP.
 */
export async function fetchLedger(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  service: string,
): Promise<Response> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  try {
    return await fetchImpl(url, { ...init, signal: controller.signal })
  } catch (err) {
    const why = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : errorText(err)
    throw new ChainError(
      `${service} at ${url} could not be reached (${why}). Check the URL, that the service is up, and your network connection.`,
      0,
    )
  } finally {
    clearTimeout(timer)
  }
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
