// The bench must not die of its own flakiness (issue 23: a keep-alive race with the devnet's ARC killed two runs of
// four while funding). A phase is tried again once; if it fails again, its rows are left out with a note saying why,
// and the run goes on to the next phase.
export interface Attempts {
  /** Runs `phase` up to `tries` times; the fallback (and a note) when every try failed. */
  run<T>(label: string, phase: () => Promise<T>, fallback: T, tries?: number): Promise<T>
  /** What was retried or left out, for the results. */
  readonly notes: string[]
}

export function attempts(log: (line: string) => void): Attempts {
  const notes: string[] = []
  return {
    notes,
    async run(label, phase, fallback, tries = 2) {
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await phase()
          if (attempt > 1) notes.push(`${label}: succeeded at attempt ${attempt}`)
          return result
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error)
          log(`${label} failed (attempt ${attempt} of ${tries}): ${reason}`)
          if (attempt >= tries) {
            notes.push(`${label}: left out after ${tries} failed attempts (last: ${reason.slice(0, 200)})`)
            return fallback
          }
        }
      }
    },
  }
}
