// The ledger misbehaves while viewers fund and close: its ARC API, behind the fault proxy, cycles through down, slow,
// 503 and garbage. Funding must be refused cleanly; every close must land, once, for what was accepted.
import { PrivateKey } from '@bsv/sdk'
import { io } from 'socket.io-client'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import type { ChannelRow } from '../../protocol/dashboard.ts'
import type { Terms } from '../../protocol/messages.ts'
import { request, type HostSocket } from '../../client/payer/host-request.ts'
import { openPayerChannel } from '../../client/payer/channel-offer.ts'
import { signSegment } from '../../client/payer/payer.ts'
import { closePays, hostChannels } from './books.ts'
import { channelAttack, type ChannelAttack } from './channel-attack.ts'
import { LEDGER_FAULTS, type FaultyLedger } from './faulty-ledger.ts'

const ANSWER_MS = 40_000

export function ledgerFaults(ledger: FaultyLedger, adminToken: string, price: number): ChannelAttack {
  return channelAttack('ledger down/slow/503/garbage', async (ctx, { tally, violations, lose }) => {
    const accepted = new Map<string, number>()
    const until = Date.now() + ctx.durationMs
    let cases = 0
    let socket: HostSocket | null = null
    for (let round = 0; Date.now() < until && cases < Math.min(ctx.maxCases, 24); round++) {
      cases++
      // A connection per round: an open whose funding the ledger refused stays pending on its connection, and a
      // connection holds only a few.
      socket?.disconnect()
      socket = io(ctx.url, { transports: ['websocket'], reconnection: false, forceNew: true })
      const terms = await new Promise<Terms>((resolve) => socket!.once('terms', resolve))
      const key = PrivateKey.fromRandom()
      const coin = await requestFaucet(`${ctx.url}/devnet`, key.toAddress(), 20_000)
      const opened = openPayerChannel({ payerKey: key, terms, cap: 5_000, utxos: [coin] })
      const open = await request(socket, 'open', opened.request, ANSWER_MS)
      if (!open.ok) throw new Error(`open refused: ${open.code}`)
      ledger.fault = LEDGER_FAULTS[round % LEDGER_FAULTS.length]
      const fund = await request(socket, 'fund', { channelId: open.channelId, fundingTx: opened.fundingHex }, ANSWER_MS)
      tally(`fund ${ledger.fault}: ${fund.ok ? 'ok' : fund.code}`)
      ledger.fault = 'none'
      if (!fund.ok) continue
      const segment = ctx.segment
      const signed = signSegment({ ...opened.channel, channelId: open.channelId }, key, segment, price, terms.feeRate)
      if (!signed.ok) throw new Error(signed.message)
      const paid = await request(socket, 'update', { channelId: open.channelId, tx: signed.tx, segment }, ANSWER_MS)
      if (!paid.ok) continue
      accepted.set(open.channelId, paid.paid)
      ledger.fault = LEDGER_FAULTS[(round + 1) % LEDGER_FAULTS.length]
      const close = await request(socket, 'close', { channelId: open.channelId }, ANSWER_MS)
      tally(`close ${ledger.fault}: ${close.ok ? 'ok' : close.code}`)
      ledger.fault = 'none'
    }
    socket?.disconnect()
    // The ledger healthy again: every close the faults held back must land within the retry schedule.
    const deadline = Date.now() + 45_000
    let rows: ChannelRow[] = []
    for (;;) {
      rows = (await hostChannels(ctx.url, adminToken)).filter((row) => accepted.has(row.id))
      if (rows.every((row) => row.state === 'closed') || Date.now() > deadline) break
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    for (const [id, paid] of accepted) {
      const row = rows.find((r) => r.id === id)
      if (row?.state !== 'closed' || !row.closeTxid) {
        violations.push(`channel ${id} not settled after the ledger came back (${row?.state})`)
        lose(paid)
        continue
      }
      const settled = await closePays(ctx.url, row.closeTxid)
      if (settled !== paid) violations.push(`channel ${id}: accepted ${paid}, close pays ${settled}`)
      lose(paid - settled)
    }
    const distinctCloses = new Set(ledger.broadcastTxids).size
    tally(`broadcasts ${ledger.broadcastTxids.length}, distinct txs ${distinctCloses}`)
    return cases
  })
}
