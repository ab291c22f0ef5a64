// Resolution order of the ffmpeg binary, with real files on disk standing in for installed binaries.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultFfmpegCandidates, findOnPath, resolveFfmpeg, resolveFfprobe, type FfmpegCandidate } from '../../server/media/ffmpeg-locator.ts'
import { MediaError } from '../../server/media/errors.ts'

function executable(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, name)
  writeFileSync(path, '#!/bin/sh\nexit 0\n')
  chmodSync(path, 0o755)
  return path
}

const root = mkdtempSync(join(tmpdir(), 'p2p-locator-'))
test.after(() => rmSync(root, { recursive: true, force: true }))

test('FFMPEG_PATH wins when it points at an executable', async () => {
  const custom = executable(join(root, 'custom'), 'ffmpeg')
  const lines: string[] = []
  const found = await resolveFfmpeg({ candidates: defaultFfmpegCandidates({ FFMPEG_PATH: custom, PATH: '' }), log: (line) => lines.push(line) })
  assert.deepEqual(found, { path: custom, source: 'FFMPEG_PATH' })
  assert.deepEqual(lines, [`Using ffmpeg from FFMPEG_PATH: ${custom}`])
})

test('a broken FFMPEG_PATH falls through to the next source (ffmpeg-static is not installed here, the installer package is)', async () => {
  const found = await resolveFfmpeg({ candidates: defaultFfmpegCandidates({ FFMPEG_PATH: join(root, 'missing', 'ffmpeg'), PATH: '' }) })
  assert.equal(found.source, '@ffmpeg-installer/ffmpeg')
  assert.match(found.path, /@ffmpeg-installer/)
})

test('PATH is the last resort', async () => {
  const onPath = executable(join(root, 'bin'), 'ffmpeg')
  const found = await resolveFfmpeg({ candidates: defaultFfmpegCandidates({ PATH: `${join(root, 'empty')}:${join(root, 'bin')}`, P2P_FFMPEG_SOURCES: 'FFMPEG_PATH,PATH' }) })
  assert.deepEqual(found, { path: onPath, source: 'PATH' })
  assert.equal(findOnPath('ffmpeg', join(root, 'nowhere')), null)
})

test('when nothing is found the error lists every source tried and how to fix it', async () => {
  const candidates = defaultFfmpegCandidates({ FFMPEG_PATH: '/missing/ffmpeg', PATH: join(root, 'empty'), P2P_FFMPEG_SOURCES: 'FFMPEG_PATH,ffmpeg-static,PATH' })
  assert.deepEqual(candidates.map((c) => c.source), ['FFMPEG_PATH', 'ffmpeg-static', 'PATH'])
  await assert.rejects(resolveFfmpeg({ candidates }), (error: unknown) => {
    assert.ok(error instanceof MediaError)
    assert.match(error.message, /No ffmpeg found/)
    assert.match(error.message, /FFMPEG_PATH: \/missing\/ffmpeg does not exist/)
    assert.match(error.message, /ffmpeg-static: package not installed/)
    assert.match(error.message, /PATH: no ffmpeg in any PATH folder/)
    assert.match(error.message, /Fix: set FFMPEG_PATH=/)
    return true
  })
})

test('candidates are tried strictly in the given order', async () => {
  const calls: string[] = []
  const candidate = (source: string, path: string | null): FfmpegCandidate => ({
    source,
    locate: async () => {
      calls.push(source)
      return path ? { path } : { unavailable: 'no' }
    },
  })
  const found = await resolveFfmpeg({ candidates: [candidate('a', null), candidate('b', '/b/ffmpeg'), candidate('c', '/c/ffmpeg')] })
  assert.deepEqual(found, { path: '/b/ffmpeg', source: 'b' })
  assert.deepEqual(calls, ['a', 'b'])
})

test('ffprobe: FFPROBE_PATH, then next to ffmpeg, then PATH, else null (callers fall back to ffmpeg -i)', () => {
  const ffmpeg = executable(join(root, 'kit'), 'ffmpeg')
  assert.equal(resolveFfprobe(ffmpeg, { PATH: '' }), null)
  const onPath = executable(join(root, 'probe-bin'), 'ffprobe')
  assert.equal(resolveFfprobe(ffmpeg, { PATH: join(root, 'probe-bin') }), onPath)
  const sibling = executable(join(root, 'kit'), 'ffprobe')
  assert.equal(resolveFfprobe(ffmpeg, { PATH: join(root, 'probe-bin') }), sibling)
  const explicit = executable(join(root, 'explicit'), 'ffprobe')
  assert.equal(resolveFfprobe(ffmpeg, { FFPROBE_PATH: explicit }), explicit)
})
