// The viewer's spending limits as rules: given what was spent, when and at which host, the clock and the viewer's
// policy, what each limit allows now and which of its alerts fire. Pure; the spending book (spending-book.ts) keeps
// the records at the edge, and the session asks it before it signs. Periods follow the viewer's local calendar: a day
// starts at local midnight, a week on Monday, a month on its 1st. The clock is always the caller's.
import { crossedThresholds, rearm, type AlertThreshold, type CapAlert } from './cap-alerts.ts'

export type Period = 'day' | 'week' | 'month'

/** The three limits: this viewing's cap, what one host may take in a period, and all hosts together in a month. */
export type LimitKind = 'viewing' | 'host' | 'month'

export interface LimitRule {
  /** The most the period may cost, satoshis, tips included; null for no limit. */
  sats: number | null
  thresholds: AlertThreshold[]
}

/** The limits beyond the viewing's cap (which the channel itself carries, see payer.ts). */
export interface BudgetPolicy {
  host: LimitRule & { period: Period }
  month: LimitRule
}

export const NO_BUDGET_LIMITS: BudgetPolicy = {
  host: { sats: null, period: 'day', thresholds: [] },
  month: { sats: null, thresholds: [] },
}

/** What was paid on one local day to one host, satoshis, tips included: the records the limits count. */
export interface DaySpend {
  /** Local date, YYYY-MM-DD. */
  day: string
  host: string
  sats: number
}

/** One limit as it stands now. */
export interface LimitState {
  kind: LimitKind
  period: Period | 'viewing'
  /** Names what is counted ("host host.example:day:2026-12-07"): the alerts of a new period, or another host, fire on their own. */
  periodKey: string
  spent: number
  limit: number | null
  /** What may still be paid under this limit (Infinity without one). */
  left: number
  thresholds: AlertThreshold[]
  /** When the period ends and the limit starts afresh (null for the viewing, which ends when the viewer stops). */
  resetsAt: number | null
}

/** An alert of a host or monthly limit: a cap alert that also says which limit. */
export interface BudgetAlert extends CapAlert {
  kind: LimitState['kind']
  period: LimitState['period']
}

/** Fired thresholds by period key. */
export type FiredAlerts = Record<string, number[]>

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** The local date of an instant, YYYY-MM-DD. */
export function localDay(at: number): string {
  const d = new Date(at)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** Local midnight starting day `d` of month `m` (both may overflow: Date normalises them). */
function midnight(y: number, m: number, d: number): number {
  return new Date(y, m, d).getTime()
}

/** The local period containing `now`: its first day and the instant it ends. */
export function periodBounds(period: Period, now: number): { first: string; end: number } {
  const d = new Date(now)
  const [y, m, day] = [d.getFullYear(), d.getMonth(), d.getDate()]
  if (period === 'day') return { first: localDay(midnight(y, m, day)), end: midnight(y, m, day + 1) }
  if (period === 'week') {
    const monday = day - ((d.getDay() + 6) % 7)
    return { first: localDay(midnight(y, m, monday)), end: midnight(y, m, monday + 7) }
  }
  return { first: localDay(midnight(y, m, 1)), end: midnight(y, m + 1, 1) }
}

/** Satoshis spent in the period containing `now`, at `host` or (null) at every host. */
export function spentIn(spending: readonly DaySpend[], period: Period, now: number, host: string | null): number {
  const { first, end } = periodBounds(period, now)
  const last = localDay(end - 1)
  return spending.reduce((sum, r) => (r.day >= first && r.day <= last && (host === null || r.host === host) ? sum + r.sats : sum), 0)
}

function stateOf(kind: LimitKind, scope: string, period: Period, rule: LimitRule, spent: number, now: number): LimitState {
  const { first, end } = periodBounds(period, now)
  return {
    kind,
    period,
    periodKey: `${scope}:${period}:${first}`,
    spent,
    limit: rule.sats,
    left: rule.sats === null ? Infinity : Math.max(0, rule.sats - spent),
    thresholds: rule.thresholds,
    resetsAt: end,
  }
}

export interface LimitsInput {
  policy: BudgetPolicy
  spending: readonly DaySpend[]
  now: number
  host: string
  /** This viewing so far and its cap, with the cap's alert thresholds. */
  viewing?: { spent: number; cap: number; thresholds: AlertThreshold[] }
}

/** Every limit as it stands at `now`: the viewing's (when given), the host's, and the monthly one over all hosts. */
export function limitsNow(input: LimitsInput): LimitState[] {
  const { policy, spending, now, host, viewing } = input
  const states: LimitState[] = []
  if (viewing) {
    const { spent, cap, thresholds } = viewing
    states.push({ kind: 'viewing', period: 'viewing', periodKey: 'viewing', spent, limit: cap, left: Math.max(0, cap - spent), thresholds, resetsAt: null })
  }
  states.push(stateOf('host', `host ${host}`, policy.host.period, policy.host, spentIn(spending, policy.host.period, now, host), now))
  states.push(stateOf('month', 'all hosts', 'month', policy.month, spentIn(spending, 'month', now, null), now))
  return states
}

/** The first limit a payment of `amount` would pass, or null when every limit allows it. */
export function blockingLimit(states: readonly LimitState[], amount: number): LimitState | null {
  return states.find((s) => s.limit !== null && s.spent + amount > s.limit) ?? null
}

/**
 * The alerts the limits' spending sets off, each threshold once per period, and the fired thresholds to keep (only
 * the current periods': an old period's are dropped, so a new day, week or month warns again).
 */
export function budgetAlerts(states: readonly LimitState[], fired: FiredAlerts): { alerts: BudgetAlert[]; fired: FiredAlerts } {
  const alerts: BudgetAlert[] = []
  const nowFired: FiredAlerts = {}
  for (const s of states) {
    if (s.limit === null) continue
    const crossed = crossedThresholds(s.thresholds, fired[s.periodKey] ?? [], s.spent, s.limit)
    nowFired[s.periodKey] = crossed.fired
    alerts.push(...crossed.alerts.map((a) => ({ ...a, kind: s.kind, period: s.period })))
  }
  return { alerts, fired: nowFired }
}

/** After the viewer changed a limit: only the thresholds still crossed stay fired, so the others warn again. */
export function rearmBudgets(states: readonly LimitState[]): FiredAlerts {
  const fired: FiredAlerts = {}
  for (const s of states) if (s.limit !== null) fired[s.periodKey] = rearm(s.thresholds, s.spent, s.limit)
  return fired
}

/** Adds a payment to the day's record of its host, and drops days no limit counts any more. */
export function withSpend(spending: readonly DaySpend[], host: string, at: number, sats: number): DaySpend[] {
  const day = localDay(at)
  const oldest = [periodBounds('week', at).first, periodBounds('month', at).first].sort()[0]
  const kept = spending.filter((r) => r.day >= oldest && !(r.day === day && r.host === host))
  const today = spending.find((r) => r.day === day && r.host === host)
  return [...kept, { day, host, sats: (today?.sats ?? 0) + sats }]
}

const PERIOD_WORD: Record<Period, string> = { day: 'daily', week: 'weekly', month: 'monthly' }

/** How the viewer calls a limit: "daily limit for this host". */
export function limitName(state: Pick<LimitState, 'kind' | 'period'>): string {
  if (state.kind === 'viewing') return 'cap for this viewing'
  if (state.kind === 'month') return 'monthly limit for all hosts'
  return `${PERIOD_WORD[state.period as Period]} limit for this host`
}
