// Chain reorganisations take back the block holding a live channel's funding (the devnet's test mode, POST
// /devnet/test/reorg). Back in the mempool, the funding still stands: the channel keeps serving and its close pays what
// was acknowledged. Replaced by a conflicting spend of its coin, the funding is gone: the host stops serving the
// channel, tells the viewer why, and takes none of its payments. What the channel was paid before the reorg goes with
// its funding (a risk of serving on unconfirmed and shallow fundings, not a fault): counted apart, as written off.
import { PrivateKey } from '@bsv/sdk'
import type { FundingLostNotice, SettlementSummary } from '../../protocol/messages.ts'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'
import { buildSignedP2pkhTx } from '../../devnet/p2pkh.ts'
import type { ReorgOutcome } from '../../devnet/reorg.ts'
import { openRawViewer, type RawViewer } from '../../test/support/raw-viewer.ts'
import { closePays } from './books.ts'
import { channelAttack, type ChannelAttack } from './channel-attack.ts'

/** Each reorg is a new channel and a faucet payment: a few, alternating the two kinds. */
const ROUNDS = 4
/** The host looks at each funding every second on devnet. */
const NOTICE_MS = 15_000
/** Paying on, after a reorg that left the funding standing, for longer than the host takes to look at it. */
const KEEP_PAYING_MS = 2_500
/** Below the host's per-connection message rate. */
const PACE_MS = 50

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as T
}

/** One channel through one reorg: its viewer, and the class's books. */
interface Round {
  url: string
  devnetUrl: string
  viewer: RawViewer
  segments: readonly string[]
  price: number
  /** What the host acknowledged on this channel. */
  accepted: number
  next: number
  tally(key: string): void
  violations: string[]
}

async function fetchStatus(round: Round, segment: string): Promise<number> {
  const res = await fetch(round.url + segment, { headers: { [TOKEN_HEADER]: round.viewer.token } })
  await res.arrayBuffer()
  return res.status
}

/** Pays for the next segment and fetches it: what the host answered to each. */
async function buy(round: Round): Promise<{ paid: string; status: number }> {
  const segment = round.segments[round.next % round.segments.length]
  const reply = await round.viewer.pay(segment, round.price)
  const status = await fetchStatus(round, segment)
  if (reply.ok) {
    round.accepted = reply.paid
    round.viewer.delivered(segment)
    round.next++
  }
  return { paid: reply.ok ? 'paid' : reply.code, status }
}

/** Returns what was lost: acknowledged, and not paid by the close on the ledger. */
async function backToMempool(round: Round): Promise<number> {
  const outcome = await post<ReorgOutcome>(`${round.devnetUrl}/test/reorg`, { blocks: 1 })
  if (!outcome.mempool.includes(round.viewer.channel.funding.txid)) throw new Error('the reorg did not put the funding back in the mempool')
  for (const stop = Date.now() + KEEP_PAYING_MS; Date.now() < stop; ) {
    const { paid, status } = await buy(round)
    round.tally(`back to mempool: ${paid}, GET ${status}`)
    if (paid !== 'paid' || status !== 200) round.violations.push(`a funding back in the mempool stopped its channel: ${paid}, GET ${status}`)
    await new Promise((resolve) => setTimeout(resolve, PACE_MS))
  }
  const close = await round.viewer.send('close', { channelId: round.viewer.channelId })
  const settled = close.ok && close.closeTxid ? await closePays(round.url, close.closeTxid) : 0
  if (settled !== round.accepted) round.violations.push(`channel ${round.viewer.channelId}: acknowledged ${round.accepted}, the close on the ledger pays ${settled}`)
  return round.accepted - settled
}

/** A conflicting spend of the funding's coin takes its place. Returns what was lost: payments taken after it. */
async function replaceFunding(round: Round): Promise<number> {
  const { viewer, tally, violations } = round
  const writtenOff = round.accepted
  tally(`replaced: ${writtenOff} sat written off with the funding`)
  const told = new Promise<string>((resolve) => {
    viewer.socket.once('fundingLost', (notice: FundingLostNotice) => resolve(notice.reason))
    viewer.socket.once('settled', (summary: SettlementSummary) => resolve(summary.reason))
    setTimeout(() => resolve('nothing'), NOTICE_MS)
  })
  const rival = await buildSignedP2pkhTx({ key: viewer.key, inputs: [viewer.coin], outputs: [{ address: PrivateKey.fromRandom().toAddress(), satoshis: viewer.coin.satoshis - 500 }] })
  const fundingTxid = viewer.channel.funding.txid
  const outcome = await post<ReorgOutcome>(`${round.devnetUrl}/test/reorg`, { blocks: 1, replace: [{ txid: fundingTxid, rawTx: rival.toHex() }] })
  if (!outcome.replaced.includes(fundingTxid)) throw new Error('the reorg did not replace the funding')
  const reason = await told
  tally(`replaced: viewer told ${reason}`)
  if (reason === 'nothing') violations.push(`the viewer of a replaced funding heard nothing within ${NOTICE_MS} ms`)
  const { paid, status } = await buy(round)
  const paidBefore = await fetchStatus(round, round.segments[0])
  tally(`replaced: ${paid}, GET ${status}, GET of a segment paid before ${paidBefore}`)
  if (paid === 'paid' || status === 200 || paidBefore === 200) violations.push(`a channel whose funding was replaced was still served: ${paid}, GET ${status}, ${paidBefore}`)
  // A payment taken on a funding that is gone is money the host counts and can never collect.
  return round.accepted - writtenOff
}

/** `devnetUrl` is the devnet's base (…/devnet), started with test mode on. */
export function chainReorgs(devnetUrl: string, price: number, segments: readonly string[]): ChannelAttack {
  return channelAttack('chain reorg of a funding', async (ctx, { tally, violations, lose }) => {
    const until = Date.now() + ctx.durationMs
    let cases = 0
    for (; cases < Math.min(ROUNDS, ctx.maxCases) && Date.now() < until; cases++) {
      const viewer = await openRawViewer(ctx.url, segments.length * price)
      const round: Round = { url: ctx.url, devnetUrl, viewer, segments, price, accepted: 0, next: 0, tally, violations }
      try {
        const first = await buy(round)
        if (first.paid !== 'paid' || first.status !== 200) throw new Error(`the host refused a payment before the reorg: ${JSON.stringify(first)}`)
        await post(`${devnetUrl}/mine`, {})
        lose(cases % 2 === 0 ? await backToMempool(round) : await replaceFunding(round))
      } finally {
        viewer.disconnect()
      }
    }
    return cases
  })
}
