// `npm run media` end to end: the CLI runs as a child process with the real bundled ffmpeg, output goes to temp
// folders, and what it writes is checked with m3u8-parser and by decoding segments with ffmpeg.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Parser } from 'm3u8-parser'
import { resolveFfmpeg } from '../../server/media/ffmpeg-locator.ts'
import { ensureSampleStream } from '../../server/media/sample.ts'

const repo = join(import.meta.dirname, '..', '..')
const ffmpeg = (await resolveFfmpeg()).path
const root = mkdtempSync(join(tmpdir(), 'p2p-media-test-'))
test.after(() => rmSync(root, { recursive: true, force: true }))

function freshDir(name: string): string {
  return mkdtempSync(join(root, `${name}-`))
}

interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

function startCli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'scripts', 'media.ts'), ...args], { cwd: repo, env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
  return { child, done }
}

function runCli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun> {
  return startCli(args, env).done
}

function ffmpegRun(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(ffmpeg, args, (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }))
  })
}

function parse(path: string) {
  const parser = new Parser()
  parser.push(readFileSync(path, 'utf8'))
  parser.end()
  return parser.manifest
}

/** Decodes a segment completely; a segment that does not start on a keyframe or is truncated prints errors. */
async function assertDecodes(path: string): Promise<void> {
  const result = await ffmpegRun(['-v', 'error', '-i', path, '-f', 'null', '-'])
  assert.equal(result.code, 0, `${path} failed to decode: ${result.stderr}`)
  assert.equal(result.stderr.trim(), '', `${path} decoded with errors`)
}

async function streamsOf(path: string): Promise<string> {
  return (await ffmpegRun(['-hide_banner', '-i', path])).stderr
}

/** Checks one rendition: a finished VOD playlist whose durations add up and whose first and last segments decode. */
async function checkRendition(folder: string, expectedSeconds: number): Promise<string[]> {
  const manifest = parse(join(folder, 'index.m3u8'))
  const segments = manifest.segments ?? []
  assert.ok(segments.length > 0, `${folder} has no segments`)
  assert.equal(manifest.endList, true, `${folder} has no #EXT-X-ENDLIST`)
  assert.equal(manifest.playlistType, 'VOD', `${folder} is not marked VOD`)
  const total = segments.reduce((sum, segment) => sum + segment.duration, 0)
  assert.ok(Math.abs(total - expectedSeconds) <= 2, `${folder}: segments add up to ${total} s, expected ${expectedSeconds} s`)
  assert.ok(segments.every((segment) => segment.duration <= 2.1), `${folder}: a segment is longer than 2 s`)
  await assertDecodes(join(folder, segments[0].uri))
  await assertDecodes(join(folder, segments[segments.length - 1].uri))
  return segments.map((segment) => join(folder, segment.uri))
}

function leftovers(out: string): string[] {
  return existsSync(out) ? readdirSync(out).filter((entry) => entry.startsWith('.')) : []
}

