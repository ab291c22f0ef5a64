import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  EMPTY_PROGRESS,
  estimateProgress,
  feedProgress,
  formatClock,
  outTimeOf,
  progressStepReached,
  renderProgressBar,
  renderProgressLine,
} from '../../server/media/progress.ts'

// Two blocks as ffmpeg 4.1 prints them with -progress pipe:1 (out_time_ms is really microseconds).
const OUTPUT = [
  'frame=0', 'fps=0.00', 'bitrate=N/A', 'total_size=N/A', 'out_time_us=-9223372036854775807', 'out_time_ms=-9223372036854775807', 'out_time=-2562047788:00:54.775807', 'speed=N/A', 'progress=continue',
  'frame=120', 'fps=58.2', 'bitrate=N/A', 'out_time_us=4010667', 'out_time_ms=4010667', 'out_time=00:00:04.010667', 'speed=1.95x', 'progress=end', '',
].join('\n')

test('progress blocks parse into media time, even when chunks split lines anywhere', () => {
  const whole = feedProgress(EMPTY_PROGRESS, OUTPUT).updates
  assert.deepEqual(whole, [{ outTimeSeconds: 0, ended: false }, { outTimeSeconds: 4.010667, ended: true }])
  for (const size of [1, 7, 33]) {
    let state = EMPTY_PROGRESS
    const updates = []
    for (let at = 0; at < OUTPUT.length; at += size) {
      state = feedProgress(state, OUTPUT.slice(at, at + size))
      updates.push(...state.updates)
    }
    assert.deepEqual(updates, whole, `chunks of ${size}`)
  }
})

test('media time falls back from out_time_us to out_time_ms to out_time, and N/A is unknown', () => {
  assert.equal(outTimeOf({ out_time_ms: '2500000' }), 2.5)
  assert.equal(outTimeOf({ out_time: '00:01:02.500000' }), 62.5)
  assert.equal(outTimeOf({ out_time_us: 'N/A', out_time_ms: 'N/A', out_time: 'N/A' }), null)
  assert.equal(outTimeOf({}), null)
})

test('percent and ETA extrapolate wall time from media time done', () => {
  assert.deepEqual(estimateProgress(15, 60, 5), { fraction: 0.25, etaSeconds: 15 })
  assert.deepEqual(estimateProgress(null, 60, 5), { fraction: 0, etaSeconds: null })
  assert.deepEqual(estimateProgress(0, 60, 5), { fraction: 0, etaSeconds: null })
  assert.deepEqual(estimateProgress(61, 60, 5), { fraction: 1, etaSeconds: 0 })
  assert.deepEqual(estimateProgress(10, 0, 5), { fraction: 0, etaSeconds: null })
})

test('the bar and the plain line show percent and ETA', () => {
  assert.equal(renderProgressBar('sample', { fraction: 0.4, etaSeconds: 6 }, 10), 'sample [####------]  40%  ETA 0:06')
  assert.equal(renderProgressBar('sample', { fraction: 0, etaSeconds: null }, 4), 'sample [----]   0%  ETA --:--')
  assert.equal(renderProgressLine('sample', { fraction: 0.999, etaSeconds: 0.2 }, 60), 'sample: 99% of 1:00 encoded, ETA 0:00')
  assert.equal(formatClock(3725), '1:02:05')
})

test('plain output prints on the first update and then once per 10% crossed', () => {
  assert.equal(progressStepReached(null, 0), true)
  assert.equal(progressStepReached(0.01, 0.09), false)
  assert.equal(progressStepReached(0.09, 0.1), true)
  assert.equal(progressStepReached(0.1, 0.35), true)
  assert.equal(progressStepReached(0.35, 0.39), false)
  assert.equal(progressStepReached(0.95, 1), true)
})
