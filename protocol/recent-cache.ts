// A memo that forgets what has not been used lately. The payee memoizes per channel (its scripts, outpoint, input
// hashes, the payer's key), and a channel's entries are dead weight once it closes; a cache that is only emptied when
// full grows for hours at a steady churn of viewers before it reaches its bound (the soak reads that as a leak).
// Two generations: every new entry, and every entry found in the old generation, goes into the young one; once the
// young one is older than `maxAgeMs` or holds `maxEntries`, the old one is dropped and the young one becomes the old.
// So an entry used at least once an age stays, one unused for two ages is gone, and at most 2 × maxEntries are held.

export class RecentCache<K, V> {
  private young = new Map<K, V>()
  private old = new Map<K, V>()
  private youngSince: number

  constructor(
    private readonly limits: { maxEntries: number; maxAgeMs: number },
    private readonly clock: () => number = Date.now,
  ) {
    this.youngSince = clock()
  }

  get(key: K): V | undefined {
    const hit = this.young.get(key)
    if (hit !== undefined) return hit
    const kept = this.old.get(key)
    if (kept !== undefined) this.set(key, kept)
    return kept
  }

  /** The value kept for `key`, or `make()`'s, kept from now on (a `make` that throws keeps nothing). */
  memo(key: K, make: () => V): V {
    const kept = this.get(key)
    if (kept !== undefined) return kept
    const made = make()
    this.set(key, made)
    return made
  }

  set(key: K, value: V): void {
    // The clock is read only here: lookups, the payee's hot path, stay one Map read.
    if (this.young.size >= this.limits.maxEntries || this.clock() - this.youngSince >= this.limits.maxAgeMs) {
      this.old = this.young
      this.young = new Map()
      this.youngSince = this.clock()
    }
    this.young.set(key, value)
  }
}

/** The payee's memos: an open channel pays every few seconds, and its entries go within minutes of its close. */
export const CHANNEL_MEMO_LIMITS = { maxEntries: 10_000, maxAgeMs: 5 * 60_000 }
