// Asks the devnet ledger (inside the host) to pay test coins to an address. Devnet only: real networks have no
// such endpoint. Isomorphic, so the browser player can fund itself on devnet.
import { ChainError } from './chain.ts'
import { fetchLedger, readBody, trimSlash } from './ledger-http.ts'

export interface FaucetPayment {
  txid: string
  vout: number
  satoshis: number
}

export async function requestFaucet(
  devnetBaseUrl: string,
  address: string,
  satoshis: number,
  fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
): Promise<FaucetPayment> {
  const url = `${trimSlash(devnetBaseUrl)}/faucet`
  const res = await fetchLedger(
    fetchImpl,
    url,
    { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ address, satoshis }) },
    30_000,
    'Devnet faucet',
  )
  const { json, text } = await readBody(res)
  const body = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>
  if (!res.ok) {
    const why = typeof body.error === 'string' ? body.error : text.slice(0, 200)
    throw new ChainError(`Devnet faucet at ${url} refused: ${why}`, typeof body.code === 'number' ? body.code : res.status)
  }
  if (typeof body.txid !== 'string' || typeof body.vout !== 'number' || typeof body.satoshis !== 'number') {
    throw new ChainError(`Devnet faucet at ${url} answered without {txid, vout, satoshis}`, 502)
  }
  return { txid: body.txid, vout: body.vout, satoshis: body.satoshis }
}
