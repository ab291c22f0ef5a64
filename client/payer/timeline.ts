// The steps of a paid start, each as two performance marks (`p2p:STEP:start`, `p2p:STEP:end`) the first time it
// happens in a page: the bench reads them to draw the waterfall between page load and the first paid frame
// (scripts/bench/phases/ttff.ts). Only the first of each is kept, so a long viewing adds nothing.

export const STEPS = ['script', 'page', 'socket', 'terms', 'wallet search', 'media playlist', 'resume', 'coins', 'open', 'co-sign', 'fund', 'first update', 'first segment', 'first frame'] as const
export type Step = (typeof STEPS)[number]

const MARK_PREFIX = 'p2p:'
const marked = new Set<string>()

export function markStep(step: Step, edge: 'start' | 'end'): void {
  const name = `${MARK_PREFIX}${step}:${edge}`
  if (marked.has(name)) return
  marked.add(name)
  globalThis.performance?.mark?.(name)
}

/** Runs `work` between the step's two marks. */
export async function timed<T>(step: Step, work: () => Promise<T>): Promise<T> {
  markStep(step, 'start')
  try {
    return await work()
  } finally {
    markStep(step, 'end')
  }
}

/** The steps a page marked, from its marks' names and times (milliseconds since navigation). */
export function stepsFromMarks(marks: ReadonlyArray<{ name: string; startTime: number }>): Partial<Record<Step, { start: number | null; end: number | null }>> {
  const steps: Partial<Record<Step, { start: number | null; end: number | null }>> = {}
  for (const { name, startTime } of marks) {
    if (!name.startsWith(MARK_PREFIX)) continue
    const [step, edge] = name.slice(MARK_PREFIX.length).split(':') as [Step, string]
    if (!STEPS.includes(step)) continue
    const entry = (steps[step] ??= { start: null, end: null })
    if (edge === 'start') entry.start = startTime
    else if (edge === 'end') entry.end = startTime
  }
  return steps
}
