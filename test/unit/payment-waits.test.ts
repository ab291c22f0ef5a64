// The waits of held segment requests (server/paywall/payment-waits.ts): a wait counts from the moment it is
// registered, so an event that comes while the paywall checks the channel again wakes it instead of being missed; and
// waits are bounded, released, timed and abandoned as their askers go.
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { describe, test } from 'node:test'
import type { ChannelEventBus } from '../../server/channels/channel-events.ts'
import { PaymentWaits } from '../../server/paywall/payment-waits.ts'

function asker(): EventEmitter & { destroyed: boolean } {
  return Object.assign(new EventEmitter(), { destroyed: false })
}

function waits(limits = { perChannel: 2, total: 3 }) {
  const bus: ChannelEventBus = new EventEmitter()
  return { bus, waits: new PaymentWaits(bus, (token) => `digest:${token}`, Number.POSITIVE_INFINITY, limits) }
}

const accepted = (channelId: string) => ({ channelId, kind: 'segment' as const, amount: 1, paid: 1, seconds: 1, stream: null })

describe('payment waits', () => {
  test('an event between the registration and the await ends the wait (the check in between misses nothing)', async () => {
    const { bus, waits: w } = waits()
    const hold = w.hold('ch1', 5_000, asker())
    bus.emit('accepted', accepted('ch1'))
    const started = performance.now()
    assert.equal(await hold.ended, 'event')
    assert.ok(performance.now() - started < 1_000)
  })

  test('a refusal of the channel ends it as refused; an event of another channel does not end it', async () => {
    const { bus, waits: w } = waits()
    const hold = w.hold('ch1', 5_000, asker())
    bus.emit('accepted', accepted('ch2'))
    bus.emit('rejected', { channelId: 'ch1', code: 'underpaid' })
    assert.equal(await hold.ended, 'refused')
  })

  test('a token being funded waits under its digest and ends when the channel opens', async () => {
    const { bus, waits: w } = waits()
    const hold = w.hold(w.tokenKey('tok'), 5_000, asker())
    bus.emit('opened', { token: 'digest:tok' } as never)
    assert.equal(await hold.ended, 'event')
  })

  test('bounded per channel and in all; a released or ended wait makes room', async () => {
    const { waits: w } = waits()
    const first = w.hold('ch1', 5_000, asker())
    const second = w.hold('ch1', 5_000, asker())
    assert.equal(await w.hold('ch1', 5_000, asker()).ended, 'full', 'a third for one channel')
    const other = w.hold('ch2', 5_000, asker())
    assert.equal(await w.hold('ch3', 5_000, asker()).ended, 'full', 'a fourth in all')
    first.release()
    assert.equal(await first.ended, 'event')
    const third = w.hold('ch1', 5_000, asker())
    for (const hold of [second, other, third]) hold.release()
    assert.deepEqual(await Promise.all([second.ended, other.ended, third.ended]), ['event', 'event', 'event'])
  })

  test('ends after its time, or as soon as its asker goes; an asker gone already is not held', async () => {
    const { waits: w } = waits()
    assert.equal(await w.hold('ch1', 30, asker()).ended, 'timeout')
    const leaving = asker()
    const hold = w.hold('ch1', 5_000, leaving)
    leaving.emit('close')
    assert.equal(await hold.ended, 'aborted')
    const gone = Object.assign(asker(), { destroyed: true })
    assert.equal(await w.hold('ch1', 5_000, gone).ended, 'aborted')
  })
})
