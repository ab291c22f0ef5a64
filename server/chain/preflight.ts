// Start-up checks for a real network: ARC answers healthy and states its mining fee, and WhatsOnChain knows the chain
// height. Either the host reports what it found, or it refuses to start naming the URL that failed and how to fix it.
import { ArcClient } from '../../protocol/chain/arc.ts'
import { ChainError } from '../../protocol/chain/chain.ts'
import type { HttpChainOptions } from '../../protocol/chain/http-chain.ts'
import { fetchLedger, readBody } from '../../protocol/chain/ledger-http.ts'
import { WhatsOnChainClient } from '../../protocol/chain/whatsonchain.ts'
import type { FeeRate } from '../../protocol/messages.ts'

export interface PreflightFindings {
  arc: { url: string; version: string | null; feeRate: FeeRate }
  woc: { url: string; height: number }
}

export class PreflightError extends Error {}

const ARC_FIX = 'Check --arc-url (P2P_ARC_URL) and --arc-api-key (P2P_ARC_API_KEY): the URL is the ARC base, e.g. https://arc.taal.com, without /v1.'
const WOC_FIX = 'Check --woc-url (P2P_WOC_URL) and --woc-api-key (P2P_WOC_API_KEY): the URL includes the network, e.g. https://api.whatsonchain.com/v1/bsv/main.'

function failed(what: string, url: string, why: string, fix: string): PreflightError {
  return new PreflightError(`Preflight: ${what} at ${url} ${why}\n  ${fix}`)
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** GET /v1/health: ARC's own word, {healthy, version, reason}. */
async function arcHealth(options: HttpChainOptions, fetchImpl: typeof fetch, timeoutMs: number): Promise<{ version: string | null }> {
  const url = `${options.arcUrl.replace(/\/+$/, '')}/v1/health`
  const headers: Record<string, string> = { Accept: 'application/json', ...(options.arcApiKey ? { Authorization: `Bearer ${options.arcApiKey}` } : {}) }
  let res: Response
  try {
    res = await fetchLedger(fetchImpl, url, { headers }, timeoutMs, 'ARC')
  } catch (error) {
    throw failed('ARC', url, `could not be reached: ${reason(error)}`, ARC_FIX)
  }
  const { json, text } = await readBody(res)
  const body = (typeof json === 'object' && json !== null ? json : {}) as { healthy?: unknown; version?: unknown; reason?: unknown }
  if (!res.ok) throw failed('ARC', url, `answered HTTP ${res.status}${res.status === 401 || res.status === 403 ? ' (the API key was refused)' : ''}: ${text.slice(0, 160)}`, ARC_FIX)
  if (body.healthy !== true) {
    throw failed('ARC', url, `says it is not healthy${typeof body.reason === 'string' && body.reason ? `: ${body.reason}` : ''}.`, `${ARC_FIX} If the URL is right, ARC itself is down: try again later or use another ARC.`)
  }
  return { version: typeof body.version === 'string' && body.version ? body.version : null }
}

export async function preflight(options: HttpChainOptions): Promise<PreflightFindings> {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis)
  const timeoutMs = options.timeoutMs ?? 10_000
  const common = { fetch: fetchImpl, timeoutMs }
  const { version } = await arcHealth(options, fetchImpl, timeoutMs)
  let feeRate: FeeRate
  try {
    feeRate = await new ArcClient({ baseUrl: options.arcUrl, apiKey: options.arcApiKey, ...common }).policy()
  } catch (error) {
    throw failed('ARC', `${options.arcUrl.replace(/\/+$/, '')}/v1/policy`, `gave no mining fee: ${reason(error)}`, ARC_FIX)
  }
  let height: number
  try {
    height = await new WhatsOnChainClient({ baseUrl: options.wocUrl, apiKey: options.wocApiKey, ...common }).height()
  } catch (error) {
    const why = error instanceof ChainError && error.code === 0 ? 'could not be reached' : 'gave no chain height'
    throw failed('WhatsOnChain', `${options.wocUrl.replace(/\/+$/, '')}/chain/info`, `${why}: ${reason(error)}`, WOC_FIX)
  }
  return { arc: { url: options.arcUrl, version, feeRate }, woc: { url: options.wocUrl, height } }
}

/** What the operator reads at start-up. */
export function describePreflight(found: PreflightFindings): string[] {
  const { arc, woc } = found
  return [
    `  ARC:          ${arc.url} healthy${arc.version ? ` (${arc.version})` : ''}, mining fee ${arc.feeRate.satoshis} sat per ${arc.feeRate.bytes} bytes`,
    `  WhatsOnChain: ${woc.url} at height ${woc.height}`,
  ]
}
