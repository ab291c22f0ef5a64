// On first use on testnet or mainnet, a plain warning: the device wallet is a hot wallet for this site. Offers backup.
import type { Network } from '../../protocol/messages.ts'
import type { KeyValueStorage } from '../payer/storage.ts'
import { byTestId } from './dom.ts'

export const HOT_WALLET_ACKNOWLEDGED = 'p2p.wallet.hotWarningSeen'

/** Devnet coins are free; on a real network the viewer is told once, until they say they understood. */
export function shouldWarnHotWallet(network: Network, storage: KeyValueStorage): boolean {
  return network !== 'devnet' && storage.getItem(HOT_WALLET_ACKNOWLEDGED) === null
}

export function showHotWalletWarning(network: Network, storage: KeyValueStorage, backUp: () => void): void {
  const warning = byTestId('hot-wallet-warning')
  if (!shouldWarnHotWallet(network, storage)) return
  warning.hidden = false
  const acknowledge = () => {
    storage.setItem(HOT_WALLET_ACKNOWLEDGED, String(Date.now()))
    warning.hidden = true
  }
  byTestId('hot-wallet-backup').addEventListener('click', () => {
    acknowledge()
    backUp()
  })
  byTestId('hot-wallet-dismiss').addEventListener('click', acknowledge)
}
