// The budget rules with a clock the test controls: local days, weeks and months (in a zone with summer time), the
// limits across viewings and day boundaries, and the property that a viewer who asks before paying never passes one.
process.env.TZ = 'America/New_York'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { blockingLimit, budgetAlerts, limitName, limitsNow, localDay, periodBounds, spentIn, withSpend, type BudgetPolicy, type DaySpend, type Period } from '../../client/payer/budgets.ts'
import { DEFAULT_THRESHOLDS } from '../../client/payer/cap-alerts.ts'
import { SpendingBook } from '../../client/payer/spending-book.ts'
import { MemoryStorage } from '../../client/payer/storage.ts'

const at = (y: number, m: number, d: number, h = 12, min = 0) => new Date(y, m - 1, d, h, min).getTime()
const thresholds = DEFAULT_THRESHOLDS.map((t) => ({ ...t }))
const policy = (host: number | null, period: Period, month: number | null): BudgetPolicy => ({ host: { sats: host, period, thresholds }, month: { sats: month, thresholds } })

/** The local dates of the period containing `now`, found by walking the calendar a day at a time. */
function datesOfPeriod(period: Period, now: number): Set<string> {
  const d = new Date(now)
  if (period === 'day') return new Set([localDay(now)])
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate(), 12)
  if (period === 'week') while (start.getDay() !== 1) start.setDate(start.getDate() - 1)
  else start.setDate(1)
  const dates = new Set<string>()
  for (const day = new Date(start); period === 'week' ? dates.size < 7 : day.getMonth() === start.getMonth(); day.setDate(day.getDate() + 1)) dates.add(localDay(day.getTime()))
  return dates
}

test('periods follow the local calendar: midnight, Monday, the 1st, through summer time changes', () => {
  // 2026-03-08 is the spring-forward Sunday in New York; 2026-11-01 the fall-back one.
  assert.deepEqual(periodBounds('day', at(2026, 3, 8, 23, 59)), { first: '2026-03-08', end: at(2026, 3, 9, 0) })
  assert.equal(periodBounds('day', at(2026, 3, 8, 23, 59)).end - at(2026, 3, 8, 0), 23 * 3_600_000, 'that day has 23 hours')
  assert.deepEqual(periodBounds('week', at(2026, 11, 1, 10)), { first: '2026-10-26', end: at(2026, 11, 2, 0) })
  assert.deepEqual(periodBounds('week', at(2026, 11, 2, 0, 0)), { first: '2026-11-02', end: at(2026, 11, 9, 0) })
  assert.deepEqual(periodBounds('month', at(2026, 12, 31, 23, 59)), { first: '2026-12-01', end: at(2027, 1, 1, 0) })
})

test('property: what a period counts is exactly the payments made on its local dates', () => {
  const start = at(2026, 1, 1)
  fc.assert(
    fc.property(
      fc.array(fc.record({ offset: fc.integer({ min: 0, max: 400 * 86_400_000 }), sats: fc.integer({ min: 1, max: 500 }), host: fc.constantFrom('a.example', 'b.example') }), { maxLength: 40 }),
      fc.integer({ min: 0, max: 40 * 86_400_000 }),
      fc.constantFrom<Period>('day', 'week', 'month'),
      (payments, later, period) => {
        const sorted = [...payments].sort((x, y) => x.offset - y.offset)
        let spending: DaySpend[] = []
        for (const p of sorted) spending = withSpend(spending, p.host, start + p.offset, p.sats)
        const now = start + (sorted.at(-1)?.offset ?? 0) + later
        const dates = datesOfPeriod(period, now)
        for (const host of ['a.example', null]) {
          const expected = sorted.filter((p) => dates.has(localDay(start + p.offset)) && (host === null || p.host === host)).reduce((s, p) => s + p.sats, 0)
          assert.equal(spentIn(spending, period, now, host), expected)
        }
      },
    ),
    { numRuns: 300 },
  )
})

test('property: a viewer who asks the rules before each payment never passes a limit, in any period', () => {
  const start = at(2026, 2, 20)
  fc.assert(
    fc.property(
      fc.record({ host: fc.option(fc.integer({ min: 1, max: 2_000 }), { nil: null }), period: fc.constantFrom<Period>('day', 'week', 'month'), month: fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: null }) }),
      fc.array(fc.record({ gap: fc.integer({ min: 0, max: 20 * 3_600_000 }), sats: fc.integer({ min: 1, max: 300 }), host: fc.constantFrom('a.example', 'b.example') }), { maxLength: 80 }),
      (limits, attempts) => {
        const rules = policy(limits.host, limits.period, limits.month)
        let spending: DaySpend[] = []
        const accepted: Array<{ at: number; sats: number; host: string }> = []
        let now = start
        for (const a of attempts) {
          now += a.gap
          const states = limitsNow({ policy: rules, spending, now, host: a.host })
          const blocked = blockingLimit(states, a.sats)
          if (blocked !== null) {
            assert.ok(blocked.limit !== null && blocked.spent + a.sats > blocked.limit, 'a refusal names a limit the payment would pass')
            continue
          }
          spending = withSpend(spending, a.host, now, a.sats)
          accepted.push({ at: now, sats: a.sats, host: a.host })
          // Checked against the raw payments, not the rules' own records.
          const inPeriod = (period: Period, host: string | null) => {
            const dates = datesOfPeriod(period, now)
            return accepted.filter((p) => dates.has(localDay(p.at)) && (host === null || p.host === host)).reduce((s, p) => s + p.sats, 0)
          }
          if (limits.host !== null) assert.ok(inPeriod(limits.period, a.host) <= limits.host)
          if (limits.month !== null) assert.ok(inPeriod('month', null) <= limits.month)
        }
      },
    ),
    { numRuns: 300 },
  )
})

