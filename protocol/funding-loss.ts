// How a channel's funding can stop being money after it went live, each both a close reason and the code that refuses
// the channel from then on: a conflicting tx won (double spend), or another tx spent the funding output. Apart from
// the message schemas, so the player reads it without loading a validator.

export const FUNDING_LOSSES = ['funding_double_spent', 'funding_spent'] as const
export type FundingLoss = (typeof FUNDING_LOSSES)[number]

export function isFundingLoss(reason: string | null | undefined): reason is FundingLoss {
  return (FUNDING_LOSSES as readonly string[]).includes(reason ?? '')
}
