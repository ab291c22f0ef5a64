// The table `npm run chaos` prints and writes as JSON: one row per attack class, pure functions of the measurements.
import { alignedTable } from '../bench/aligned-table.ts'
import { latencyStats, roundMs } from '../fleet/percentiles.ts'
import type { AttackOutcome } from './attacks.ts'

export interface ChaosRow {
  class: string
  cases: number
  outcome: string
  satoshisLost: number
  /** The legitimate viewer's pay-then-fetch p99 during the attack, and the ratio to the quiet baseline. */
  p99Ms: number | null
  p99Ratio: number | null
  /** Every answer the host gave, counted: the outcome column shows only the commonest. */
  answers: Record<string, number>
  violations: string[]
}

/** Whether anything forbidden happened, then the three commonest answers (or why the class did not run). */
export function describeOutcome(outcome: AttackOutcome): string {
  if (outcome.skipped) return `skipped: ${outcome.skipped}`
  const top = Object.entries(outcome.answers)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([answer, count]) => `${answer} ×${count}`)
    .join(', ')
  return `${outcome.violations.length === 0 ? 'OK' : 'FAIL'}: ${top || 'no answers'}`
}

export function chaosRow(name: string, outcome: AttackOutcome, latenciesMs: readonly number[], baselineP99: number, satoshisLost: number): ChaosRow {
  const p99 = latencyStats(latenciesMs).p99
  return {
    class: name,
    cases: outcome.cases,
    outcome: describeOutcome(outcome),
    satoshisLost,
    p99Ms: roundMs(p99),
    p99Ratio: Number.isFinite(p99) && baselineP99 > 0 ? Math.round((p99 / baselineP99) * 100) / 100 : null,
    answers: outcome.answers,
    violations: outcome.violations,
  }
}

export function formatChaosTable(rows: readonly ChaosRow[], baselineP99: number): string {
  const header = ['class', 'cases', 'outcome', 'sats lost', 'viewer p99', 'vs quiet']
  const cells = rows.map((row) => [row.class, String(row.cases), row.outcome, String(row.satoshisLost), row.p99Ms === null ? '–' : `${row.p99Ms} ms`, row.p99Ratio === null ? '–' : `${row.p99Ratio}×`])
  return `quiet baseline p99: ${roundMs(baselineP99)} ms\n${alignedTable(header, cells)}`
}
