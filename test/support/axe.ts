// axe-core in a page under the host's Content-Security-Policy: its source is evaluated through the DevTools protocol
// (which the CSP does not govern), so the page's own policy stays as strict as it is for viewers.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'

const AXE_SOURCE = readFileSync(fileURLToPath(import.meta.resolve('axe-core/axe.min.js')), 'utf8')

export interface AxeFinding {
  id: string
  impact: string
  help: string
  /** A selector and the failure summary of each element that breaks the rule. */
  nodes: string[]
}

interface AxeResults {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }>
  passes: Array<{ id: string }>
}

/** Runs every axe rule on the page as it is now, and returns its serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  const results = await axeResults(page)
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`) }))
}

/** Whether the page passes one axe rule (e.g. page-has-heading-one, whose impact is only "moderate"). */
export async function passesRule(page: Page, rule: string): Promise<boolean> {
  const results = await axeResults(page, [rule])
  return results.passes.some((p) => p.id === rule)
}

async function axeResults(page: Page, rules?: string[]): Promise<AxeResults> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  return (await page.evaluate(
    (only) => (window as unknown as { axe: { run(context: Document, options: object): Promise<unknown> } }).axe.run(document, only ? { runOnly: { type: 'rule', values: only } } : { resultTypes: ['violations'] }),
    rules ?? null,
  )) as AxeResults
}

/** One line per element, for an assertion message a person can act on. */
export function describeFindings(findings: readonly AxeFinding[]): string {
  return findings.map((f) => `${f.impact} ${f.id} (${f.help}):\n  ${f.nodes.join('\n  ')}`).join('\n')
}
