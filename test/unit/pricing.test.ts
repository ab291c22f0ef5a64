import { test } from 'node:test'
import assert from 'node:assert/strict'
import { renditionOf, segmentPrice } from '../../protocol/pricing.ts'

test('segment price: whole satoshis from duration, price and multiplier', () => {
  assert.equal(segmentPrice(2.0, 10), 20)
  assert.equal(segmentPrice(2.002, 10), 20)
  assert.equal(segmentPrice(2.05, 10), 21)
  assert.equal(segmentPrice(2.0, 10, 1.5), 30)
  assert.equal(segmentPrice(1.96, 3, 2), 12)
})

test('segment price: a priced segment is never free, an unpriced one is', () => {
  assert.equal(segmentPrice(0.01, 1), 1)
  assert.equal(segmentPrice(0.4, 1), 1)
  assert.equal(segmentPrice(2, 0), 0)
  assert.equal(segmentPrice(0, 10), 0)
})

test('rendition is the folder holding the segment', () => {
  assert.equal(renditionOf('/media/sample/360p/seg_003.ts'), '360p')
  assert.equal(renditionOf('/media/sample/720p/seg_010.ts?token=abc'), '720p')
  assert.equal(renditionOf('media/x/1080p/init.mp4#t=1'), '1080p')
  assert.equal(renditionOf('seg_001.ts'), '')
})
