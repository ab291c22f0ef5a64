// Finding the viewer's own BRC-100 wallet: WalletClient('auto') tries, in order, an injected window.CWI, the local
// wallet ports (3301, then HTTPS 2121, then HTTP 3321, where BSV Desktop listens), React Native and, in a frame, the
// parent window. A wallet must be on the host's network: coins of one network cannot fund a channel on another.
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

/**
 * Looks for the viewer's wallet; `connect` is the substrate (WalletClient('auto') in a page). Only reaching it is
 * timed: its identity key may wait for the viewer to approve it in the wallet.
 */
export async function findWallet(host: Network, connect: () => WalletInterface = () => new WalletClient('auto'), timeoutMs = WALLET_SEARCH_MS): Promise<WalletSearch> {
  const wallet = connect()
  let timer: ReturnType<typeof setTimeout> | undefined
  const gaveUp = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)))
  const reached = wallet.getNetwork({}).then(({ network }) => network, () => null)
  const network = await Promise.race([reached, gaveUp]).finally(() => clearTimeout(timer))
  if (network === null) return { kind: 'none' }
  const problem = walletNetworkProblem(host, network)
  if (problem !== null) return { kind: 'wrong_network', network, message: problem }
  try {
    const { publicKey } = await wallet.getPublicKey({ identityKey: true })
    return { kind: 'found', wallet, identityKey: publicKey, network }
  } catch {
    return { kind: 'none' }
  }
}
