// The player reads a 402 with a shape check of its own (no validator in the browser): it must take every body the
// host writes and refuse what is not one, so a proxy's error page never passes for a price.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parsePaymentRequired } from '../../protocol/paywall.ts'
import { paymentRequiredBody } from '../../server/paywall/access.ts'

const SEGMENT = '/media/sample/360p/seg_00003.ts'
const due = { kind: 'due', amount: 20 } as Parameters<typeof paymentRequiredBody>[1]

test("takes the host's own 402 bodies, with and without a channel, through JSON", () => {
  const record = { id: 'ab'.repeat(12), paid: 60, sequence: 3, lastTx: '0100', lastTxid: null }
  for (const channel of [null, { record } as unknown as Parameters<typeof paymentRequiredBody>[2]]) {
    const body = JSON.parse(JSON.stringify(paymentRequiredBody(SEGMENT, due, channel)))
    assert.deepEqual(parsePaymentRequired(body), body)
  }
})

test('refuses what is not a 402 body: another error, a page, a missing or mistyped field, a broken last update', () => {
  const good = JSON.parse(JSON.stringify(paymentRequiredBody(SEGMENT, due, null)))
  const broken: unknown[] = [
    null,
    '<html>502 Bad Gateway</html>',
    { ...good, error: 'channel_required' },
    { ...good, price: -1 },
    { ...good, price: 1.5 },
    { ...good, required: '20' },
    { ...good, segment: '/elsewhere/seg.ts' },
    { ...good, channelId: 'not-hex' },
    { ...good, lastUpdate: { sequence: 1, paid: 20, tx: 'xyz' } },
    { ...good, lastUpdate: { sequence: 1, paid: 20 } },
    (({ howToPay: _, ...rest }) => rest)(good),
  ]
  for (const body of broken) assert.equal(parsePaymentRequired(body), null, JSON.stringify(body))
})
