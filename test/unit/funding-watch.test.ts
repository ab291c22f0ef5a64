// What the host makes of a funding's status: served only once seen on the network, watched until its channel settles
// (mined included), lost on a double spend or when some tx spends its output. The ledger here is a script of ARC and
// WhatsOnChain answers, in the order they give them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Spender, TxInfo, TxStatus } from '../../protocol/chain/chain.ts'
import { isLost, isSeen } from '../../protocol/chain/chain.ts'
import { BURIED_DEPTH, BURIED_RECHECK_ROUNDS, FundingWatch, fundingLoss, fundingQuestions, untilSeen, type WatchedFunding } from '../../server/channels/funding-watch.ts'
import { endedBy } from '../../client/payer/payer.ts'
import { explainRejection } from '../../client/payer/viewer-errors.ts'

const info = (status: TxStatus): TxInfo => ({ txid: 'ab'.repeat(32), status })

test('only SEEN_ON_NETWORK and MINED count as seen; DOUBLE_SPEND_ATTEMPTED and REJECTED as lost', () => {
  assert.deepEqual((['STORED', 'ANNOUNCED_TO_NETWORK', 'SEEN_ON_NETWORK', 'MINED'] as TxStatus[]).map(isSeen), [false, false, true, true])
  assert.deepEqual((['SEEN_ON_NETWORK', 'MINED', 'DOUBLE_SPEND_ATTEMPTED', 'REJECTED', 'MINED_IN_STALE_BLOCK'] as TxStatus[]).map(isLost), [false, false, true, true, false])
  const refund: Spender = { txid: 'cd'.repeat(32), vin: 0 }
  assert.equal(fundingLoss(null, null), null, 'a ledger that forgot the tx for a moment is asked again')
  assert.equal(fundingLoss(info('SEEN_ON_NETWORK'), null), null)
  assert.equal(fundingLoss(info('MINED'), null), null, 'mined is not the end of the watch')
  assert.deepEqual(fundingLoss({ status: 'DOUBLE_SPEND_ATTEMPTED', competingTxs: ['ef'.repeat(32)] }, null), { reason: 'funding_double_spent', txid: 'ef'.repeat(32) })
  assert.deepEqual(fundingLoss(info('REJECTED'), null), { reason: 'funding_double_spent', txid: null })
  assert.deepEqual(fundingLoss(info('MINED'), refund), { reason: 'funding_spent', txid: refund.txid })
})

test('a fund request waits for a stored funding to be seen, and stops at a loss or after its attempts', async () => {
  const script = (statuses: TxStatus[]) => ({ txStatus: async () => info(statuses.shift() ?? 'STORED') })
  const quick = { attempts: 5, intervalMs: 1 }
  assert.equal(await untilSeen(script(['STORED', 'SEEN_ON_NETWORK']), 'x', 'STORED', quick), 'SEEN_ON_NETWORK')
  assert.equal(await untilSeen(script(['DOUBLE_SPEND_ATTEMPTED', 'SEEN_ON_NETWORK']), 'x', 'STORED', quick), 'DOUBLE_SPEND_ATTEMPTED')
  assert.equal(await untilSeen(script([]), 'x', 'STORED', quick), 'STORED')
  let asked = 0
  assert.equal(await untilSeen({ txStatus: async () => (asked++, info('MINED')) }, 'x', 'SEEN_ON_NETWORK', quick), 'SEEN_ON_NETWORK')
  assert.equal(asked, 0, 'a funding already seen is not asked about again')
})

test('the ledger is asked only what can have changed: a double spend until buried, a spend only near the refund', () => {
  const margin = { deadlineMarginBlocks: 6 }
  const funding = (minedAt: number | null, askedInRound = 0): WatchedFunding => ({ txid: 'f', vout: 0, lockTime: 1_000, minedAt, askedInRound })
  const ask = (f: WatchedFunding, height: number, round = 1) => fundingQuestions(f, { height, round, ...margin })
  assert.deepEqual(ask(funding(null), 500), { status: true, spender: false }, 'unmined: a conflicting tx may still win; nothing but the refund can spend it, and not yet')
  assert.deepEqual(ask(funding(500), 500 + BURIED_DEPTH - 2), { status: true, spender: false }, 'mined, shallow: a reorganisation may still undo it')
  assert.deepEqual(ask(funding(500), 500 + BURIED_DEPTH - 1), { status: false, spender: false }, 'buried: nothing to ask')
  assert.deepEqual(ask(funding(500, 3), 600, 3 + BURIED_RECHECK_ROUNDS), { status: true, spender: false }, 'buried, but not asked for a while: asked once more')
  assert.deepEqual(ask(funding(500), 1_000 - 6), { status: true, spender: true }, 'from the margin before the lock time, everything, every round')
  assert.deepEqual(ask(funding(null), 1_200), { status: true, spender: true })
})

