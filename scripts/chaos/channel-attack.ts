// The classes of `npm run chaos` that hold channels of their own, and so could lose money, keep the same books: the
// host's answers counted, what must never happen, and satoshis acknowledged that the ledger does not pay.
import type { Attack, AttackContext, AttackOutcome } from './attacks.ts'

export interface ClassBooks {
  /** One more of this answer (or `n` more). */
  tally(answer: string, n?: number): void
  violations: string[]
  /** Satoshis the host acknowledged and does not hold, or that no close pays (a shortfall below 0 counts as 0). */
  lose(satoshis: number): void
}

export type ChannelAttack = Attack & { lostSatoshis(): number }

/** `run` writes to the books and answers how many cases it tried, or why it could not run here. */
export function channelAttack(name: string, run: (ctx: AttackContext, books: ClassBooks) => Promise<number | { skipped: string }>): ChannelAttack {
  let lost = 0
  return {
    name,
    lostSatoshis: () => lost,
    async run(ctx): Promise<AttackOutcome> {
      const answers: Record<string, number> = {}
      const violations: string[] = []
      const books: ClassBooks = {
        tally: (answer, n = 1) => void (answers[answer] = (answers[answer] ?? 0) + n),
        violations,
        lose: (satoshis) => void (lost += Math.max(0, satoshis)),
      }
      const cases = await run(ctx, books)
      return typeof cases === 'number' ? { cases, answers, violations } : { cases: 0, answers, violations, skipped: cases.skipped }
    },
  }
}
