// Which wallet pays, as the viewer chose: their own BSV (BRC-100) wallet when one was found, offered first, or this
// device's wallet; and whether hosts may know them by their wallet's identity key. Pure, with storage at the edge.
import type { WalletSearch } from '../payer/wallet-discovery.ts'
import { readJson, writeJson, type KeyValueStorage } from '../payer/storage.ts'

export const WALLET_CHOICE_KEY = 'p2p.wallet.choice'

export interface WalletChoice {
  /** null until the viewer picks: their own wallet is used whenever one is found. */
  pays: 'brc100' | 'device' | null
  /** Send the wallet's identity key with each new channel, so the host knows a returning viewer. Off unless chosen. */
  shareIdentity: boolean
}

export function parseWalletChoice(value: unknown): WalletChoice {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  return { pays: v.pays === 'brc100' || v.pays === 'device' ? v.pays : null, shareIdentity: v.shareIdentity === true }
}

export function loadWalletChoice(storage: KeyValueStorage): WalletChoice {
  return parseWalletChoice(readJson(storage, WALLET_CHOICE_KEY))
}

export function saveWalletChoice(storage: KeyValueStorage, choice: WalletChoice): void {
  writeJson(storage, WALLET_CHOICE_KEY, choice)
}

/** The wallet that pays this page: the viewer's own when found and not declined, else this device's. */
export function payingWallet(choice: WalletChoice, search: WalletSearch): 'brc100' | 'device' {
  return search.kind === 'found' && choice.pays !== 'device' ? 'brc100' : 'device'
}
