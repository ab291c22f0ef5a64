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
