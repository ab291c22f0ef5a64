// Every failure the viewer can meet, as one sentence of what happened and one of what to do next.
// Pure: the session and the player both use it; the player only renders it.
import { type RejectCode } from '../../protocol/messages.ts'
import { isFundingLoss, type FundingLoss } from '../../protocol/funding-loss.ts'

export type ViewerErrorKind =
  | 'host_unreachable'
  | 'update_rejected'
  | 'insufficient_funds'
  | 'host_stopped'
  | 'channel_closed'
  | 'open_rejected'
  | 'refund_invalid'
  | 'delivery_timeout'
  | 'over_cap'
  | FundingLoss

export interface ViewerError {
  kind: ViewerErrorKind
  message: string
  nextStep: string
  code?: RejectCode
}

/** An Error carrying a ViewerError, so async code can throw it and the UI can still show the next step. */
export class ViewerFailure extends Error {
  readonly viewerError: ViewerError
  constructor(viewerError: ViewerError) {
    super(`${viewerError.message} ${viewerError.nextStep}`)
    this.name = 'ViewerFailure'
    this.viewerError = viewerError
  }
}

export function hostUnreachable(detail?: string): ViewerError {
  return {
    kind: 'host_unreachable',
    message: `The host did not answer${detail ? ` (${detail})` : ''}.`,
    nextStep: 'Check your connection; the player retries on its own and resumes the same channel when the host is back.',
  }
}

export function insufficientFunds(short: { needed: number; available: number; wallet: 'device' | 'brc100' }, network: string): ViewerError {
  const needs = `opening the channel needs ${short.needed} sat (your cap plus fees).`
  if (short.wallet === 'brc100') {
    return {
      kind: 'insufficient_funds',
      message: `Your BSV wallet has ${short.available} sat free to spend; ${needs}`,
      nextStep: 'Add coins to your BSV wallet (or wait for a payment it is still sending to settle), or lower your cap in the preferences.',
    }
  }
  return {
    kind: 'insufficient_funds',
    message: `This device's wallet has ${short.available} sat; ${needs}`,
    nextStep:
      network === 'devnet'
        ? 'Press "Get more devnet coins", or lower your cap in the preferences.'
        : 'Send coins to the wallet address shown below, or lower your cap in the preferences.',
  }
}

export function hostStopped(reason?: string): ViewerError {
  return {
    kind: 'host_stopped',
    message: reason ?? 'The host stopped the stream; your channel was settled.',
    nextStep: 'Your change went back to this wallet. Come back later to keep watching.',
  }
}

export function channelClosed(): ViewerError {
  return {
    kind: 'channel_closed',
    message: 'The host has closed this channel.',
    nextStep: 'Press play to open a new channel; what you paid so far is in the summary.',
  }
}

const FUNDING_LOST: Record<FundingLoss, Pick<ViewerError, 'message' | 'nextStep'>> = {
  funding_double_spent: {
    message: "This channel's funding was double-spent: another transaction spending the same coins won, so the host stopped the channel.",
    nextStep: 'If this wallet is open in another tab or device, use only one. Check the balance, then press play to open a new channel.',
  },
  funding_spent: {
    message: "This channel's funding was spent by another transaction (its refund, once valid), so the host stopped the channel.",
    nextStep: 'The coins went where that transaction sent them. Check the balance, then press play to open a new channel.',
  },
}

/** The channel's funding stopped being money (double-spent, or its output spent): the host serves it no more. */
export function fundingLost(reason: FundingLoss): ViewerError {
  return { kind: reason, code: reason, ...FUNDING_LOST[reason] }
}

export function deliveryTimeout(segment: string): ViewerError {
  return {
    kind: 'delivery_timeout',
    message: `The segment paid last (${segment}) never arrived, so the player will not pay further ahead.`,
    nextStep: 'Reload the page: the channel resumes and that segment is free to fetch again.',
  }
}

/** A refusal from the host, by its stable reject code. */
export function explainRejection(code: RejectCode, hostMessage: string, during: 'open' | 'fund' | 'update' | 'tip' | 'resume' | 'close'): ViewerError {
  if (code === 'host_stopped') return hostStopped(`The host is not accepting viewers right now: ${hostMessage}`)
  if (isFundingLoss(code)) return fundingLost(code)
  if (code === 'channel_not_open' || code === 'unknown_channel') return { ...channelClosed(), code }
  if (code === 'rate_limited' || code === 'address_rate_limited') {
    return { kind: 'update_rejected', code, message: `The host is throttling this viewer: ${hostMessage}`, nextStep: 'Wait a moment; the player retries.' }
  }
  if (during === 'open' || during === 'fund') {
    return {
      kind: 'open_rejected',
      code,
      message: `The host refused to open the channel (${code}): ${hostMessage}`,
      nextStep:
        code === 'capacity_out_of_range'
          ? 'Change your cap in the preferences to fit the host\'s limits, then press play.'
          : code === 'ledger_rejected' || code === 'ledger_unavailable'
            ? 'Nothing was spent. Wait for the wallet balance to confirm, then press play again.'
            : 'Nothing was spent. Reload the page to try again.',
    }
  }
  return {
    kind: 'update_rejected',
    code,
    message: `The host refused a payment (${code}): ${hostMessage}`,
    nextStep: 'Nothing beyond your last accepted payment was charged. Reload to resynchronise with the host, or stop and settle.',
  }
}
