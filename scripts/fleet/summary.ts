// The fleet's verdict, from the viewers' results and the ledger checks. Pure, so the rules are unit-tested.
import { latencyStats, roundMs } from './percentiles.ts'
import type { LedgerCheck } from './ledger-check.ts'
import type { ErrorKind, ViewerResult } from './viewer-result.ts'

export interface LatencySummary {
  count: number
  p50: number | null
  p95: number | null
  p99: number | null
  max: number | null
}

export interface FleetSummary {
  viewers: number
  channelsOpened: number
  channelsSettled: number
  segmentsOk: number
  paymentRequired: number
  errors: Partial<Record<ErrorKind, number>>
  errorCount: number
  segmentLatencyMs: LatencySummary
  payLatencyMs: LatencySummary
  satoshisPaid: number
  satoshisServed: number
  satoshisSettled: number
  satoshisTipped: number
  /** Paid for, then not served because the host settled the channel (Stop) in between: one segment a viewer at most. */
  satoshisPaidUnserved: number
  /** What the viewers' acknowledged payments add up to beyond what their closes on the ledger pay the host. */
  satoshisLost: number
  closesVerified: number
  closesFailed: number
  /** Host outages the viewers rode out: how many viewers lost the host, how often in all, the longest wait. */
  outages: { viewers: number; total: number; longestMs: number }
  /** Every disagreement between what was paid, served, settled and put on the ledger. Empty means all agree. */
  mismatches: string[]
}

function latencySummary(samples: number[]): LatencySummary {
  const stats = latencyStats(samples)
  return { count: stats.count, p50: roundMs(stats.p50), p95: roundMs(stats.p95), p99: roundMs(stats.p99), max: roundMs(stats.max) }
}

/** The disagreements of one viewer, in words. */
export function viewerMismatches(result: ViewerResult, check: LedgerCheck | undefined): string[] {
  const who = `viewer ${result.index}${result.channelId ? ` (channel ${result.channelId})` : ''}`
  const problems: string[] = []
  if (result.paid !== result.served + result.tipped + result.paidUnserved) {
    const tipped = result.tipped > 0 ? ` and tipped ${result.tipped} sat` : ''
    const unserved = result.paidUnserved > 0 ? ` (and paid ${result.paidUnserved} sat for a segment the host settled before serving)` : ''
    problems.push(`${who}: paid ${result.paid} sat but was served segments worth ${result.served} sat${tipped}${unserved}`)
  }
  if (result.channelId !== null && result.paid > 0) {
    if (result.settled === null) problems.push(`${who}: paid ${result.paid} sat but the channel never settled`)
    else if (result.settled !== result.paid) problems.push(`${who}: paid ${result.paid} sat but the host settled ${result.settled} sat`)
    if (result.closeTxid === null) problems.push(`${who}: paid ${result.paid} sat but there is no close transaction`)
    else if (check === undefined) problems.push(`${who}: close tx ${result.closeTxid} was not checked on the ledger`)
  }
  if (check !== undefined && !check.verdict.ok) problems.push(`${who}: ${check.verdict.reason}`)
  return problems
}

/** Pure: each viewer's acknowledged total less what its close on the ledger pays the host, added up. */
export function satoshisLost(results: readonly ViewerResult[], checks: readonly LedgerCheck[]): number {
  const onLedger = new Map(checks.map((check) => [check.index, check.hostSatoshis]))
  return results.reduce((lost, result) => lost + Math.max(0, result.paid - (onLedger.get(result.index) ?? 0)), 0)
}