test('a watch of buried fundings asks the ledger nothing until a recheck or the refund nears', async () => {
  let height = 100
  let asked = 0
  const watch = new FundingWatch({
    chain: { txStatus: async (txid) => (asked++, { txid, status: 'MINED', blockHeight: 95 }), spender: async () => (asked++, null) },
    height: () => height,
    deadlineMarginBlocks: 2,
    lost: async () => {},
    onError: () => {},
  })
  for (let i = 0; i < 50; i++) watch.add(`c${i}`, { txid: `f${i}`, vout: 0, lockTime: 200 })
  await watch.check()
  assert.equal(asked, 50, 'the first round asks every status (a spend is not possible yet)')
  for (let round = 2; round <= BURIED_RECHECK_ROUNDS; round++) await watch.check()
  assert.equal(asked, 50, 'buried: the next rounds ask nothing')
  await watch.check()
  assert.equal(asked, 100, 'then one status each, in case a deep reorganisation undid them')
  height = 198
  await watch.check()
  assert.equal(asked, 200, 'at the margin, status and spender of each')
})

test('the watch reports a lost or spent funding once, keeps watching mined ones, and retries after an error', async () => {
  const statuses = new Map<string, TxStatus | Error>([['fund-a', 'SEEN_ON_NETWORK'], ['fund-b', 'MINED'], ['fund-c', new Error('ARC down')], ['fund-d', 'STORED']])
  const spenders = new Map<string, Spender>()
  const asked: string[] = []
  const lost: string[] = []
  const errors: string[] = []
  const watch = new FundingWatch({
    chain: {
      txStatus: async (txid) => {
        const status = statuses.get(txid)!
        if (status instanceof Error) throw status
        return info(status)
      },
      spender: async (txid, vout) => (asked.push(`${txid}:${vout}`), spenders.get(txid) ?? null),
    },
    // At the refund's margin: everything is asked.
    height: () => 100,
    deadlineMarginBlocks: 0,
    lost: async (channelId, loss) => void lost.push(`${channelId}:${loss.reason}:${loss.txid}`),
    onError: (_error, channelId) => errors.push(channelId),
  })
  watch.add('a', { txid: 'fund-a', vout: 0, lockTime: 100 })
  watch.add('b', { txid: 'fund-b', vout: 1, lockTime: 100 })
  watch.add('c', { txid: 'fund-c', vout: 0, lockTime: 100 })
  watch.add('d', { txid: 'fund-d', vout: 0, lockTime: 100 })
  await watch.check()
  assert.deepEqual([lost, errors, watch.size], [[], ['c'], 4])
  assert.deepEqual(asked.sort(), ['fund-a:0', 'fund-b:1'], 'only a funding the network has is asked what spends it')
  statuses.set('fund-a', 'DOUBLE_SPEND_ATTEMPTED')
  statuses.set('fund-c', 'REJECTED')
  spenders.set('fund-b', { txid: 'refund-b', vin: 0 })
  await watch.check()
  assert.deepEqual(lost.sort(), ['a:funding_double_spent:null', 'b:funding_spent:refund-b', 'c:funding_double_spent:null'])
  await watch.check()
  assert.equal(lost.length, 3, 'reported once')
  assert.equal(watch.size, 1)
})

test('the viewer reads funding_double_spent as the end of its channel, with a message that says what happened', () => {
  assert.equal(endedBy('funding_double_spent'), 'funding_double_spent')
  const error = explainRejection('funding_double_spent', 'whatever the host said', 'update')
  assert.equal(error.kind, 'funding_double_spent')
  assert.match(error.message, /funding was double-spent/)
  assert.match(error.nextStep, /only one/)
})
