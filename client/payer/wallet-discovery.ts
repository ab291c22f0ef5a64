// Finding the viewer's own BRC-100 wallet where WalletClient('auto') looks, in its order: an injected window.CWI, the
// local wallet ports (3301, then HTTPS 2121, then HTTP 3321, where BSV Desktop listens), React Native, and last the
// parent window (XDM), whose answer 'auto' awaits for 200 ms. A page that is no frame has no parent window to ask, and
// a viewer without a wallet would wait those 200 ms before their channel opens: there the search asks only the others.
// A wallet must be on the host's network: coins of one network cannot fund a channel on another.
import { WalletClient, type WalletInterface } from '@bsv/sdk'
import type { Network } from '../../protocol/messages.ts'

export type WalletNetwork = 'mainnet' | 'testnet'

export type WalletSearch =
  | { kind: 'found'; wallet: WalletInterface; identityKey: string; network: WalletNetwork }
  /** A wallet answered, on another network than the host's: it is not used. */
  | { kind: 'wrong_network'; network: WalletNetwork; message: string }
  | { kind: 'none' }

/** How long the player looks before it goes on with this device's wallet. */
export const WALLET_SEARCH_MS = 3_000

/**
 * Why a wallet on `wallet` cannot pay a host on `host`, or null when it can. The devnet is a test chain: it takes
 * testnet wallets (test coins only), never a mainnet one.
 */
export function walletNetworkProblem(host: Network, wallet: WalletNetwork): string | null {
  const wanted: WalletNetwork = host === 'mainnet' ? 'mainnet' : 'testnet'
  if (wallet === wanted) return null
  const coins = host === 'devnet' ? "this host runs on its devnet, which takes only a testnet wallet's coins" : `this host takes ${host} coins`
  return `Your BSV wallet is on ${wallet}, and ${coins}. Switch your wallet to ${wanted}, or pay with this device's wallet.`
}

/** The wallet's identity key shortened for the page: 02abcd…ef12. */
export function shortKey(publicKey: string): string {
  return publicKey.length > 14 ? `${publicKey.slice(0, 6)}…${publicKey.slice(-4)}` : publicKey
}

/** WalletClient('auto')'s substrates but the parent window, in its order of preference. */
const NOT_IN_A_FRAME = ['window.CWI', 'Cicada', 'secure-json-api', 'json-api', 'react-native'] as const

/** Where this page may find a wallet, best first: in a frame, WalletClient('auto') (the parent window included). */
function pageWallets(): WalletInterface[] {
  if (typeof window === 'undefined' || window.parent !== window) return [new WalletClient('auto')]
  return NOT_IN_A_FRAME.flatMap((substrate) => {
    try {
      return [new WalletClient(substrate)]
    } catch {
      // Not on this page (no window.CWI, no React Native bridge).
      return []
    }
  })
}

/** The first of `wallets` that answers, with its network; null when none does. */
async function firstAnswering(wallets: readonly WalletInterface[]): Promise<{ wallet: WalletInterface; network: WalletNetwork } | null> {
  const networks = await Promise.all(wallets.map((wallet) => wallet.getNetwork({}).then(({ network }) => network, () => null)))
  const index = networks.findIndex((network) => network !== null)
  return index < 0 ? null : { wallet: wallets[index], network: networks[index]! }
}

/**
 * Looks for the viewer's wallet among `candidates` (pageWallets() in a page). Only reaching it is timed: its identity
 * key may wait for the viewer to approve it in the wallet.
 */
export async function findWallet(host: Network, candidates: () => WalletInterface[] = pageWallets, timeoutMs = WALLET_SEARCH_MS): Promise<WalletSearch> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const gaveUp = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)))
  const reached = await Promise.race([firstAnswering(candidates()), gaveUp]).finally(() => clearTimeout(timer))
  if (reached === null) return { kind: 'none' }
  const { wallet, network } = reached
  const problem = walletNetworkProblem(host, network)
  if (problem !== null) return { kind: 'wrong_network', network, message: problem }
  try {
    const { publicKey } = await wallet.getPublicKey({ identityKey: true })
    return { kind: 'found', wallet, identityKey: publicKey, network }
  } catch {
    return { kind: 'none' }
  }
}