test('npm run media generates the sample: a 360p + 720p VOD ladder under master.m3u8', async () => {
  const out = freshDir('sample')
  const run = await runCli(['--out', out, '--seconds', '8'])
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stdout, /Using ffmpeg from @ffmpeg-installer\/ffmpeg/)
  assert.match(run.stdout, /100% of 0:08 encoded/)

  const master = parse(join(out, 'sample', 'master.m3u8'))
  const variants = master.playlists ?? []
  assert.deepEqual(variants.map((variant) => variant.uri), ['360p/index.m3u8', '720p/index.m3u8'])
  assert.deepEqual(variants.map((variant) => variant.attributes.RESOLUTION), [{ width: 640, height: 360 }, { width: 1280, height: 720 }])
  for (const variant of variants) {
    assert.ok(Number(variant.attributes.BANDWIDTH) > 100_000, `BANDWIDTH of ${variant.uri}`)
    assert.match(String(variant.attributes.CODECS), /^avc1\.4d40[0-9a-f]{2},mp4a\.40\.2$/)
  }
  assert.ok(Number(variants[0].attributes.BANDWIDTH) < Number(variants[1].attributes.BANDWIDTH))

  for (const rendition of ['360p', '720p']) {
    const segments = await checkRendition(join(out, 'sample', rendition), 8)
    const streams = await streamsOf(segments[0])
    assert.match(streams, rendition === '360p' ? /Video: h264.*640x360/ : /Video: h264.*1280x720/)
    assert.match(streams, /Audio: aac/)
  }
  assert.deepEqual(leftovers(out), [])

  const again = await runCli(['--out', out, '--seconds', '8'])
  assert.equal(again.code, 0, again.stderr)
  assert.match(again.stdout, /already exists; use --force/)

  // The host's first-start hook sees the finished stream and leaves it alone.
  const lines: string[] = []
  assert.deepEqual(await ensureSampleStream(out, { log: (line) => lines.push(line) }), { generated: false, path: join(out, 'sample') })
  assert.deepEqual(lines, [])

  const forced = await runCli(['--out', out, '--seconds', '4', '--force'])
  assert.equal(forced.code, 0, forced.stderr)
  await checkRendition(join(out, 'sample', '720p'), 4)
  assert.deepEqual(leftovers(out), [])
})

test('--input packages a small clip with audio into a single rung at its own size (no upscaling)', async () => {
  const out = freshDir('input')
  const clip = join(freshDir('clips'), 'Tiny Clip.mp4')
  const made = await ffmpegRun(['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25:duration=6', '-f', 'lavfi', '-i', 'sine=duration=6', '-c:v', 'libx264', '-c:a', 'aac', '-shortest', clip])
  assert.equal(made.code, 0, made.stderr)

  const run = await runCli(['--out', out, '--input', clip])
  assert.equal(run.code, 0, run.stderr)
  assert.deepEqual(readdirSync(out), ['tiny-clip'])
  const variants = parse(join(out, 'tiny-clip', 'master.m3u8')).playlists ?? []
  assert.deepEqual(variants.map((variant) => [variant.uri, variant.attributes.RESOLUTION]), [['240p/index.m3u8', { width: 320, height: 240 }]])
  assert.match(String(variants[0].attributes.CODECS), /mp4a\.40\.2/)
  const segments = await checkRendition(join(out, 'tiny-clip', '240p'), 6)
  assert.match(await streamsOf(segments[0]), /320x240[\s\S]*Audio: aac/)
})

test('--input without audio and with --name: 480p source gets 360p and 480p only, video-only codecs', async () => {
  const out = freshDir('silent')
  const clip = join(freshDir('clips'), 'silent.mp4')
  const made = await ffmpegRun(['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=30:duration=4', '-c:v', 'libx264', clip])
  assert.equal(made.code, 0, made.stderr)

  const run = await runCli(['--out', out, '--input', clip, '--name', 'Silent One'])
  assert.equal(run.code, 0, run.stderr)
  assert.deepEqual(readdirSync(join(out, 'silent-one')).sort(), ['360p', '480p', 'master.m3u8'])
  const variants = parse(join(out, 'silent-one', 'master.m3u8')).playlists ?? []
  assert.deepEqual(variants.map((variant) => variant.attributes.RESOLUTION), [{ width: 480, height: 360 }, { width: 640, height: 480 }])
  for (const variant of variants) assert.match(String(variant.attributes.CODECS), /^avc1\.[0-9a-f]{6}$/)
  for (const rendition of ['360p', '480p']) {
    const segments = await checkRendition(join(out, 'silent-one', rendition), 4)
    assert.doesNotMatch(await streamsOf(segments[0]), /Audio:/)
  }
})

test('bad input: a missing file', async () => {
  const out = freshDir('bad')
  const run = await runCli(['--out', out, '--input', join(out, 'nope.mp4')])
  assert.equal(run.code, 1)
  assert.match(run.stderr, /Input file not found: .*nope\.mp4/)
  assert.deepEqual(readdirSync(out), [])
})

