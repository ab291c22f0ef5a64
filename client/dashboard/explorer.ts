// Where a transaction can be looked at: WhatsOnChain on the real networks, the host's own devnet page otherwise.
import type { Network } from '../../protocol/messages.ts'

export function explorerTxUrl(network: Network, txid: string): string {
  switch (network) {
    case 'mainnet':
      return `https://whatsonchain.com/tx/${txid}`
    case 'testnet':
      return `https://test.whatsonchain.com/tx/${txid}`
    case 'devnet':
      return `/devnet/tx/${txid}`
  }
}

/** An address's page: WhatsOnChain on the real networks; on devnet, the ledger's own list of its unspent outputs. */
export function explorerAddressUrl(network: Network, address: string): string {
  switch (network) {
    case 'mainnet':
      return `https://whatsonchain.com/address/${address}`
    case 'testnet':
      return `https://test.whatsonchain.com/address/${address}`
    case 'devnet':
      return `/devnet/woc/v1/bsv/devnet/address/${address}/unspent/all`
  }
}
