// What paying from the viewer's own BRC-100 wallet costs per segment, against this device's wallet: the signature
// alone (the wallet's createSignature over HTTP JSON, through its permission manager, the approval already given;
// the device key signs in process), and a whole segment's payment (sign, send the update, the host's acknowledgement)
// through the same ChannelSession, one segment after another; and the channel's whole open.
import { HTTPWalletJSON, PrivateKey, WalletClient } from '@bsv/sdk'
import { io } from 'socket.io-client'
import { brc100Wallet } from '../../../client/payer/brc100-wallet.ts'
import type { ChannelWallet } from '../../../client/payer/channel-wallet.ts'
import type { HostSocket } from '../../../client/payer/host-request.ts'
import { keyWallet } from '../../../client/payer/key-wallet.ts'
import { ChannelSession } from '../../../client/payer/session.ts'
import { MemoryStorage } from '../../../client/payer/storage.ts'
import { requestFaucet } from '../../../protocol/chain/faucet.ts'
import { WhatsOnChainClient } from '../../../protocol/chain/whatsonchain.ts'
import { channelSighashPreimage, buildUpdate } from '../../../protocol/transactions.ts'
import { createHttpClient } from '../../fleet/http-client.ts'
import { latencyStats, roundMs, type LatencyStats } from '../../fleet/percentiles.ts'
import { loadStream } from '../../fleet/playlist.ts'

export interface Spread {
  p50_ms: number | null
  p95_ms: number | null
  count: number
}

export interface WalletCosts {
  sign: { device: Spread; wallet: Spread }
  pay: { device: Spread; wallet: Spread }
  /** The viewer's whole open (keys, funding, refund signed, co-signed and checked, funding sent), approvals given. */
  open: { device: Spread; wallet: Spread }
}

const spread = (stats: LatencyStats): Spread => ({ p50_ms: roundMs(stats.p50), p95_ms: roundMs(stats.p95), count: stats.count })

/** Opens a channel on the host from `wallet` and pays for each segment of `playlistPath` in turn: the open's ms, each payment's. */
async function payEverySegment(hostUrl: string, playlistPath: string, wallet: ChannelWallet, cap: number): Promise<{ open: number; pay: number[] }> {
  const socket: HostSocket = io(hostUrl, { transports: ['websocket'], forceNew: true })
  const session = new ChannelSession({ socket, wallet, storage: new MemoryStorage() })
  const http = createHttpClient()
  try {
    const terms = await session.waitForTerms()
    const stream = await loadStream(http, hostUrl, playlistPath, () => terms)
    const opening = performance.now()
    await session.open(cap)
    const open = performance.now() - opening
    const ms: number[] = []
    for (const segment of stream.segments) {
      const started = performance.now()
      const paid = await session.payForSegment(segment.id, stream.media.chargeOf(segment.id))
      if (paid.charged > 0) ms.push(performance.now() - started)
      session.markDelivered(segment.id)
    }
    await session.close()
    return { open, pay: ms }
  } finally {
    http.close()
    session.dispose()
    socket.disconnect()
  }
}

/** `walletUrl`: the BRC-100 wallet's HTTP JSON address; it must hold coins on the host's devnet. */
export async function measureWalletCosts(opts: { hostUrl: string; walletUrl: string; playlistPath: string; cap: number; signatures: number; channels: number }): Promise<WalletCosts> {
  const originator = 'bench.wallet.local'
  const viewerWallet = brc100Wallet({ wallet: new WalletClient(new HTTPWalletJSON(originator, opts.walletUrl), originator), host: new URL(opts.hostUrl).host, stream: () => opts.playlistPath, shareIdentity: () => false })
  const key = PrivateKey.fromRandom()
  const address = key.toAddress()
  await requestFaucet(`${opts.hostUrl}/devnet`, address, (opts.channels + 1) * opts.cap * 4)
  // Each channel's funding leaves change behind: the device wallet reads its coins from the ledger, as the player does.
  const ledger = new WhatsOnChainClient({ baseUrl: `${opts.hostUrl}/devnet/woc/v1/bsv/devnet` })
  const deviceWallet = keyWallet({ key, utxos: async () => (await ledger.unspent(address)).map(({ txid, vout, satoshis }) => ({ txid, vout, satoshis })) })

  const device: Array<{ open: number; pay: number[] }> = []
  const wallet: Array<{ open: number; pay: number[] }> = []
  // The first of each warms up (the wallet's approvals); the rest are measured, one kind after the other.
  for (let i = 0; i <= opts.channels; i++) {
    device.push(await payEverySegment(opts.hostUrl, opts.playlistPath, deviceWallet, opts.cap))
    wallet.push(await payEverySegment(opts.hostUrl, opts.playlistPath, viewerWallet, opts.cap))
  }
  const measured = (runs: Array<{ open: number; pay: number[] }>) => runs.slice(1)

  // One channel's update digest, signed over and over: what each segment asks of the signer.
  const terms = { payeePublicKey: PrivateKey.fromRandom().toPublicKey().toString() }
  const keys = await viewerWallet.channelKeys({ ...terms } as Parameters<ChannelWallet['channelKeys']>[0])
  const funding = { txid: 'ab'.repeat(32), vout: 0, satoshis: 10_000 }
  const parties = { payerPublicKey: keys.payerPublicKey, payeePublicKey: terms.payeePublicKey }
  const update = buildUpdate({ ...parties, funding, paid: 100, feeRate: { satoshis: 100, bytes: 1000 }, payoutScript: keys.payerScript! })
  const preimage = channelSighashPreimage(update, funding, parties)
  const time = async (sign: () => Promise<string>): Promise<number[]> => {
    await sign() // the approval, and warm caches
    const ms: number[] = []
    for (let i = 0; i < opts.signatures; i++) {
      const started = performance.now()
      await sign()
      ms.push(performance.now() - started)
    }
    return ms
  }
  const signWallet = await time(() => viewerWallet.sign({ ...parties, wallet: keys.wallet }, preimage))
  const signDevice = await time(() => deviceWallet.sign({ payerPublicKey: key.toPublicKey().toString(), payeePublicKey: terms.payeePublicKey }, preimage))
  return {
    sign: { device: spread(latencyStats(signDevice)), wallet: spread(latencyStats(signWallet)) },
    pay: { device: spread(latencyStats(measured(device).flatMap((run) => run.pay))), wallet: spread(latencyStats(measured(wallet).flatMap((run) => run.pay))) },
    open: { device: spread(latencyStats(measured(device).map((run) => run.open))), wallet: spread(latencyStats(measured(wallet).map((run) => run.open))) },
  }
}
