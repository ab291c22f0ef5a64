// The honest viewer `npm run chaos` keeps watching while the attacks run: it pays for one segment at a time and
// fetches it, timing each pay-then-fetch, and keeps its own books of what the host accepted, to compare with the close.
import { PrivateKey } from '@bsv/sdk'
import { io } from 'socket.io-client'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import type { SettlementSummary, Terms } from '../../protocol/messages.ts'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'
import { request, type HostSocket } from '../../client/payer/host-request.ts'
import { acceptRefund, openPayerChannel } from '../../client/payer/channel-offer.ts'
import { markDelivered, signSegment, type PayerChannel } from '../../client/payer/payer.ts'

const ANSWER_TIMEOUT_MS = 15_000
const PACE_MS = 40

export interface LegitViewer {
  channelId: string
  /** Satoshis the host acknowledged, by this viewer's own count. */
  accepted(): number
  /** Pays for and fetches segments for `ms`, returning each one's latency; refusals and failures are counted apart. */
  watch(ms: number): Promise<{ latenciesMs: number[]; failures: number }>
  close(): Promise<SettlementSummary>
}

export async function startLegitViewer(url: string, segments: readonly string[], price: number): Promise<LegitViewer> {
  const socket: HostSocket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true })
  const terms = await new Promise<Terms>((resolve, reject) => {
    socket.once('terms', resolve)
    socket.once('connect_error', reject)
  })
  const key = PrivateKey.fromRandom()
  const cap = segments.length * price + 1_000
  const coin = await requestFaucet(`${url}/devnet`, key.toAddress(), cap * 2 + 10_000)
  const opened = openPayerChannel({ payerKey: key, terms, cap, utxos: [coin] })
  const open = await request(socket, 'open', opened.request, ANSWER_TIMEOUT_MS)
  if (!open.ok) throw new Error(`the legitimate viewer's open was refused: ${open.code} ${open.message}`)
  const refund = acceptRefund(opened.channel, opened.refund, opened.refundPayerSignature, open.refundPayeeSignature)
  if (!refund.ok) throw new Error(refund.message)
  const fund = await request(socket, 'fund', { channelId: open.channelId, fundingTx: opened.fundingHex }, ANSWER_TIMEOUT_MS)
  if (!fund.ok) throw new Error(`the legitimate viewer's fund was refused: ${fund.code} ${fund.message}`)
  const { channelId } = open
  const { token } = fund
  let channel: PayerChannel = { ...opened.channel, channelId }
  let next = 0
  let paid = 0

  async function buyOne(): Promise<boolean> {
    const segment = segments[next % segments.length]
    const signed = signSegment(channel, key, segment, price, terms.feeRate)
    if (!signed.ok) throw new Error(`the legitimate viewer cannot sign: ${signed.message}`)
    const reply = await request(socket, 'update', { channelId, tx: signed.tx, segment }, ANSWER_TIMEOUT_MS)
    if (!reply.ok) return false
    channel = signed.channel
    paid = reply.paid
    const res = await fetch(url + segment, { headers: { [TOKEN_HEADER]: token } })
    await res.arrayBuffer()
    if (res.status !== 200) return false
    channel = markDelivered(channel, segment)
    next++
    return true
  }

  return {
    channelId,
    accepted: () => paid,
    async watch(ms) {
      const latenciesMs: number[] = []
      let failures = 0
      const until = Date.now() + ms
      while (Date.now() < until && next < segments.length) {
        const started = performance.now()
        const ok = await buyOne().catch(() => false)
        if (ok) latenciesMs.push(performance.now() - started)
        else failures++
        // A viewer at 2x playback of 1 s segments asks about this often; it also keeps the stream from running out.
        await new Promise((resolve) => setTimeout(resolve, PACE_MS))
      }
      return { latenciesMs, failures }
    },
    async close() {
      const summary = await request(socket, 'close', { channelId }, 60_000)
      socket.disconnect()
      if (!summary.ok) throw new Error(`the legitimate viewer's close was refused: ${summary.code} ${summary.message}`)
      return summary
    },
  }
}
