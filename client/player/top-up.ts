// How much devnet money the player asks the faucet for, so that a first visit just plays. Pure.

/** What a first devnet visit gets from the faucet, and what "Get more devnet coins" adds. */
export const DEVNET_TOP_UP = 50_000

/** Room above the cap for the funding and close fees. */
export const FEE_HEADROOM = 2_000

/** The faucet payment the wallet needs before opening a channel at `cap`, or null when it has enough (or no faucet). */
export function devnetTopUp(p: { balance: number; cap: number; canUseFaucet: boolean }): number | null {
  if (!p.canUseFaucet || p.balance >= p.cap + FEE_HEADROOM) return null
  return Math.max(DEVNET_TOP_UP, p.cap * 2)
}