test('budgets across two viewings and across midnight: the daily limit holds over both, then starts afresh; the month carries on', () => {
  const storage = new MemoryStorage()
  let now = at(2026, 12, 7, 23, 30)
  const rules = policy(300, 'day', 500)
  // Two viewings: two books over the same storage, as two page loads of the player are.
  const first = new SpendingBook(storage, 'host.example', () => rules, () => now)
  for (let i = 0; i < 10; i++) if (first.blocking(20) === null) first.spent(20)
  const second = new SpendingBook(storage, 'host.example', () => rules, () => now)
  now += 60_000
  for (let i = 0; i < 10; i++) if (second.blocking(20) === null) second.spent(20)
  const host = second.limits().find((l) => l.kind === 'host')!
  assert.equal(host.spent, 300, 'the second viewing stopped at the daily limit: 200 + 100')
  assert.equal(limitName(second.blocking(20)!), 'daily limit for this host')

  now = at(2026, 12, 8, 0, 1)
  assert.equal(second.blocking(20), null, 'after midnight the day starts afresh')
  assert.equal(second.limits().find((l) => l.kind === 'month')!.spent, 300, 'the month still counts yesterday')
  for (let i = 0; i < 20; i++) if (second.blocking(20) === null) second.spent(20)
  const month = second.limits().find((l) => l.kind === 'month')!
  assert.equal(month.spent, 500, 'now the monthly limit stops it, before the daily one')
  assert.equal(limitName(second.blocking(20)!), 'monthly limit for all hosts')
  const other = new SpendingBook(storage, 'other.example', () => rules, () => now)
  assert.equal(other.blocking(1)?.kind, 'month', 'the monthly limit counts every host')
  assert.equal(other.limits().find((l) => l.kind === 'host')!.spent, 0, 'the host limit counts its own host only')
  now = at(2027, 1, 1, 0, 0)
  assert.equal(other.blocking(20), null, 'a new month starts afresh')
})

test("each limit's alerts fire once per period, the most severe of a jump only, and again in the next period", () => {
  const storage = new MemoryStorage()
  let now = at(2026, 12, 7, 10)
  const book = new SpendingBook(storage, 'host.example', () => policy(100, 'day', 400), () => now)
  const seen = (alerts: ReturnType<SpendingBook['spent']>) => alerts.map((a) => `${a.kind}:${Math.round(a.fraction * 100)}`)
  assert.deepEqual(seen(book.spent(40)), [])
  assert.deepEqual(seen(book.spent(10)), ['host:50'])
  assert.deepEqual(seen(book.spent(10)), [])
  assert.deepEqual(seen(book.spent(40)), ['host:95'], 'from 60 to 100: only the critical one shows')
  now = at(2026, 12, 8, 10)
  assert.deepEqual(seen(book.spent(50)), ['host:50'], 'a new day warns again')
  const elsewhere = new SpendingBook(storage, 'other.example', () => policy(100, 'day', 400), () => now)
  assert.deepEqual(seen(elsewhere.spent(50)), ['host:50', 'month:50'], "another host's daily limit warns on its own; the month counts both hosts (100 + 50 + 50 of 400)")
  const { fired } = budgetAlerts(book.limits(), {})
  assert.deepEqual(Object.keys(fired).sort(), ['all hosts:month:2026-12-01', 'host host.example:day:2026-12-08'], 'only the current periods are kept')
})

test('without limits nothing blocks and nothing warns; a viewing limit is one of the three when given', () => {
  const states = limitsNow({ policy: policy(null, 'week', null), spending: [{ day: '2026-12-07', host: 'h', sats: 10 ** 9 }], now: at(2026, 12, 7), host: 'h', viewing: { spent: 90, cap: 100, thresholds } })
  assert.deepEqual(states.map((s) => s.kind), ['viewing', 'host', 'month'])
  assert.equal(blockingLimit(states, 10), null)
  assert.equal(blockingLimit(states, 11)?.kind, 'viewing')
  assert.equal(states[1].left, Infinity)
  assert.deepEqual(budgetAlerts(states.slice(1), {}).alerts, [])
})
