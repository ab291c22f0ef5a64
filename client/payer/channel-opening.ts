// Opening a channel with the host, step by step: build the funding and the payer-signed refund, have the host co-sign
// the refund, check it with the full interpreter, remember it, and only then hand the host the funding to broadcast.
import type { ClientEvent, ReplyOf, RequestOf, Terms } from '../../protocol/messages.ts'
import { InsufficientFundsError } from '../../protocol/transactions.ts'
import { rearm, type AlertThreshold } from './cap-alerts.ts'
import { fundingParents } from './funding-parents.ts'
import { acceptRefund, openPayerChannel } from './payer.ts'
import type { CarriedTotals, PersistedSession } from './persisted-session.ts'
import type { ChannelWallet } from './session-types.ts'
import { explainRejection, hostStopped, insufficientFunds, type ViewerError } from './viewer-errors.ts'

export interface OpeningSteps {
  ask<E extends ClientEvent>(event: E, payload: RequestOf<E>): Promise<ReplyOf<E>>
  /** Tells the viewer and throws. */
  fail(error: ViewerError): never
  /** Keeps the co-signed refund: called before the funding can reach the ledger. */
  remember(opening: PersistedSession): void
  /** The host refused the funding: the channel never existed. */
  forget(): void
}

/**
 * A random block height below 500,000,000 for the funding's nLockTime, which its final inputs leave without effect:
 * each open gets a funding, and an outpoint, of its own, even from the same coins after a refused funding.
 */
function freshFundingLockTime(): number {
  return 1 + (crypto.getRandomValues(new Uint32Array(1))[0] % 499_999_999)
}

/** Returns the funded channel, token included. */
export async function openWithHost(
  steps: OpeningSteps,
  p: { terms: Terms; wallet: ChannelWallet; cap: number; carried: CarriedTotals; thresholds: readonly AlertThreshold[] },
): Promise<PersistedSession> {
  const { terms } = p
  if (!terms.accepting) steps.fail(hostStopped('The host is not accepting new viewers right now.'))
  const utxos = await p.wallet.utxos()
  let opened: ReturnType<typeof openPayerChannel>
  try {
    opened = openPayerChannel({ payerKey: p.wallet.key, terms, cap: p.cap, utxos, fundingLockTime: freshFundingLockTime() })
  } catch (error) {
    if (error instanceof InsufficientFundsError) steps.fail(insufficientFunds(error.needed, error.available, terms.network))
    throw error
  }
  const { channel, fundingHex, refund, refundPayerSignature } = opened
  const offer = await steps.ask('open', opened.request)
  if (!offer.ok) steps.fail(explainRejection(offer.code, offer.message, 'open'))
  // The host's refund signature must hold up in the interpreter before any coin leaves the wallet.
  const refundCheck = acceptRefund(channel, refund, refundPayerSignature, offer.refundPayeeSignature)
  if (!refundCheck.ok) {
    steps.fail({
      kind: 'refund_invalid',
      message: `The host's refund signature does not verify (${refundCheck.message}); the channel was not funded.`,
      nextStep: 'Nothing was spent. Do not use this host; report it to its operator.',
    })
  }
  const opening: PersistedSession = {
    version: 1,
    channel: { ...channel, channelId: offer.channelId },
    token: null,
    refundHex: refundCheck.refundHex,
    ...p.carried,
    seconds: 0,
    segments: 0,
    firedAlerts: rearm(p.thresholds, p.carried.spentBefore, p.carried.spentBefore + channel.cap),
  }
  steps.remember(opening)
  const parents = p.wallet.rawTx ? await fundingParents(fundingHex, (txid) => p.wallet.rawTx!(txid)) : []
  const funded = await steps.ask('fund', { channelId: offer.channelId, fundingTx: fundingHex, ...(parents.length > 0 ? { fundingParents: parents } : {}) })
  if (!funded.ok) {
    steps.forget()
    steps.fail(explainRejection(funded.code, funded.message, 'fund'))
  }
  return { ...opening, token: funded.token }
}