export function summarizeFleet(results: readonly ViewerResult[], checks: readonly LedgerCheck[]): FleetSummary {
  const checkOf = new Map(checks.map((check) => [check.index, check]))
  const errors: Partial<Record<ErrorKind, number>> = {}
  for (const result of results) {
    for (const [kind, count] of Object.entries(result.errors) as Array<[ErrorKind, number]>) errors[kind] = (errors[kind] ?? 0) + count
  }
  const sum = (pick: (result: ViewerResult) => number) => results.reduce((total, result) => total + pick(result), 0)
  return {
    viewers: results.length,
    channelsOpened: results.filter((result) => result.channelId !== null).length,
    channelsSettled: results.filter((result) => result.settled !== null).length,
    segmentsOk: sum((result) => result.segmentsOk),
    paymentRequired: sum((result) => result.paymentRequired),
    errors,
    errorCount: Object.values(errors).reduce<number>((total, count) => total + (count ?? 0), 0),
    segmentLatencyMs: latencySummary(results.flatMap((result) => result.segmentLatencyMs)),
    payLatencyMs: latencySummary(results.flatMap((result) => result.payLatencyMs)),
    satoshisPaid: sum((result) => result.paid),
    satoshisServed: sum((result) => result.served),
    satoshisSettled: sum((result) => result.settled ?? 0),
    satoshisTipped: sum((result) => result.tipped),
    satoshisPaidUnserved: sum((result) => result.paidUnserved),
    satoshisLost: satoshisLost(results, checks),
    closesVerified: checks.filter((check) => check.verdict.ok).length,
    closesFailed: checks.filter((check) => !check.verdict.ok).length,
    mismatches: results.flatMap((result) => viewerMismatches(result, checkOf.get(result.index))),
    outages: {
      viewers: results.filter((result) => result.outages > 0).length,
      total: sum((result) => result.outages),
      longestMs: Math.round(Math.max(0, ...results.map((result) => result.longestOutageMs))),
    },
  }
}

/** The exit status the CLI reports: 1 on any mismatch, 0 otherwise (errors alone are reported, not fatal). */
export function exitStatusOf(summary: FleetSummary): number {
  return summary.mismatches.length > 0 ? 1 : 0
}

const ms = (value: number | null) => (value === null ? '-' : `${value} ms`)

/** The human-readable summary printed at the end of a run. */
export function formatSummary(summary: FleetSummary): string {
  const errorList = Object.entries(summary.errors)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ')
  const lines = [
    `viewers            ${summary.viewers} (${summary.channelsOpened} channels opened, ${summary.channelsSettled} settled)`,
    `segments ok        ${summary.segmentsOk}`,
    `402s               ${summary.paymentRequired}`,
    `errors             ${summary.errorCount}${errorList ? ` (${errorList})` : ''}`,
    `segment latency    p50 ${ms(summary.segmentLatencyMs.p50)}  p95 ${ms(summary.segmentLatencyMs.p95)}  p99 ${ms(summary.segmentLatencyMs.p99)}  (${summary.segmentLatencyMs.count} samples)`,
    `payment latency    p50 ${ms(summary.payLatencyMs.p50)}  p95 ${ms(summary.payLatencyMs.p95)}  p99 ${ms(summary.payLatencyMs.p99)}`,
    `satoshis           paid ${summary.satoshisPaid}, served ${summary.satoshisServed}, tipped ${summary.satoshisTipped}, settled ${summary.satoshisSettled}, lost ${summary.satoshisLost}`,
    `ledger             ${summary.closesVerified} close txs verified, ${summary.closesFailed} failed`,
    ...(summary.satoshisPaidUnserved > 0 ? [`paid, not served   ${summary.satoshisPaidUnserved} sat: segments paid for just before the host settled their channels (Stop)`] : []),
    `host outages       ${summary.outages.total === 0 ? 'none' : `${summary.outages.total} (${summary.outages.viewers} viewers lost the host; longest ${(summary.outages.longestMs / 1000).toFixed(1)} s before they were back)`}`,
  ]
  if (summary.mismatches.length === 0) lines.push(`result             OK: paid = served${summary.satoshisTipped > 0 ? ' + tipped' : ''} = settled = on the ledger`)
  else lines.push(`result             ${summary.mismatches.length} MISMATCHES:`, ...summary.mismatches.map((line) => `  - ${line}`))
  return lines.join('\n')
}
