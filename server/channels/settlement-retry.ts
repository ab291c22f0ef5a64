// How the host retries a close the ledger did not take (down, slow, 5xx, garbage): pure functions of the failures so
// far and the clock. The close itself never changes between attempts (closePlan rebroadcasts the stored one).

/** The first retry waits this long; each failure doubles it, up to RETRY_MAX_MS. */
export const RETRY_BASE_MS = 1_000
/** Short against a block (10 minutes on mainnet): a close retried this often lands well inside the deadline margin. */
export const RETRY_MAX_MS = 30_000

/** A settlement that failed at least once and has not landed yet: what the dashboard shows as "settlement pending". */
export interface PendingSettlement {
  failures: number
  lastError: string
  lastAttemptAt: number
  nextAttemptAt: number
}

/** 1 s, 2 s, 4 s … capped at RETRY_MAX_MS, after the n-th consecutive failure (n >= 1). */
export function retryDelayMs(failures: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, failures - 1))
}

export function afterFailure(previous: PendingSettlement | undefined, now: number, error: string): PendingSettlement {
  const failures = (previous?.failures ?? 0) + 1
  return { failures, lastError: error.slice(0, 300), lastAttemptAt: now, nextAttemptAt: now + retryDelayMs(failures) }
}

/** Whether the scheduler should try this channel's close again now. */
export function retryDue(pending: PendingSettlement | undefined, now: number): boolean {
  return !pending || now >= pending.nextAttemptAt
}
