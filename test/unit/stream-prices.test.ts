// Per-stream prices: stream.json is read strictly, and the nearest folder that sets a price wins.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pricePerSecondFor } from '../../protocol/stream-prices.ts'
import { parseStreamSettings } from '../../server/media/stream-settings.ts'

test('stream.json: a title and a price, either alone, or nothing', () => {
  assert.deepEqual(parseStreamSettings('{ "title": "Episode one", "pricePerSecond": 20 }'), { ok: true, settings: { title: 'Episode one', pricePerSecond: 20 } })
  assert.deepEqual(parseStreamSettings('{ "pricePerSecond": 1 }'), { ok: true, settings: { pricePerSecond: 1 } })
  assert.deepEqual(parseStreamSettings('{}'), { ok: true, settings: {} })
})

test('stream.json: broken JSON, typos, and prices that are not positive whole satoshis are refused with the reason', () => {
  const cases: Array<[string | null, RegExp]> = [
    ['{ "pricePerSecond": 20, }', /not valid JSON/],
    ['{ "price": 20 }', /Unrecognized key/i],
    ['{ "pricePerSecond": 0 }', /pricePerSecond/],
    ['{ "pricePerSecond": 2.5 }', /pricePerSecond/],
    ['{ "pricePerSecond": "20" }', /pricePerSecond/],
    ['{ "pricePerSecond": 1000001 }', /pricePerSecond/],
    ['{ "title": "" }', /title/],
    ['{ "title": "a\\u0007b" }', /title/],
    ['[20]', /expected/],
    [null, /cannot be read or is larger/],
    ['{"title":"' + 'x'.repeat(20_000) + '"}', /larger than/],
  ]
  for (const [text, reason] of cases) {
    const reading = parseStreamSettings(text)
    assert.ok(!reading.ok && reason.test(reading.message), `${text?.slice(0, 40)}: ${JSON.stringify(reading)}`)
  }
})

test('the nearest folder with a price wins; the host price applies elsewhere; a broken folder sells nothing', () => {
  const table = [
    { folder: '/media/shows', pricePerSecond: 15 },
    { folder: '/media/shows/s01', pricePerSecond: 20 },
    { folder: '/media/shows/s01/e02', pricePerSecond: 30 },
    { folder: '/media/broken', pricePerSecond: null },
  ]
  assert.equal(pricePerSecondFor('/media/shows/s01/e01/360p/seg_00001.ts', table, 10), 20)
  assert.equal(pricePerSecondFor('/media/shows/s01/e02/index.mp4', table, 10), 30)
  assert.equal(pricePerSecondFor('/media/shows/s02/e01/seg.ts', table, 10), 15)
  assert.equal(pricePerSecondFor('/media/shows-extra/seg.ts', table, 10), 10, 'a folder is a whole path part, not a prefix')
  assert.equal(pricePerSecondFor('/media/sample/360p/seg_00000.ts', table, 10), 10)
  assert.equal(pricePerSecondFor('/media/broken/x/seg.ts', table, 10), null)
  assert.equal(pricePerSecondFor('/media/seg.ts', [{ folder: '/media', pricePerSecond: 12 }], 10), 12)
})
