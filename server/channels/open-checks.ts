// The host's checks before a channel exists and before its funding is broadcast, as pure functions: the request and
// the host's situation in, a verdict out. The refund is co-signed only when every earlier check passed.
import type { PrivateKey } from '@bsv/sdk'
import type { FeeRate, OpenRequest } from '../../protocol/messages.ts'
import { toExtendedFormat, txFromBeef } from '../../protocol/chain/tx-formats.ts'
import type { SignatureVerifier } from '../../protocol/signature.ts'
import { closeFee } from '../../protocol/fees.ts'
import { hexToBytes, txidOf } from '../../protocol/raw-tx.ts'
import type { ChannelRecord } from '../store/channel-store.ts'
import { checkRefundAndCosign, type Verdict } from './payee.ts'

export interface OpenContext {
  accepting: boolean
  minCapacity: number
  maxCapacity: number
  feeRate: FeeRate
  height: number
  lifetimeBlocks: number
  payeeKey: PrivateKey
  payeePublicKey: string
  /** The host's payout script now: a new channel's updates pay it for the channel's life. */
  payoutScript: string
  verify: SignatureVerifier
}

/** How far the refund's nLockTime may be from the host's own height + lifetime: the two may see different tips. */
export const LOCK_TIME_TOLERANCE_BLOCKS = 3

/**
 * 1. The host accepts channels. 2. The capacity is in the host's range and covers the close fee. 3. The payer key is
 * not the host's. 4. The payer will pay the host's current payout script. 5. The refund is the agreed shape and the payer's signature holds: then the host co-signs it.
 */
export function checkOpen(request: OpenRequest, ctx: OpenContext): Verdict<{ payeeSignature: string; lockTime: number; fee: number }> {
  if (!ctx.accepting) return { ok: false, code: 'host_stopped', message: 'The host is not accepting new channels right now.' }
  const { capacity } = request
  if (capacity < ctx.minCapacity || capacity > ctx.maxCapacity) {
    return { ok: false, code: 'capacity_out_of_range', message: `Capacity must be between ${ctx.minCapacity} and ${ctx.maxCapacity} satoshis; got ${capacity}.` }
  }
  const fee = closeFee(ctx.feeRate)
  if (capacity <= fee + 1) return { ok: false, code: 'capacity_out_of_range', message: 'Capacity does not even cover the closing fee.' }
  if (request.payerPublicKey === ctx.payeePublicKey) return { ok: false, code: 'bad_refund', message: 'The payer key must differ from the host key.' }
  if (request.payoutScript !== ctx.payoutScript) {
    return { ok: false, code: 'wrong_payee_script', message: "That is not this host's payout script: its terms changed. Reconnect for the current terms." }
  }
  const cosigned = checkRefundAndCosign({
    payerPublicKey: request.payerPublicKey,
    payerScript: request.payerScript,
    payeeKey: ctx.payeeKey,
    fundingTxid: request.fundingTxid,
    fundingVout: request.fundingVout,
    capacity,
    refundHex: request.refundTx,
    expectedLockTime: ctx.height + ctx.lifetimeBlocks,
    lockTimeTolerance: LOCK_TIME_TOLERANCE_BLOCKS,
    feeRate: ctx.feeRate,
    verify: ctx.verify,
  })
  return cosigned.ok ? { ...cosigned, fee } : cosigned
}

export interface FundableContext {
  accepting: boolean
  fundingInFlight: boolean
  now: number
  openTimeoutMs: number
}

/**
 * A channel may be funded once: 1. while it is still opening, 2. the host accepts channels, 3. no funding is in flight,
 * and 4. the open is younger than the open timeout (a first funding only: one already sent may be on the network).
 */
export function checkFundable(record: ChannelRecord, ctx: FundableContext): Verdict<{}> {
  if (record.state !== 'opening') return { ok: false, code: 'channel_not_open', message: `The channel is already ${record.state}.` }
  if (!ctx.accepting) return { ok: false, code: 'host_stopped', message: 'The host stopped accepting channels before this one was funded.' }
  if (ctx.fundingInFlight) return { ok: false, code: 'rate_limited', message: 'This channel is already being funded.' }
  if (record.fundingTx === null && ctx.now - record.createdAt >= ctx.openTimeoutMs) {
    return { ok: false, code: 'open_expired', message: `This open waited more than ${ctx.openTimeoutMs / 1000} s for its funding; open a new channel.` }
  }
  return { ok: true }
}

/**
 * The parents a viewer sent with its funding must complete every input (Extended Format): a set that misses one, or
 * lacks the output an input spends, is refused before anything is broadcast. No parents at all is fine: the funding
 * then goes to the ledger raw.
 */
export function checkFundingParents(fundingTx: string, parents: readonly string[]): Verdict<{}> {
  if (parents.length === 0) return { ok: true }
  try {
    toExtendedFormat(fundingTx, parents)
    return { ok: true }
  } catch (error) {
    return { ok: false, code: 'bad_funding', message: `The funding's parent transactions do not fit it: ${error instanceof Error ? error.message : String(error)}` }
  }
}

/**
 * A funding sent as BEEF must carry exactly the funding tx, and hold together (every unmined ancestor inside it), or
 * it is refused before anything is broadcast.
 */
export function checkFundingBeef(fundingTx: string, beefHex: string): Verdict<{}> {
  try {
    const carried = txFromBeef(beefHex, txidOf(hexToBytes(fundingTx)))
    if (carried !== fundingTx.toLowerCase()) return { ok: false, code: 'bad_funding', message: 'The BEEF carries another form of the funding transaction.' }
    return { ok: true }
  } catch (error) {
    return { ok: false, code: 'bad_funding', message: `The funding's BEEF is not usable: ${error instanceof Error ? error.message : String(error)}` }
  }
}
