// BSV addresses as people type them: which network a P2PKH address belongs to, and the script that pays it. Shared by
// the host (its payout address) and the viewer (where a withdrawal goes). Isomorphic.
import { Utils } from '@bsv/sdk'
import type { Network } from './messages.ts'

/** Base58Check version bytes of P2PKH addresses. The devnet uses mainnet's, as its wallets do. */
const P2PKH_PREFIX: Record<Network, string> = { mainnet: '00', testnet: '6f', devnet: '00' }
/** P2SH versions: such outputs are unspendable since Genesis, so money sent there is lost. */
const P2SH_PREFIXES: ReadonlySet<string> = new Set(['05', 'c4'])
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/

export type AddressProblem = 'empty' | 'not_an_address' | 'wrong_network' | 'not_p2pkh'

export type AddressCheck =
  | { ok: true; address: string; /** The P2PKH locking script, hex. */ script: string }
  | { ok: false; problem: AddressProblem; message: string }

function networkOfPrefix(prefix: string): 'mainnet' | 'testnet' | null {
  return prefix === '00' ? 'mainnet' : prefix === '6f' ? 'testnet' : null
}

/** Reads a typed address for `network`: a P2PKH address with that network's prefix, or what is wrong with it. */
export function checkAddress(text: string, network: Network): AddressCheck {
  const address = text.trim()
  if (address === '') return { ok: false, problem: 'empty', message: 'Enter a BSV address.' }
  let decoded: { prefix: string; data: string }
  try {
    if (!BASE58.test(address) || address.length < 26 || address.length > 35) throw new Error('not base58')
    decoded = Utils.fromBase58Check(address, 'hex') as { prefix: string; data: string }
  } catch {
    return { ok: false, problem: 'not_an_address', message: `"${address.slice(0, 40)}" is not a BSV address: check that it was copied whole.` }
  }
  if (P2SH_PREFIXES.has(decoded.prefix)) {
    return { ok: false, problem: 'not_p2pkh', message: 'That is a pay-to-script-hash address, which BSV no longer spends: coins sent there would be lost. Use an ordinary address (P2PKH).' }
  }
  const its = networkOfPrefix(decoded.prefix)
  if (its === null || decoded.data.length !== 40) {
    return { ok: false, problem: 'not_an_address', message: `"${address.slice(0, 40)}" is not a BSV address: check that it was copied whole.` }
  }
  if (decoded.prefix !== P2PKH_PREFIX[network]) {
    return {
      ok: false,
      problem: 'wrong_network',
      message: `That is a ${its} address, but the coins here are on ${network}${network === 'devnet' ? ' (which uses mainnet-style addresses)' : ''}: sent there, they would not arrive.`,
    }
  }
  return { ok: true, address, script: `76a914${decoded.data}88ac` }
}
