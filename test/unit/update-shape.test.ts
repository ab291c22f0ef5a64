import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { UpdateRequest } from '../../protocol/messages.ts'
import { plainUpdate } from '../../server/socket/update-shape.ts'

const hexChars = (chars: string) => fc.string({ unit: fc.constantFrom(...chars.split('')), minLength: 0, maxLength: 80 })
const channelIds = fc.oneof(hexChars('0123456789abcdef').map((s) => s.padEnd(24, 'a').slice(0, 24)), hexChars('0123456789abcdefABCDEF'), fc.string(), fc.integer())
const txs = fc.oneof(hexChars('0123456789abcdefABCDEF'), hexChars('0123456789abcdef').map((s) => (s.length % 2 ? s + '0' : s)), fc.string(), fc.constant(''), fc.constant(null))
const segments = fc.oneof(
  fc.constantFrom('/media/sample/360p/seg_003.ts', '/media/show/360p/index.mp4#bytes=1325-77809', '/media/kvs/getMP4MediaFragment.mp4?FragmentNumber=91', '/media/', '/media/../x.ts', '/mediax/a.ts', '/media/a.ts#bytes=9-1'),
  fc.string().map((s) => `/media/${s}`),
  fc.string(),
  fc.constant('/media/' + 'a'.repeat(5_000) + '.ts'),
)
const payloads = fc.oneof(
  fc.record({ channelId: channelIds, tx: txs, segment: segments }, { requiredKeys: [] }),
  fc.record({ channelId: channelIds, tx: txs, segment: segments, extra: fc.anything() }),
  fc.anything(),
  fc.array(fc.string()),
)

test('the update fast path never accepts what the schema refuses, and gives the same request as the schema', () => {
  fc.assert(
    fc.property(payloads, (payload) => {
      const plain = plainUpdate(payload)
      const parsed = UpdateRequest.safeParse(payload)
      if (plain !== null) {
        assert.ok(parsed.success, `fast path accepted what the schema refuses: ${JSON.stringify(payload)}`)
        assert.deepEqual(plain, parsed.data)
      }
    }),
    { numRuns: 5_000 },
  )
})

test('the update fast path takes every well-formed update (so the schema is off the hot path)', () => {
  const valid = fc.record({
    channelId: hexChars('0123456789abcdef').map((s) => s.padEnd(24, '0').slice(0, 24)),
    tx: fc.uint8Array({ minLength: 1, maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('hex')),
    segment: fc.constantFrom('/media/sample/360p/seg_003.ts', '/media/show/360p/index.mp4#bytes=1325-77809', '/media/kvs/f.mp4?FragmentNumber=91'),
  })
  fc.assert(
    fc.property(valid, (update) => {
      assert.ok(UpdateRequest.safeParse(update).success)
      assert.deepEqual(plainUpdate({ ...update, extra: 1 }), { ...update })
    }),
    { numRuns: 1_000 },
  )
  assert.equal(plainUpdate({ channelId: 'a'.repeat(24), tx: 'abc', segment: '/media/a.ts' }), null, 'odd-length hex')
  assert.equal(plainUpdate({ channelId: 'A'.repeat(24), tx: 'ab', segment: '/media/a.ts' }), null, 'channel ids are lowercase')
  assert.equal(plainUpdate(['a'.repeat(24), 'ab', '/media/a.ts']), null)
})
