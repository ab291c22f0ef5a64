// "How you pay": the viewer's own BSV wallet, offered first when one answered on the host's network (its identity key
// shortened, its network), or this device's wallet. A wallet on another network is named and refused. Switching
// wallets reloads the page, and is not offered while a channel is open: each channel is signed by the wallet that
// opened it.
import type { Network } from '../../protocol/messages.ts'
import { brc100Wallet, type Brc100ChannelWallet } from '../payer/brc100-wallet.ts'
import type { KeyValueStorage } from '../payer/storage.ts'
import { timed } from '../payer/timeline.ts'
import { findWallet, shortKey, type WalletSearch } from '../payer/wallet-discovery.ts'
import { byTestId, setText } from './dom.ts'
import { loadWalletChoice, payingWallet, saveWalletChoice, type WalletChoice } from './wallet-choice.ts'

export interface PayWith {
  /** The viewer's own wallet once it is known to pay this page; null when this device's wallet pays. */
  own: Promise<Brc100ChannelWallet | null>
  /** What the page knows so far (null while it is still looking), for the debug handle. */
  state(): { payingWith: 'brc100' | 'device' | null; walletSearch: WalletSearch['kind'] | null; walletIdentity: string | null }
}

/**
 * Looks for the viewer's wallet without holding up the page (playback starts; opening a channel waits for the
 * answer), then shows the choice. Choosing another wallet reloads the page.
 */
export function choosePayingWallet(p: { network: Network; storage: KeyValueStorage; stream: () => string; channelOpen: () => boolean }): PayWith {
  let choice = loadWalletChoice(p.storage)
  let known: { search: WalletSearch; paying: 'brc100' | 'device' } | null = null
  const own = timed('wallet search', () => findWallet(p.network)).then((search) => {
    const paying = payingWallet(choice, search)
    known = { search, paying }
    renderPayWith({
      network: p.network,
      search,
      choice,
      paying,
      channelOpen: p.channelOpen,
      choose(next) {
        saveWalletChoice(p.storage, next)
        if (payingWallet(next, search) !== paying) location.reload()
        choice = next
      },
    })
    if (paying !== 'brc100' || search.kind !== 'found') return null
    return brc100Wallet({ wallet: search.wallet, host: location.host, stream: p.stream, shareIdentity: () => choice.shareIdentity })
  })
  return {
    own,
    state: () => ({
      payingWith: known?.paying ?? null,
      walletSearch: known?.search.kind ?? null,
      walletIdentity: known?.search.kind === 'found' ? known.search.identityKey : null,
    }),
  }
}

export interface PayWithParts {
  network: Network
  search: WalletSearch
  choice: WalletChoice
  paying: 'brc100' | 'device'
  /** True while a channel is open or remembered. */
  channelOpen: () => boolean
  choose: (choice: WalletChoice) => void
}

/** On a real network the viewer's own wallet is the better way: the device wallet is a hot wallet for this site. */
function noWalletText(network: Network): string {
  const found = "No BSV wallet answered on this computer: this device's wallet pays."
  return network === 'devnet' ? found : `${found} Paying from a BSV wallet you already use (BSV Desktop or another BRC-100 wallet) is recommended: start it and reload.`
}

function renderPayWith(parts: PayWithParts): void {
  const { search, choice, paying } = parts
  const own = byTestId<HTMLButtonElement>('pay-brc100')
  const device = byTestId<HTMLButtonElement>('pay-device')
  const share = byTestId<HTMLInputElement>('share-identity')
  byTestId('pay-with').dataset.paying = paying
  own.hidden = search.kind !== 'found'
  own.setAttribute('aria-pressed', String(paying === 'brc100'))
  device.setAttribute('aria-pressed', String(paying === 'device'))
  if (search.kind === 'found') setText(byTestId('brc100-identity'), `${shortKey(search.identityKey)} · ${search.network}`)
  setText(
    byTestId('pay-with-status'),
    search.kind === 'wrong_network' ? search.message : search.kind === 'none' ? noWalletText(parts.network) : '',
  )
  byTestId('pay-with-status').dataset.kind = search.kind
  byTestId('share-identity-row').hidden = paying !== 'brc100'
  share.checked = choice.shareIdentity

  const switchTo = (pays: 'brc100' | 'device') => {
    if (pays === paying) return
    if (parts.channelOpen()) {
      setText(byTestId('pay-with-status'), 'Stop and settle the open channel first: it is signed by the wallet that opened it.')
      return
    }
    parts.choose({ pays, shareIdentity: share.checked })
  }
  own.addEventListener('click', () => switchTo('brc100'))
  device.addEventListener('click', () => switchTo('device'))
  share.addEventListener('change', () => parts.choose({ pays: choice.pays, shareIdentity: share.checked }))
}
