// One funding outpoint for many channels: each round opens, funds and pays a real channel on an outpoint of its own,
// then tries to back more channels with that outpoint, with fresh payer-signed refunds, while the channel is live and
// again once its close has spent the outpoint. The host must accept none of them, and every close must pay what its
// channel accepted.
import { PrivateKey } from '@bsv/sdk'
import { io } from 'socket.io-client'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import type { Terms } from '../../protocol/messages.ts'
import { request, type HostSocket } from '../../client/payer/host-request.ts'
import { openPayerChannel } from '../../client/payer/channel-offer.ts'
import { signSegment } from '../../client/payer/payer.ts'
import { closePays } from './books.ts'
import { channelAttack, type ChannelAttack } from './channel-attack.ts'

const ANSWER_MS = 20_000
const ROUNDS = 12
/** How many blocks later each fresh refund's lock time is: the host takes up to three blocks either way. */
const LATER_REFUNDS = [1, 2, 3]

export function outpointReuse(price: number): ChannelAttack {
  return channelAttack('outpoint reuse', async (ctx, books) => {
    const tally = (moment: string, reply: { ok: boolean; code?: string }) => {
      books.tally(`${moment}: ${reply.ok ? 'accepted' : reply.code}`)
      if (reply.ok) books.violations.push(`a second channel on one outpoint was accepted (${moment})`)
    }
    const until = Date.now() + ctx.durationMs
    let cases = 0
    for (let round = 0; round < ROUNDS && Date.now() < until && cases < ctx.maxCases; round++) {
      const socket: HostSocket = io(ctx.url, { transports: ['websocket'], reconnection: false, forceNew: true })
      try {
        const terms = await new Promise<Terms>((resolve) => socket.once('terms', resolve))
        const key = PrivateKey.fromRandom()
        const coin = await requestFaucet(`${ctx.url}/devnet`, key.toAddress(), 20_000)
        // One coin and one cap make the same funding tx every time; only the refund's lock time differs.
        const onOutpoint = (later: number) => openPayerChannel({ payerKey: key, terms: { ...terms, height: terms.height + later }, cap: 5_000, utxos: [coin] })
        const first = onOutpoint(0)
        const open = await request(socket, 'open', first.request, ANSWER_MS)
        if (!open.ok) throw new Error(`open refused: ${open.code}`)
        const fund = await request(socket, 'fund', { channelId: open.channelId, fundingTx: first.fundingHex }, ANSWER_MS)
        if (!fund.ok) throw new Error(`fund refused: ${fund.code}`)
        const signed = signSegment({ ...first.channel, channelId: open.channelId }, key, ctx.segment, price, terms.feeRate)
        if (!signed.ok) throw new Error(signed.message)
        const paid = await request(socket, 'update', { channelId: open.channelId, tx: signed.tx, segment: ctx.segment }, ANSWER_MS)
        for (const later of LATER_REFUNDS) {
          cases++
          tally('open while live', await request(socket, 'open', onOutpoint(later).request, ANSWER_MS))
        }
        const close = await request(socket, 'close', { channelId: open.channelId }, ANSWER_MS)
        if (!close.ok) throw new Error(`close refused: ${close.code}`)
        cases++
        tally('open once spent', await request(socket, 'open', onOutpoint(LATER_REFUNDS[0]).request, ANSWER_MS))
        const accepted = paid.ok ? paid.paid : 0
        const settled = close.closeTxid ? await closePays(ctx.url, close.closeTxid) : 0
        if (settled !== accepted) books.violations.push(`channel ${open.channelId}: accepted ${accepted}, close pays ${settled}`)
        books.lose(accepted - settled)
      } finally {
        socket.disconnect()
      }
    }
    return cases
  })
}
