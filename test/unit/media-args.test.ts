import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildPackageArgs, buildTestPatternArgs, LIVE_WINDOW, testPatternSource, VOD } from '../../server/media/ffmpeg-args.ts'
import { planLadder, SAMPLE_LADDER } from '../../server/media/ladder.ts'
import type { Packaging } from '../../server/media/packaging.ts'

function valuesOf(args: string[], option: string): string[] {
  return args.flatMap((arg, index) => (arg === option ? [args[index + 1]] : []))
}

test('the VOD sample encodes every rung with a fixed 2 s GOP, its own -t, and keeps every segment', () => {
  const args = buildTestPatternArgs({ rungs: SAMPLE_LADDER, outDir: '/out', fontFile: null, seconds: 8, mode: VOD })
  assert.deepEqual(valuesOf(args, '-t'), ['8', '8'], '-t is per output, so each rung needs one')
  assert.deepEqual(valuesOf(args, '-g'), ['60', '60'])
  assert.deepEqual(valuesOf(args, '-keyint_min'), ['60', '60'])
  assert.deepEqual(valuesOf(args, '-sc_threshold'), ['0', '0'])
  assert.deepEqual(valuesOf(args, '-hls_time'), ['2', '2'])
  assert.deepEqual(valuesOf(args, '-hls_list_size'), ['0', '0'])
  assert.deepEqual(valuesOf(args, '-hls_segment_filename'), ['/out/360p/seg_%05d.ts', '/out/720p/seg_%05d.ts'])
  assert.equal(args.at(-1), '/out/720p/index.m3u8')
  assert.deepEqual(valuesOf(args, '-progress'), ['pipe:1'])
  // These crash the bundled ffmpeg 4.1 together; the master playlist is written by us instead.
  for (const risky of ['-master_pl_name', '-var_stream_map', '-hls_playlist_type', '-re']) assert.ok(!args.includes(risky), risky)
  assert.deepEqual(valuesOf(args, '-filter_complex'), ['[0:v]split=2[s0][s1];[s0]scale=640:360,setsar=1[v0];[s1]scale=1280:720,setsar=1[v1]'])
  assert.deepEqual(valuesOf(args, '-map'), ['[v0]', '1:a', '[v1]', '1:a'])
})

test('the test pattern burns in time and frame number only when a font is available', () => {
  assert.equal(testPatternSource({ width: 1280, height: 720, seconds: 8, fontFile: null }), 'testsrc2=size=1280x720:rate=30:duration=8')
  const withText = testPatternSource({ width: 1280, height: 720, seconds: 8, fontFile: '/fonts/Mono.ttf' })
  assert.match(withText, /^testsrc2=size=1280x720:rate=30:duration=8,drawtext=fontfile='\/fonts\/Mono.ttf':text='%\{pts\\:hms\}  frame %\{n\}'/)
})

test('the live stream is paced in real time, keeps a 6-segment window, deletes old segments and stamps the clock', () => {
  const args = buildTestPatternArgs({ rungs: SAMPLE_LADDER, outDir: '/out/live', fontFile: null, mode: LIVE_WINDOW })
  assert.equal(args.filter((arg) => arg === '-re').length, 2)
  assert.deepEqual(valuesOf(args, '-hls_list_size'), ['6', '6'])
  assert.deepEqual(valuesOf(args, '-hls_flags'), ['delete_segments+temp_file+program_date_time', 'delete_segments+temp_file+program_date_time'])
  assert.deepEqual(valuesOf(args, '-t'), [], 'runs until stopped')
  assert.ok(valuesOf(args, '-i').every((source) => !source.includes('duration=')))
})

test('packaging a silent 60 fps source caps the frame rate, forces keyframes by time and maps no audio', () => {
  const rungs = planLadder({ width: 854, height: 480 })
  const args = buildPackageArgs({ input: '/in/clip.mov', rungs, outDir: '/out', hasAudio: false, sourceFps: 59.94 })
  assert.deepEqual(valuesOf(args, '-i'), ['/in/clip.mov'])
  assert.deepEqual(valuesOf(args, '-filter_complex'), ['[0:v:0]fps=30,format=yuv420p,split=2[s0][s1];[s0]scale=640:360,setsar=1[v0];[s1]scale=854:480,setsar=1[v1]'])
  assert.deepEqual(valuesOf(args, '-map'), ['[v0]', '[v1]'])
  assert.ok(!args.includes('-c:a'))
  assert.deepEqual(valuesOf(args, '-force_key_frames'), ['expr:gte(t,n_forced*2)', 'expr:gte(t,n_forced*2)'])
})

test('packaging a 25 fps source with audio keeps its frame rate and carries the first audio track', () => {
  const rungs = planLadder({ width: 320, height: 240 })
  const args = buildPackageArgs({ input: 'a.mp4', rungs, outDir: '/out', hasAudio: true, sourceFps: 25 })
  assert.deepEqual(valuesOf(args, '-filter_complex'), ['[0:v:0]format=yuv420p,split=1[s0];[s0]scale=320:240,setsar=1[v0]'])
  assert.deepEqual(valuesOf(args, '-map'), ['[v0]', '0:a:0'])
  assert.deepEqual(valuesOf(args, '-c:a'), ['aac'])
})

test('--format and --byterange: segment type, file names and single_file per rendition', () => {
  const forms: Array<[Packaging, string[], string[], string[]]> = [
    [{ format: 'ts', byterange: false }, [], [], ['/out/360p/seg_%05d.ts']],
    [{ format: 'ts', byterange: true }, [], ['single_file'], ['/out/360p/index.ts']],
    [{ format: 'fmp4', byterange: false }, ['fmp4'], [], ['/out/360p/seg_%05d.m4s']],
    [{ format: 'fmp4', byterange: true }, ['fmp4'], ['single_file'], ['/out/360p/index.mp4']],
  ]
  for (const [packaging, type, flags, files] of forms) {
    const args = buildTestPatternArgs({ rungs: SAMPLE_LADDER.slice(0, 1), outDir: '/out', fontFile: null, seconds: 4, mode: VOD, packaging })
    assert.deepEqual(valuesOf(args, '-hls_segment_type'), type, JSON.stringify(packaging))
    assert.deepEqual(valuesOf(args, '-hls_flags'), flags, JSON.stringify(packaging))
    assert.deepEqual(valuesOf(args, '-hls_segment_filename'), files, JSON.stringify(packaging))
    assert.deepEqual(valuesOf(args, '-hls_fmp4_init_filename'), packaging.format === 'fmp4' && !packaging.byterange ? ['init.mp4'] : [])
  }
  const packaged = buildPackageArgs({ input: 'a.mp4', rungs: planLadder({ width: 320, height: 240 }), outDir: '/out', hasAudio: true, sourceFps: 25, packaging: { format: 'fmp4', byterange: true } })
  assert.deepEqual(valuesOf(packaged, '-hls_flags'), ['single_file'])
})

test('a mode with shorter segments keeps a keyframe on every boundary', () => {
  const args = buildTestPatternArgs({ rungs: SAMPLE_LADDER.slice(0, 1), outDir: '/out', fontFile: null, seconds: 4, mode: { ...VOD, segmentSeconds: 0.5 } })
  assert.deepEqual([valuesOf(args, '-g'), valuesOf(args, '-hls_time')], [['15'], ['0.5']])
})
