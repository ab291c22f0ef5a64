import { test } from 'node:test'
import assert from 'node:assert/strict'
import { sanitizeStreamName, streamNameFromFile } from '../../server/media/stream-name.ts'

test('stream names from file names are lower-case, URL-safe folder names', () => {
  assert.equal(streamNameFromFile('/videos/My Holiday (2019).MOV'), 'my-holiday-2019')
  assert.equal(streamNameFromFile('Café_Crème.mp4'), 'cafe_creme')
  assert.equal(streamNameFromFile('clip.tar.gz'), 'clip-tar')
})

test('names cannot escape the media folder or hide as dot folders', () => {
  assert.equal(sanitizeStreamName('../../etc'), 'etc')
  assert.equal(sanitizeStreamName('.sample.tmp-123'), 'sample-tmp-123')
  assert.equal(sanitizeStreamName('a/b\\c'), 'a-b-c')
  assert.equal(sanitizeStreamName('...'), 'video')
  assert.equal(sanitizeStreamName('x'.repeat(100)).length, 64)
})
