// What the host makes of a funding's status: served only once seen on the network, watched until mined, lost on a
// double spend. The ledger here is a script of ARC answers, in the order ARC gives them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TxInfo, TxStatus } from '../../protocol/chain/chain.ts'
import { isLost, isSeen } from '../../protocol/chain/chain.ts'
import { FundingWatch, fundingVerdict, untilSeen } from '../../server/channels/funding-watch.ts'
import { endedBy } from '../../client/payer/payer.ts'
import { explainRejection } from '../../client/payer/viewer-errors.ts'

const info = (status: TxStatus): TxInfo => ({ txid: 'ab'.repeat(32), status })

test('only SEEN_ON_NETWORK and MINED count as seen; DOUBLE_SPEND_ATTEMPTED and REJECTED as lost', () => {
  assert.deepEqual((['STORED', 'ANNOUNCED_TO_NETWORK', 'SEEN_ON_NETWORK', 'MINED'] as TxStatus[]).map(isSeen), [false, false, true, true])
  assert.deepEqual((['SEEN_ON_NETWORK', 'MINED', 'DOUBLE_SPEND_ATTEMPTED', 'REJECTED', 'MINED_IN_STALE_BLOCK'] as TxStatus[]).map(isLost), [false, false, true, true, false])
  assert.equal(fundingVerdict(null), 'watch', 'a ledger that forgot the tx for a moment is asked again')
  assert.equal(fundingVerdict(info('SEEN_ON_NETWORK')), 'watch')
  assert.equal(fundingVerdict(info('MINED')), 'mined')
  assert.equal(fundingVerdict(info('DOUBLE_SPEND_ATTEMPTED')), 'lost')
  assert.equal(fundingVerdict(info('REJECTED')), 'lost')
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

test('the watch reports a lost funding once, stops watching mined ones, and retries after an error', async () => {
  const statuses = new Map<string, TxStatus | Error>([['fund-a', 'SEEN_ON_NETWORK'], ['fund-b', 'MINED'], ['fund-c', new Error('ARC down')]])
  const lost: string[] = []
  const errors: string[] = []
  const watch = new FundingWatch({
    chain: {
      txStatus: async (txid) => {
        const status = statuses.get(txid)!
        if (status instanceof Error) throw status
        return info(status)
      },
    },
    lost: (channelId, what) => lost.push(`${channelId}:${what.status}`),
    onError: (_error, channelId) => errors.push(channelId),
  })
  watch.add('a', 'fund-a')
  watch.add('b', 'fund-b')
  watch.add('c', 'fund-c')
  await watch.check()
  assert.deepEqual([lost, errors, watch.size], [[], ['c'], 2])
  statuses.set('fund-a', 'DOUBLE_SPEND_ATTEMPTED')
  statuses.set('fund-c', 'REJECTED')
  await watch.check()
  assert.deepEqual(lost.sort(), ['a:DOUBLE_SPEND_ATTEMPTED', 'c:REJECTED'])
  await watch.check()
  assert.equal(lost.length, 2, 'reported once')
  assert.equal(watch.size, 0)
})

test('the viewer reads funding_double_spent as the end of its channel, with a message that says what happened', () => {
  assert.equal(endedBy('funding_double_spent'), 'funding_double_spent')
  const error = explainRejection('funding_double_spent', 'whatever the host said', 'update')
  assert.equal(error.kind, 'funding_double_spent')
  assert.match(error.message, /funding was double-spent/)
  assert.match(error.nextStep, /only one/)
})
