// A new channel as the viewer offers it, as pure functions: the capacity for a spending cap, the channel with its
// refund waiting for the payer's signature, the open request, and the check of the host's co-signature that must pass
// before any coin leaves the wallet. The same for a key held here and for the viewer's BRC-100 wallet. Isomorphic.
import type { PrivateKey, Transaction } from '@bsv/sdk'
import type { FeeRate, OpenRequest, Terms } from '../../protocol/messages.ts'
import { closeFee } from '../../protocol/fees.ts'
import { ChannelMultisig } from '../../protocol/scripts.ts'
import { CHANNEL_SIGHASH } from '../../protocol/signature.ts'
import { signPreimage } from '../../protocol/signing.ts'
import {
  buildFunding,
  buildRefund,
  channelSighashPreimage,
  completeChannelSpend,
  verifyWithInterpreter,
  withPayerSignature,
  type FundingOutpoint,
  type SpendableUtxo,
} from '../../protocol/transactions.ts'
import { bytesToHex } from '../../protocol/raw-tx.ts'
import type { PayerChannel } from './payer.ts'
import type { WalletChannelKeys } from './wallet-keys.ts'

/** The viewer's side of a new channel: its 2-of-2 key, and where its share returns. */
export interface ChannelKeys {
  payerPublicKey: string
  /** P2PKH hex; absent: the P2PKH of payerPublicKey. */
  payerScript?: string
  /** Set when the keys live in the viewer's BRC-100 wallet. */
  wallet?: WalletChannelKeys
}

/** The capacity to lock for a spending cap: cap + close fee, clamped to the host's range. Throws if the cap cannot fit. */
export function planChannel(p: { cap: number; feeRate: FeeRate; minCapacity: number; maxCapacity: number }): { capacity: number } {
  if (!Number.isSafeInteger(p.cap) || p.cap < 1) throw new Error(`the spending cap must be a positive whole number of satoshis, got ${p.cap}`)
  const fee = closeFee(p.feeRate)
  const wanted = p.cap + fee
  if (wanted > p.maxCapacity) {
    throw new Error(`a cap of ${p.cap} sat needs a channel of ${wanted} sat (cap + ${fee} fee); this host accepts at most ${p.maxCapacity} sat, so the cap can be at most ${Math.max(0, p.maxCapacity - fee)} sat`)
  }
  return { capacity: Math.max(wanted, p.minCapacity) }
}

/** The channel on a signed funding, and its refund (nLockTime = height + lifetime), waiting for the payer's signature over `preimage`. */
export function offerChannel(p: { keys: ChannelKeys; terms: Terms; cap: number; funding: FundingOutpoint }): { channel: PayerChannel; refund: Transaction; preimage: Uint8Array } {
  const { terms, keys, funding } = p
  const parties = { payerPublicKey: keys.payerPublicKey, payeePublicKey: terms.payeePublicKey }
  const lockTime = terms.height + terms.lifetimeBlocks
  const refund = buildRefund({ ...parties, funding, lockTime, feeRate: terms.feeRate, ...(keys.payerScript ? { payerScript: keys.payerScript } : {}) })
  const channel: PayerChannel = {
    channelId: null,
    ...parties,
    ...(keys.payerScript ? { payerScript: keys.payerScript } : {}),
    ...(keys.wallet ? { wallet: keys.wallet } : {}),
    payoutScript: terms.payoutScript,
    funding,
    fee: closeFee(terms.feeRate),
    lockTime,
    cap: p.cap,
    paid: 0,
    tips: 0,
    sequence: 0,
    paidSegments: {},
    awaitingDelivery: null,
    lastTx: null,
  }
  return { channel, refund, preimage: channelSighashPreimage(refund, funding, parties) }
}

/** The `open` message for an offered channel whose refund the payer signed (`OP_0 <payerSig>`). */
export function openRequestFor(channel: PayerChannel, signedRefund: Transaction, identityKey?: string): OpenRequest {
  return {
    payerPublicKey: channel.payerPublicKey,
    fundingTxid: channel.funding.txid,
    fundingVout: channel.funding.vout,
    capacity: channel.funding.satoshis,
    refundTx: signedRefund.toHex(),
    payoutScript: channel.payoutScript,
    ...(channel.payerScript ? { payerScript: channel.payerScript } : {}),
    ...(identityKey ? { identityKey } : {}),
  }
}

/**
 * Everything for opening with a key held here: the signed funding tx (not to be broadcast before the refund is
 * co-signed), and the refund signed by the payer only (`OP_0 <payerSig>`; `request` carries it to the host).
 */
export function openPayerChannel(p: { payerKey: PrivateKey; terms: Terms; cap: number; utxos: SpendableUtxo[] }): {
  channel: PayerChannel
  request: OpenRequest
  fundingHex: string
  refund: Transaction
  refundPayerSignature: string
} {
  const { terms } = p
  const { capacity } = planChannel({ cap: p.cap, feeRate: terms.feeRate, minCapacity: terms.minCapacity, maxCapacity: terms.maxCapacity })
  const payerPublicKey = p.payerKey.toPublicKey().toString()
  const funded = buildFunding({ payerKey: p.payerKey, payeePublicKey: terms.payeePublicKey, capacity, utxos: p.utxos, feeRate: terms.feeRate })
  const offer = offerChannel({ keys: { payerPublicKey }, terms, cap: p.cap, funding: { txid: funded.txid, vout: funded.vout, satoshis: capacity } })
  const refundPayerSignature = bytesToHex(signPreimage(offer.preimage, p.payerKey, CHANNEL_SIGHASH))
  const refund = withPayerSignature(offer.refund, refundPayerSignature)
  return { channel: offer.channel, request: openRequestFor(offer.channel, refund), fundingHex: funded.hex, refund, refundPayerSignature }
}

/** Completes the refund with the host's co-signature and runs the full interpreter: only then may funding go out. */
export function acceptRefund(channel: PayerChannel, refund: Transaction, payerSig: string, payeeSig: string): { ok: true; refundHex: string } | { ok: false; message: string } {
  let complete: Transaction
  try {
    complete = completeChannelSpend(refund, payerSig, payeeSig)
  } catch (error) {
    return { ok: false, message: `cannot assemble the refund: ${error instanceof Error ? error.message : String(error)}` }
  }
  const verdict = verifyWithInterpreter(complete, channel.funding, new ChannelMultisig().lock(channel.payerPublicKey, channel.payeePublicKey))
  if (!verdict.ok) return { ok: false, message: `the co-signed refund is not valid: ${verdict.message}` }
  if (complete.lockTime !== channel.lockTime) return { ok: false, message: `the refund's nLockTime ${complete.lockTime} is not the agreed ${channel.lockTime}` }
  return { ok: true, refundHex: complete.toHex() }
}
