// The fleet paying from one BRC-100 wallet, the way a viewer with a desktop wallet pays: a real @bsv/wallet-toolbox
// wallet on the host's devnet, funded from its faucet with one coin per viewer (a funding not yet sent cannot lend
// its change to the next one) and one for the wallet's own permission tokens, reached over BRC-100's HTTP JSON by each
// viewer's WalletClient, its prompts approved.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HTTPWalletJSON, WalletClient } from '@bsv/sdk'
import { brc100Wallet } from '../../client/payer/brc100-wallet.ts'
import type { ChannelWallet } from '../../client/payer/channel-wallet.ts'
import type { FeeRate } from '../../protocol/messages.ts'
import { openDevnetWallet } from '../devnet-wallet/devnet-wallet.ts'
import { serveWalletHttp } from '../devnet-wallet/wallet-http.ts'
import { FAUCET_CAP } from './fleet-wallet.ts'

/** The app name the fleet's viewers give the wallet. */
export const FLEET_ORIGINATOR = 'viewers.fleet.local'
/** Room above each viewer's coin for a funding the wallet may build with more change outputs than estimated. */
export const WALLET_COIN_HEADROOM = 1_000
/** Coins taken in per faucet payment (one block mined each): well under the faucet's cap and the devnet's tx size. */
const COINS_PER_FUNDING = 2_000

export interface FleetWallet {
  readonly wallet: ChannelWallet
  /** Prompts the wallet answered (each viewer after the first should need none). */
  approvals(): number
  close(): Promise<void>
}

async function mineOne(devnetBaseUrl: string): Promise<void> {
  const res = await fetch(`${devnetBaseUrl}/mine`, { method: 'POST' })
  if (!res.ok) throw new Error(`the devnet would not mine a block for the fleet's wallet (HTTP ${res.status}): ${await res.text()}`)
}

export async function startFleetWallet(p: { url: string; playlistPath: string; devnetBaseUrl: string; feeRate: FeeRate; count: number; satoshisEach: number }): Promise<FleetWallet> {
  const dataDir = mkdtempSync(join(tmpdir(), 'p2p-fleet-wallet-'))
  const devnet = await openDevnetWallet({ devnetBaseUrl: p.devnetBaseUrl, dataDir, feeRate: p.feeRate, mine: () => mineOne(p.devnetBaseUrl) })
  try {
    // The toolbox by default wants 144 change coins and pulls extra coins into a funding to make more: viewers funding
    // at once then take each other's coins, and the last one finds too little free (seen in CI). Wanting one, every
    // funding takes a single coin; the spare coin pays the permission tokens the first viewer's prompts make.
    await devnet.wallet.setWalletChangeParams(1, p.satoshisEach)
    const perFunding = Math.max(1, Math.min(COINS_PER_FUNDING, Math.floor(FAUCET_CAP / (2 * p.satoshisEach))))
    for (let left = p.count + 1; left > 0; left -= perFunding) await devnet.fund(Array(Math.min(left, perFunding)).fill(p.satoshisEach))
    const http = await serveWalletHttp(devnet.apps, 0)
    const client = new WalletClient(new HTTPWalletJSON(FLEET_ORIGINATOR, http.url), FLEET_ORIGINATOR)
    const wallet = brc100Wallet({ wallet: client, host: new URL(p.url).host, stream: () => p.playlistPath, shareIdentity: () => false })
    return {
      wallet,
      approvals: () => devnet.approvals.length,
      async close() {
        await http.close()
        await devnet.close()
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await devnet.close()
    rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
}
