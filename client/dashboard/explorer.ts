// Where a transaction or an address can be looked at: WhatsOnChain on the real networks, the host's own devnet otherwise.
import type { Network } from '../../protocol/messages.ts'

const WHATSONCHAIN: Record<Exclude<Network, 'devnet'>, string> = { mainnet: 'https://whatsonchain.com', testnet: 'https://test.whatsonchain.com' }

export function explorerTxUrl(network: Network, txid: string): string {
  return network === 'devnet' ? `/devnet/tx/${txid}` : `${WHATSONCHAIN[network]}/tx/${txid}`
}

/** On devnet, the ledger's own list of the address's unspent outputs. */
export function explorerAddressUrl(network: Network, address: string): string {
  return network === 'devnet' ? `/devnet/woc/v1/bsv/devnet/address/${address}/unspent/all` : `${WHATSONCHAIN[network]}/address/${address}`
}
