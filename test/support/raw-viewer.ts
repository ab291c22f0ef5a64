// A viewer built from the pure payer pieces and a bare socket, so tests can also send what a real player never would.
import { PrivateKey } from '@bsv/sdk'
import { io } from 'socket.io-client'
import { requestFaucet, type FaucetPayment } from '../../protocol/chain/faucet.ts'
import type { ClientEvent, Reply, ReplyOf, RequestOf, Terms } from '../../protocol/messages.ts'
import { request, type HostSocket } from '../../client/payer/host-request.ts'
import { acceptRefund, openPayerChannel } from '../../client/payer/channel-offer.ts'
import { markDelivered, signSegment, signTip, type PayerChannel } from '../../client/payer/payer.ts'

export type ViewerSocket = HostSocket

export interface RawViewer {
  socket: ViewerSocket
  key: PrivateKey
  terms: Terms
  channel: PayerChannel
  channelId: string
  token: string
  refundHex: string
  /** The faucet coin the funding spends: spending it elsewhere double-spends the funding. */
  coin: FaucetPayment
  /** Signs and sends the update for a segment; the channel advances only when the host accepts. */
  pay(segment: string, price: number): Promise<Reply<{ sequence: number; paid: number }>>
  tip(amount: number): Promise<Reply<{ sequence: number; paid: number }>>
  delivered(segment: string): void
  send<E extends ClientEvent>(event: E, payload: RequestOf<E>): Promise<ReplyOf<E>>
  disconnect(): void
}

export function connect(url: string): Promise<{ socket: ViewerSocket; terms: Terms }> {
  const socket: ViewerSocket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true })
  return new Promise((resolve, reject) => {
    socket.once('terms', (terms) => resolve({ socket, terms }))
    socket.once('connect_error', reject)
  })
}

/** How long a test waits for the host's answer before failing. */
const ANSWER_TIMEOUT_MS = 20_000

export function send<E extends ClientEvent>(socket: ViewerSocket, event: E, payload: RequestOf<E>): Promise<ReplyOf<E>> {
  return request(socket, event, payload, ANSWER_TIMEOUT_MS)
}

/** A channel the host co-signed the refund of and that waits for its funding: what a viewer has before "fund". */
export interface OfferedChannel {
  socket: ViewerSocket
  key: PrivateKey
  terms: Terms
  channel: PayerChannel
  coin: FaucetPayment
  refundHex: string
  /** The token "open" answered with: it opens nothing until the channel is funded. */
  token: string
  /** The "fund" request that makes the channel live, the funding's parent alongside. */
  fund: RequestOf<'fund'>
}

export async function offerRawChannel(url: string, cap: number, key = PrivateKey.fromRandom()): Promise<OfferedChannel> {
  const { socket, terms } = await connect(url)
  const funds = await requestFaucet(`${url}/devnet`, key.toAddress(), cap * 2 + 10_000)
  const opened = openPayerChannel({ payerKey: key, terms, cap, utxos: [funds] })
  const open = await send(socket, 'open', opened.request)
  if (!open.ok) throw new Error(`open refused: ${open.code} ${open.message}`)
  const refund = acceptRefund(opened.channel, opened.refund, opened.refundPayerSignature, open.refundPayeeSignature)
  if (!refund.ok) throw new Error(refund.message)
  // The funding's parent travels with it, so the host broadcasts it in Extended Format, as the player does.
  const parent = await (await fetch(`${url}/devnet/woc/v1/bsv/devnet/tx/${funds.txid}/hex`)).text()
  return {
    socket,
    key,
    terms,
    channel: { ...opened.channel, channelId: open.channelId },
    coin: funds,
    refundHex: refund.refundHex,
    token: open.token,
    fund: { channelId: open.channelId, fundingTx: opened.fundingHex, fundingParents: [parent] },
  }
}

export async function openRawViewer(url: string, cap: number, key = PrivateKey.fromRandom()): Promise<RawViewer> {
  const { socket, terms, channel, coin, refundHex, fund: fundRequest } = await offerRawChannel(url, cap, key)
  const fund = await send(socket, 'fund', fundRequest)
  if (!fund.ok) throw new Error(`fund refused: ${fund.code} ${fund.message}`)
  const viewer: RawViewer = {
    socket,
    key,
    terms,
    channel,
    channelId: fundRequest.channelId,
    token: fund.token,
    refundHex,
    coin,
    async pay(segment, price) {
      const signed = signSegment(viewer.channel, key, segment, price, terms.feeRate)
      if (!signed.ok) throw new Error(`payer refused to sign: ${signed.reason}`)
      const reply = await send(socket, 'update', { channelId: viewer.channelId, tx: signed.tx, segment })
      if (reply.ok) viewer.channel = signed.channel
      return reply
    },
    async tip(amount) {
      const signed = signTip(viewer.channel, key, amount, terms.feeRate)
      if (!signed.ok) throw new Error(`payer refused to sign: ${signed.reason}`)
      const reply = await send(socket, 'tip', { channelId: viewer.channelId, tx: signed.tx, amount })
      if (reply.ok) viewer.channel = signed.channel
      return reply
    },
    delivered(segment) {
      viewer.channel = markDelivered(viewer.channel, segment)
    },
    send: (event, payload) => send(socket, event, payload),
    disconnect: () => socket.disconnect(),
  }
  return viewer
}
