// Bounds how fast one socket may send messages: a steady rate with a short burst allowance.
export interface TokenBucket {
  tokens: number
  updatedAt: number
}

export function take(bucket: TokenBucket, now: number, ratePerSecond: number, burst: number): { allowed: boolean; bucket: TokenBucket } {
  const refilled = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * ratePerSecond)
  if (refilled < 1) return { allowed: false, bucket: { tokens: refilled, updatedAt: now } }
  return { allowed: true, bucket: { tokens: refilled - 1, updatedAt: now } }
}
