import { test } from 'node:test'
import assert from 'node:assert/strict'
import { nextPhase, type PhaseEvent, type SessionPhase } from '../../client/payer/session-phase.ts'

function run(from: SessionPhase, ...events: PhaseEvent[]): SessionPhase {
  return events.reduce(nextPhase, from)
}

test('phases: open, play, lose the connection, resume, close', () => {
  assert.equal(run('idle', { type: 'open_started' }, { type: 'funded' }), 'open')
  assert.equal(run('open', { type: 'disconnected' }), 'reconnecting')
  assert.equal(run('reconnecting', { type: 'resume_started' }, { type: 'resumed' }), 'open')
  assert.equal(run('open', { type: 'close_started' }, { type: 'settled', final: true }), 'closed')
})

test('phases: a cap raise is its own phase between two channels, and ends open on the new one', () => {
  assert.equal(run('open', { type: 'switch_started' }), 'switching')
  assert.equal(run('open', { type: 'switch_started' }, { type: 'settled', final: false }), 'switching')
  assert.equal(run('open', { type: 'switch_started' }, { type: 'settled', final: false }, { type: 'open_started' }, { type: 'funded' }), 'open')
})

test('phases: a failed open is idle unless the channel is remembered for recovery; a drop outside "open" changes nothing', () => {
  assert.equal(run('opening', { type: 'open_failed', remembered: false }), 'idle')
  assert.equal(run('opening', { type: 'open_failed', remembered: true }), 'opening')
  assert.equal(run('closing', { type: 'disconnected' }), 'closing')
  assert.equal(run('idle', { type: 'disconnected' }), 'idle')
})
