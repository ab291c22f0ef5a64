// The payout card: where the host's earnings go, what closes have paid there, and where to check it on the chain.
import type { PayoutView } from '../../protocol/dashboard.ts'
import type { Network } from '../../protocol/messages.ts'
import { explorerAddressUrl } from './explorer.ts'
import { formatSats } from './format.ts'

export function renderPayout(card: HTMLElement, payout: PayoutView, network: Network): void {
  const find = (id: string) => card.querySelector<HTMLElement>(`[data-testid="${id}"]`)!
  const link = find('payout-address') as HTMLAnchorElement
  link.textContent = payout.address
  link.href = explorerAddressUrl(network, payout.address)
  find('payout-settled').textContent = `${formatSats(payout.settled)} sat`
  find('payout-channels').textContent = formatSats(payout.channels)
  find('payout-note').textContent = payout.generated
    ? 'A devnet address the host made for itself; its key is payout.key in the data folder. On testnet and mainnet, give your own with --payout-address.'
    : 'Set with --payout-address. Channels opened before a change keep paying the address they opened with.'
}
