// The memo that forgets what has not been used lately: what is used stays, what is not goes within two ages, it never
// holds more than twice its bound, and it never answers with a value other than the last one set.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { RecentCache } from '../../protocol/recent-cache.ts'

const AGE = 1_000

function cacheWithClock(maxEntries = 1_000) {
  const clock = { now: 0 }
  return { clock, cache: new RecentCache<string, number>({ maxEntries, maxAgeMs: AGE }, () => clock.now) }
}

test('an entry used at least once an age stays, however long it lives; one left unused is gone after two ages', () => {
  const { clock, cache } = cacheWithClock()
  cache.set('open channel', 1)
  cache.set('closed channel', 2)
  for (let age = 1; age <= 10; age++) {
    clock.now = age * AGE
    assert.equal(cache.get('open channel'), 1, `still there after ${age} ages`)
    cache.set(`newcomer ${age}`, age)
  }
  assert.equal(cache.get('closed channel'), undefined)
  assert.equal(cache.get('newcomer 9'), 9, 'the last age and the one before are kept')
  assert.equal(cache.get('newcomer 7'), undefined)
})

test('a full young generation turns over at once: the oldest entries go, at most twice the bound are kept', () => {
  const { cache } = cacheWithClock(3)
  for (let i = 0; i < 10; i++) cache.set(`key ${i}`, i)
  const kept = Array.from({ length: 10 }, (_, i) => cache.get(`key ${i}`)).filter((value) => value !== undefined)
  assert.ok(kept.length <= 6, `kept ${kept.length}`)
  assert.equal(cache.get('key 0'), undefined)
  assert.equal(cache.get('key 9'), 9)
})

test('property: a lookup answers the last value set for its key, or nothing', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 8 }), value: fc.integer() }),
    fc.record({ kind: fc.constant('get' as const), key: fc.integer({ min: 0, max: 8 }) }),
    fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 2 * AGE }) }),
  )
  fc.assert(
    fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 1, max: 5 }), (ops, maxEntries) => {
      const { clock, cache } = cacheWithClock(maxEntries)
      const last = new Map<number, number>()
      for (const o of ops) {
        if (o.kind === 'set') {
          cache.set(String(o.key), o.value)
          last.set(o.key, o.value)
        } else if (o.kind === 'wait') clock.now += o.ms
        else {
          const found = cache.get(String(o.key))
          if (found !== undefined) assert.equal(found, last.get(o.key))
        }
      }
    }),
  )
})