test('bad input: a file that is not video, and an audio-only file', async () => {
  const out = freshDir('bad')
  const clips = freshDir('clips')
  writeFileSync(join(clips, 'notes.mp4'), 'this is not a video\n')
  const text = await runCli(['--out', out, '--input', join(clips, 'notes.mp4')])
  assert.equal(text.code, 1)
  assert.match(text.stderr, /notes\.mp4 is not a video file ffmpeg can read/)

  const made = await ffmpegRun(['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=2', join(clips, 'tone.m4a')])
  assert.equal(made.code, 0, made.stderr)
  const audio = await runCli(['--out', out, '--input', join(clips, 'tone.m4a')])
  assert.equal(audio.code, 1)
  assert.match(audio.stderr, /tone\.m4a has no video stream \(audio only\)/)
  assert.deepEqual(readdirSync(out), [])
})

test('bad input: an output folder that cannot be written', async () => {
  const base = freshDir('bad')
  writeFileSync(join(base, 'a-file'), '')
  const run = await runCli(['--out', join(base, 'a-file', 'media'), '--seconds', '2'])
  assert.equal(run.code, 1)
  assert.match(run.stderr, /Cannot write to the output folder .*a-file\/media \(ENOTDIR\)/)
})

test('bad input: no ffmpeg anywhere (FFMPEG_PATH points at a missing file)', async () => {
  const out = freshDir('bad')
  const env = { ...process.env, FFMPEG_PATH: join(out, 'missing-ffmpeg'), P2P_FFMPEG_SOURCES: 'FFMPEG_PATH,ffmpeg-static,PATH', PATH: join(out, 'empty-bin') }
  const run = await runCli(['--out', out, '--seconds', '2'], env)
  assert.equal(run.code, 1)
  assert.match(run.stderr, /No ffmpeg found\. Tried, in order:/)
  assert.match(run.stderr, /FFMPEG_PATH: .*missing-ffmpeg does not exist/)
  assert.match(run.stderr, /ffmpeg-static: package not installed/)
  assert.match(run.stderr, /PATH: no ffmpeg/)
  assert.match(run.stderr, /Fix: set FFMPEG_PATH/)
  assert.deepEqual(readdirSync(out), [])
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`an interrupted run (${signal}) exits 130 and leaves neither the stream nor its temp folder`, async () => {
    const out = freshDir('interrupt')
    const { child, done } = startCli(['--out', out, '--seconds', '60'])
    // Wait until ffmpeg is demonstrably writing segments into the temp folder, then interrupt.
    const writing = () => {
      const temp = leftovers(out).find((entry) => entry.startsWith('.sample.tmp-'))
      return temp !== undefined && existsSync(join(out, temp, '360p')) && readdirSync(join(out, temp, '360p')).some((file) => file.endsWith('.ts'))
    }
    let exited = false
    void done.then(() => (exited = true))
    while (!writing() && !exited) await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal(exited, false, 'the run ended before it could be interrupted')
    child.kill(signal)
    const run = await done
    assert.equal(run.code, 130, run.stderr)
    assert.match(run.stderr, /Interrupted: the sample stream was stopped before it finished; nothing was kept\./)
    assert.deepEqual(readdirSync(out), [])
  })
}

test('--live writes a sliding-window live stream with a master playlist (bounded here by --seconds)', async () => {
  const out = freshDir('live')
  const run = await runCli(['--out', out, '--live', '--seconds', '5'])
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stdout, /Live stream running \(360p \+ 720p\)/)
  const variants = parse(join(out, 'live', 'master.m3u8')).playlists ?? []
  assert.deepEqual(variants.map((variant) => variant.uri), ['360p/index.m3u8', '720p/index.m3u8'])
  for (const rendition of ['360p', '720p']) {
    const manifest = parse(join(out, 'live', rendition, 'index.m3u8'))
    assert.notEqual(manifest.playlistType, 'VOD')
    const segments = manifest.segments ?? []
    assert.ok(segments.length >= 2 && segments.length <= 6, `${rendition}: ${segments.length} segments in the window`)
    await assertDecodes(join(out, 'live', rendition, segments[0].uri))
  }
})
