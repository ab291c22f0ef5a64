// Time to first frame in Chromium, paying from the viewer's own BRC-100 wallet against paying from this device's
// wallet, loads interleaved so drift hits both. A device-wallet viewer has no wallet on their computer: the player
// still looks for one first (WalletClient('auto') tries the local ports, then a parent frame), and that search is
// part of what is measured. The wallet's first load carries its approval prompts and is reported apart.
import type { Browser } from 'playwright-core'
import { PrivateKey } from '@bsv/sdk'
import { DEFAULT_WALLET_KEY } from '../../../client/payer/wallet.ts'
import { WALLET_CHOICE_KEY } from '../../../client/player/wallet-choice.ts'
import { requestFaucet } from '../../../protocol/chain/faucet.ts'
import { latencyStats, roundMs } from '../../fleet/percentiles.ts'
import { timeToFirstFrame } from '../ttff/first-frame.ts'

export interface WalletTtff {
  device_ms: number | null
  wallet_ms: number | null
  wallet_minus_device_ms: number | null
  /** The wallet's first load: its approvals (answered at once by the bench's wallet) included. */
  wallet_first_ms: number
  loads: number
}

export async function measureWalletTtff(opts: {
  browser: Browser
  hostUrl: string
  stream: string
  loads: number
  /** Serves the wallet on its port, or takes it away: a device-wallet viewer has none. */
  walletOnline: (online: boolean) => Promise<void>
}): Promise<WalletTtff> {
  const url = `${opts.hostUrl}/?stream=${encodeURIComponent(opts.stream)}`
  const ownWallet = { [WALLET_CHOICE_KEY]: JSON.stringify({ pays: 'brc100', shareIdentity: false }) }
  await opts.walletOnline(true)
  const first = await timeToFirstFrame(opts.browser, { url, storage: ownWallet })
  const device: number[] = []
  const wallet: number[] = []
  for (let i = 0; i < opts.loads; i++) {
    await opts.walletOnline(false)
    // A funded device wallet, so the load measures paying, not the faucet of a first devnet visit.
    const key = PrivateKey.fromRandom()
    await requestFaucet(`${opts.hostUrl}/devnet`, key.toAddress(), 50_000)
    device.push(await timeToFirstFrame(opts.browser, { url, storage: { [DEFAULT_WALLET_KEY]: key.toWif() } }))
    await opts.walletOnline(true)
    wallet.push(await timeToFirstFrame(opts.browser, { url, storage: ownWallet }))
  }
  const deviceMs = roundMs(latencyStats(device).p50)
  const walletMs = roundMs(latencyStats(wallet).p50)
  return {
    device_ms: deviceMs,
    wallet_ms: walletMs,
    wallet_minus_device_ms: deviceMs !== null && walletMs !== null ? Math.round((walletMs - deviceMs) * 10) / 10 : null,
    wallet_first_ms: first,
    loads: opts.loads,
  }
}
