// Opening a channel with the host, step by step: the wallet gives the channel's keys and a signed funding it does not
// send; the payer signs the refund; the host co-signs it; the full interpreter checks it; it is remembered; and only
// then does the host get the funding to broadcast. Until the host has the funding, a refusal makes the wallet forget it.
import type { ClientEvent, RejectCode, ReplyOf, RequestOf, Terms } from '../../protocol/messages.ts'
import { InsufficientFundsError, withPayerSignature } from '../../protocol/transactions.ts'
import { rearm, type AlertThreshold } from './cap-alerts.ts'
import { acceptRefund, offerChannel, openRequestFor, planChannel } from './channel-offer.ts'
import type { ChannelWallet, FundingCarriage, SignedFunding } from './channel-wallet.ts'
import type { CarriedTotals, PersistedSession } from './persisted-session.ts'
import { timed } from './timeline.ts'
import { explainRejection, hostStopped, insufficientFunds, ViewerFailure, type ViewerError } from './viewer-errors.ts'

export interface OpeningSteps {
  ask<E extends ClientEvent>(event: E, payload: RequestOf<E>): Promise<ReplyOf<E>>
  /** Tells the viewer and throws. */
  fail(error: ViewerError): never
  /** Keeps the co-signed refund: called before the funding can reach the ledger. */
  remember(opening: PersistedSession): void
  /** The host refused the funding before sending it anywhere: the channel never existed. */
  forget(): void
  /** The ledger may hold the funding after all: the opening goes to the history with its refund, the viewer's way back. */
  shelve(): void
  /**
   * "fund" is on the socket: an update sent now travels right behind it, and the host takes it once it is funded. The
   * channel's token, when the host's "open" gave it, lets a segment request travel beside them (X-Payment-Wait).
   */
  fundSent(token: string | null): void
}

/** The one refusal of `fund` after which the funding may sit at the ledger: its refund must be kept. */
const MAYBE_AT_THE_LEDGER: RejectCode = 'ledger_rejected'

/** Returns the funded channel, token included. */
export async function openWithHost(
  steps: OpeningSteps,
  p: { terms: Terms; wallet: ChannelWallet; cap: number; carried: CarriedTotals; thresholds: readonly AlertThreshold[] },
): Promise<PersistedSession> {
  const { terms, wallet } = p
  if (!terms.accepting) steps.fail(hostStopped('The host is not accepting new viewers right now.'))
  const { capacity } = planChannel({ cap: p.cap, feeRate: terms.feeRate, minCapacity: terms.minCapacity, maxCapacity: terms.maxCapacity })
  const keys = await wallet.channelKeys(terms)
  let funding: SignedFunding
  try {
    funding = await timed('coins', () => wallet.fund({ keys, payeePublicKey: terms.payeePublicKey, capacity, feeRate: terms.feeRate }))
  } catch (error) {
    if (error instanceof InsufficientFundsError) steps.fail(insufficientFunds(error, terms.network))
    throw error
  }
  let opening: PersistedSession
  let openToken: string | null
  let sendable: FundingCarriage
  try {
    // A refusal here is told only once the wallet has let go of the funding, so the balance the viewer then sees is whole.
    ;({ opening, openToken } = await offerToHost({ ...steps, fail: (error) => { throw new ViewerFailure(error) } }, p, keys, funding, capacity))
    // The parents came down while the host co-signed the refund.
    sendable = await funding.sendable
  } catch (error) {
    // The host never got the funding: nothing was spent, and the wallet may use those coins again.
    await funding.abandon().catch(() => undefined)
    if (error instanceof ViewerFailure) steps.fail(error.viewerError)
    throw error
  }
  steps.remember(opening)
  const fund = {
    channelId: opening.channel.channelId!,
    fundingTx: funding.hex,
    ...(sendable.beef ? { fundingBeef: sendable.beef } : sendable.parents?.length ? { fundingParents: sendable.parents } : {}),
  }
  const answer = timed('fund', () => steps.ask('fund', fund))
  steps.fundSent(openToken)
  const funded = await answer
  if (!funded.ok) {
    if (funded.code === MAYBE_AT_THE_LEDGER) steps.shelve()
    else {
      steps.forget()
      await funding.abandon().catch(() => undefined)
    }
    steps.fail(explainRejection(funded.code, funded.message, 'fund'))
  }
  return { ...opening, token: funded.token }
}

/**
 * The refund signed by the payer, co-signed by the host, checked by the interpreter: the opening to remember, and the
 * token the host's answer carried (null from a host that gives it only at funding).
 */
async function offerToHost(
  steps: OpeningSteps,
  p: { terms: Terms; wallet: ChannelWallet; cap: number; carried: CarriedTotals; thresholds: readonly AlertThreshold[] },
  keys: Awaited<ReturnType<ChannelWallet['channelKeys']>>,
  funding: SignedFunding,
  capacity: number,
): Promise<{ opening: PersistedSession; openToken: string | null }> {
  const offer = offerChannel({ keys, terms: p.terms, cap: p.cap, funding: { txid: funding.txid, vout: funding.vout, satoshis: capacity } })
  const refundPayerSignature = await p.wallet.sign(offer.channel, offer.preimage)
  const refund = withPayerSignature(offer.refund, refundPayerSignature)
  const identityKey = await p.wallet.identityKey()
  const answer = await timed('open', () => steps.ask('open', openRequestFor(offer.channel, refund, identityKey ?? undefined)))
  if (!answer.ok) steps.fail(explainRejection(answer.code, answer.message, 'open'))
  // The host's refund signature must hold up in the interpreter before any coin leaves the wallet.
  const refundCheck = await timed('co-sign', async () => acceptRefund(offer.channel, refund, refundPayerSignature, answer.refundPayeeSignature))
  if (!refundCheck.ok) {
    steps.fail({
      kind: 'refund_invalid',
      message: `The host's refund signature does not verify (${refundCheck.message}); the channel was not funded.`,
      nextStep: 'Nothing was spent. Do not use this host; report it to its operator.',
    })
  }
  const opening: PersistedSession = {
    version: 1,
    channel: { ...offer.channel, channelId: answer.channelId },
    // Kept only once funded: a token in the saved session means a channel to resume.
    token: null,
    refundHex: refundCheck.refundHex,
    ...p.carried,
    seconds: 0,
    segments: 0,
    firedAlerts: rearm(p.thresholds, p.carried.spentBefore, p.carried.spentBefore + offer.channel.cap),
  }
  return { opening, openToken: typeof answer.token === 'string' ? answer.token : null }
}
