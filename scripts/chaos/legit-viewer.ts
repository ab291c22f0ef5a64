// The honest viewer `npm run chaos` keeps watching while the attacks run: it pays for one segment at a time and
// fetches it, timing each pay-then-fetch, and keeps its own books of what the host accepted, to compare with the close.
// When the host goes away (killed, restarted) it connects again and resumes its channel, as the player does.
import { PrivateKey } from '@bsv/sdk'
import { io } from 'socket.io-client'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import type { SettlementSummary, Terms } from '../../protocol/messages.ts'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'
import { request, type HostSocket } from '../../client/payer/host-request.ts'
import { acceptRefund, openPayerChannel } from '../../client/payer/channel-offer.ts'
import { markDelivered, resumedChannel, signSegment, type PayerChannel } from '../../client/payer/payer.ts'

const ANSWER_TIMEOUT_MS = 15_000
const PACE_MS = 40

export interface LegitViewer {
  channelId: string
  /** Satoshis the host acknowledged, by this viewer's own count. */
  accepted(): number
  /** Times it lost the host and resumed its channel. */
  resumes(): number
  /** Pays for and fetches segments for `ms`, returning each one's latency; refusals and failures are counted apart. */
  watch(ms: number): Promise<{ latenciesMs: number[]; failures: number }>
  close(): Promise<SettlementSummary>
}

function connect(url: string): Promise<{ socket: HostSocket; terms: Terms }> {
  const socket: HostSocket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true })
  return new Promise((resolve, reject) => {
    socket.once('terms', (terms) => resolve({ socket, terms }))
    socket.once('connect_error', (error) => {
      socket.disconnect()
      reject(error)
    })
  })
}

export async function startLegitViewer(url: string, segments: readonly string[], price: number): Promise<LegitViewer> {
  let { socket, terms } = await connect(url)
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
  let resumes = 0

  /** The host's answer, or an error as soon as the connection drops (a killed host never answers). */
  function answer<T>(pending: Promise<T>): Promise<T> {
    const asked = socket
    return new Promise<T>((resolve, reject) => {
      const lost = () => reject(new Error('the connection to the host dropped'))
      asked.once('disconnect', lost)
      pending.then(resolve, reject).finally(() => asked.off('disconnect', lost))
    })
  }

  /** Connects again and takes the channel up where the host's books have it. */
  async function resume(): Promise<void> {
    socket.disconnect()
    ;({ socket, terms } = await connect(url))
    const reply = await request(socket, 'resume', { channelId, token }, ANSWER_TIMEOUT_MS)
    if (!reply.ok) throw new Error(`the legitimate viewer's resume was refused: ${reply.code} ${reply.message}`)
    channel = resumedChannel(channel, reply.lastUpdate)
    paid = reply.paid
    resumes++
  }

  /** Pays for `segment`; true once the host holds its payment. */
  async function pay(segment: string): Promise<boolean> {
    const signed = signSegment(channel, key, segment, price, terms.feeRate)
    if (!signed.ok) throw new Error(`the legitimate viewer cannot sign: ${signed.message}`)
    const reply = await answer(request(socket, 'update', { channelId, tx: signed.tx, segment }, ANSWER_TIMEOUT_MS))
    if (reply.ok) {
      channel = signed.channel
      paid = reply.paid
    }
    // 'replay': the host stored this payment before it died, and the acknowledgement died with it.
    return reply.ok || reply.code === 'replay'
  }

  async function buyOne(): Promise<boolean> {
    if (!socket.connected) await resume()
    const segment = segments[next % segments.length]
    // Paid for but not fetched (the fetch failed): fetch it again, for nothing.
    if (channel.awaitingDelivery !== segment && !(await pay(segment))) return false
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
    resumes: () => resumes,
    async watch(ms) {
      const latenciesMs: number[] = []
      let failures = 0
      const until = Date.now() + ms
      while (Date.now() < until && next < segments.length) {
        const started = performance.now()
        // The host gone, it fails fast and tries to resume at the next turn.
        const ok = await buyOne().catch(() => false)
        if (ok) latenciesMs.push(performance.now() - started)
        else failures++
        // A viewer at 2x playback of 1 s segments asks about this often; it also keeps the stream from running out.
        await new Promise((resolve) => setTimeout(resolve, PACE_MS))
      }
      return { latenciesMs, failures }
    },
    async close() {
      if (!socket.connected) await resume()
      const summary = await request(socket, 'close', { channelId }, 60_000)
      socket.disconnect()
      if (!summary.ok) throw new Error(`the legitimate viewer's close was refused: ${summary.code} ${summary.message}`)
      return summary
    },
  }
}
