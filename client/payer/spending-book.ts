// The viewer's spending by day and host, kept in the viewer's storage so the host and monthly limits hold across
// viewings, reloads and channels; the rules that read it are budgets.ts. The session asks it before every signature
// (blocking) and tells it every accepted payment (spent). Isomorphic: the clock and the policy are the caller's.
import {
  blockingLimit,
  budgetAlerts,
  limitsNow,
  rearmBudgets,
  withSpend,
  type BudgetAlert,
  type BudgetPolicy,
  type DaySpend,
  type FiredAlerts,
  type LimitState,
} from './budgets.ts'
import { readJson, writeJson, type KeyValueStorage } from './storage.ts'

export const SPENDING_KEY = 'p2p.spending'

/** What a session asks before it signs, and tells once a payment is accepted. */
export interface BudgetGuard {
  /** The host or monthly limit a payment of `amount` would pass, or null when it may be signed. */
  blocking(amount: number): LimitState | null
  /** A payment the host accepted: recorded; returns the alerts it set off. */
  spent(amount: number): BudgetAlert[]
}

interface Stored {
  days: DaySpend[]
  fired: FiredAlerts
}

function parseStored(value: unknown): Stored {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<Stored>
  const days = Array.isArray(v.days)
    ? v.days.filter((r): r is DaySpend => typeof r?.day === 'string' && typeof r.host === 'string' && Number.isSafeInteger(r.sats) && r.sats >= 0)
    : []
  const fired = typeof v.fired === 'object' && v.fired !== null ? v.fired : {}
  return { days, fired }
}

export class SpendingBook implements BudgetGuard {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly host: string,
    private readonly policy: () => BudgetPolicy,
    private readonly clock: () => number = Date.now,
    private readonly key = SPENDING_KEY,
  ) {}

  /** The host and monthly limits as they stand now. */
  limits(): LimitState[] {
    return limitsNow({ policy: this.policy(), spending: this.read().days, now: this.clock(), host: this.host })
  }

  blocking(amount: number): LimitState | null {
    return blockingLimit(this.limits(), amount)
  }

  spent(amount: number): BudgetAlert[] {
    const stored = this.read()
    const days = withSpend(stored.days, this.host, this.clock(), amount)
    const states = limitsNow({ policy: this.policy(), spending: days, now: this.clock(), host: this.host })
    const { alerts, fired } = budgetAlerts(states, stored.fired)
    this.write({ days, fired })
    return alerts
  }

  /** After the viewer changed the policy: thresholds no longer crossed warn again. */
  rearm(): void {
    this.write({ ...this.read(), fired: rearmBudgets(this.limits()) })
  }

  private read(): Stored {
    return parseStored(readJson(this.storage, this.key))
  }

  private write(stored: Stored): void {
    writeJson(this.storage, this.key, stored)
  }
}
