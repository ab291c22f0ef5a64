// What paying from the viewer's own BRC-100 wallet costs per segment, against this device's wallet: the signature
// alone (the wallet's createSignature over HTTP JSON, through its permission manager, the approval already given;
// the device key signs in process), and a whole segment's payment (sign, send the update, the host's acknowledgement)
// through the same ChannelSession, one segment after another.
import { HTTPWalletJSON, PrivateKey, WalletClient } from '@bsv/sdk'
import { io } from 'socket.io-client'
import { brc100Wallet } from '../../../client/payer/brc100-wallet.ts'
import type { ChannelWallet } from '../../../client/payer/channel-wallet.ts'
import type { HostSocket } from '../../../client/payer/host-request.ts'
import { keyWallet } from '../../../client/payer/key-wallet.ts'
import { ChannelSession } from '../../../client/payer/session.ts'
import { MemoryStorage } from '../../../client/payer/storage.ts'
import { requestFaucet } from '../../../protocol/chain/faucet.ts'
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
}

const spread = (stats: LatencyStats): Spread => ({ p50_ms: roundMs(stats.p50), p95_ms: roundMs(stats.p95), count: stats.count })

/** Opens a channel on the host from `wallet`, then pays for each segment of `playlistPath` in turn; returns each payment's ms. */
async function payEverySegment(hostUrl: string, playlistPath: string, wallet: ChannelWallet, cap: number): Promise<number[]> {
  const socket: HostSocket = io(hostUrl, { transports: ['websocket'], forceNew: true })
  const session = new ChannelSession({ socket, wallet, storage: new MemoryStorage() })
  const http = createHttpClient()
  try {
    const terms = await session.waitForTerms()
    const stream = await loadStream(http, hostUrl, playlistPath, () => terms)
    await session.open(cap)
    const ms: number[] = []
    for (const segment of stream.segments) {
      const started = performance.now()
      const paid = await session.payForSegment(segment.id, stream.media.chargeOf(segment.id))
      if (paid.charged > 0) ms.push(performance.now() - started)
      session.markDelivered(segment.id)
    }
    await session.close()
    return ms
  } finally {
    http.close()
    session.dispose()
    socket.disconnect()
  }
}

/** `walletUrl`: the BRC-100 wallet's HTTP JSON address; it must hold coins on the host's devnet. */
export async function measureWalletCosts(opts: { hostUrl: string; walletUrl: string; playlistPath: string; cap: number; signatures: number }): Promise<WalletCosts> {
  const originator = 'bench.wallet.local'
  const viewerWallet = brc100Wallet({ wallet: new WalletClient(new HTTPWalletJSON(originator, opts.walletUrl), originator), host: new URL(opts.hostUrl).host, stream: () => opts.playlistPath, shareIdentity: () => false })
  const key = PrivateKey.fromRandom()
  const coin = await requestFaucet(`${opts.hostUrl}/devnet`, key.toAddress(), opts.cap * 4)
  const deviceWallet = keyWallet({ key, utxos: async () => [coin] })

  const payDevice = await payEverySegment(opts.hostUrl, opts.playlistPath, deviceWallet, opts.cap)
  const payWallet = await payEverySegment(opts.hostUrl, opts.playlistPath, viewerWallet, opts.cap)

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
    pay: { device: spread(latencyStats(payDevice)), wallet: spread(latencyStats(payWallet)) },
  }
}
