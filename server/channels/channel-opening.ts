// A channel's opening, from the viewer's open to the moment it goes live: the refund co-signed only once the funding
// outpoint is claimed for this channel for life, the funding broadcast only now, and the channel live only once the
// network has the funding and nothing spends its output yet. A funding refused leaves the opening unfunded again, so
// it expires at --open-timeout like any other; its outpoint stays claimed.
import { randomBytes } from 'node:crypto'
import type { PrivateKey } from '@bsv/sdk'
import type { FundAccepted, FundRequest, OpenAccepted, OpenRequest, Rejection, Reply } from '../../protocol/messages.ts'
import { ChainError, isAccepted, isSeen, ledgerUnavailable, type Chain, type TxStatus } from '../../protocol/chain/chain.ts'
import type { ChannelRecord, ChannelStore } from '../store/channel-store.ts'
import type { ChainView } from './chain-view.ts'
import type { ChannelEventBus, Refuse } from './channel-events.ts'
import type { ChannelLoader } from './channel-loader.ts'
import type { ChannelQueues } from './channel-queues.ts'
import type { ChannelTokens } from './channel-tokens.ts'
import { untilSeen } from './funding-watch.ts'
import { checkFundable, checkFundingBeef, checkFundingParents, checkOpen } from './open-checks.ts'
import { checkFunding, type Verdict } from './payee.ts'
import { nativeVerifier } from '../crypto/verify.ts'

export interface OpeningPolicy {
  lifetimeBlocks: number
  minCapacity: number
  maxCapacity: number
  /** An open that no funding reached within this long is deleted, its co-signed refund with it. */
  openTimeoutSeconds: number
}

export interface OpeningDeps {
  policy: OpeningPolicy
  payeeKey: PrivateKey
  payeePublicKey: string
  payoutScript: string
  /** Hands out each channel's token at funding and gives the store its digest at opening. */
  tokens: ChannelTokens
  store: ChannelStore
  chain: Chain
  view: ChainView
  accepting: () => boolean
  /** Puts a channel the store now has open into the live registry. */
  loader: Pick<ChannelLoader, 'load'>
  /** The channel's queue: its funding runs there, so a payment sent right behind it waits for it, not refused. */
  queues: ChannelQueues
  events: ChannelEventBus
  refuse: Refuse
  now: () => number
}

const OUTPOINT_CLAIMED = 'This funding outpoint already backs a channel on this host, now or before (a co-signed refund for it exists): fund the channel from a new output.'

export class ChannelOpening {
  private readonly fundingInFlight = new Set<string>()
  /** The refund's signature is checked once per open, with the fastest verifier this platform has. */
  private readonly verifyRefund = nativeVerifier()

  constructor(private readonly deps: OpeningDeps) {}

  async open(request: OpenRequest): Promise<Reply<OpenAccepted>> {
    const { deps } = this
    const verdict = checkOpen(request, {
      accepting: deps.accepting(),
      minCapacity: deps.policy.minCapacity,
      maxCapacity: deps.policy.maxCapacity,
      feeRate: deps.view.feeRate,
      height: deps.view.height,
      lifetimeBlocks: deps.policy.lifetimeBlocks,
      payeeKey: deps.payeeKey,
      payeePublicKey: deps.payeePublicKey,
      payoutScript: deps.payoutScript,
      verify: this.verifyRefund,
    })
    if (!verdict.ok) return deps.refuse(null, verdict.code, verdict.message)
    const id = randomBytes(12).toString('hex')
    const claimed = await deps.store.insertChannel({
      id,
      token: deps.tokens.stored(id),
      payerPublicKey: request.payerPublicKey,
      fundingTxid: request.fundingTxid,
      fundingVout: request.fundingVout,
      capacity: request.capacity,
      fee: verdict.fee,
      lockTime: verdict.lockTime,
      refundTx: request.refundTx,
      payoutScript: request.payoutScript,
      payerScript: request.payerScript ?? null,
      viewerIdentity: request.identityKey ?? null,
      createdAt: deps.now(),
    })
    // The co-signature leaves the host only with the claim stored: no second refund for the outpoint ever does.
    if (!claimed) return deps.refuse(null, 'outpoint_reused', OUTPOINT_CLAIMED)
    return { ok: true, channelId: id, refundPayeeSignature: verdict.payeeSignature, token: this.deps.tokens.issue(id) }
  }

  /** Broadcasts the funding only now: the payer already holds a co-signed refund. */
  /**
   * Sends the funding on and makes the channel live. In the channel's queue: a viewer may send its first update right
   * behind "fund" without waiting for the answer (one round trip less before the first paid segment); that update is
   * then checked against the channel this leaves, live or not.
   */
  fund(request: FundRequest): Promise<Reply<FundAccepted>> {
    return this.deps.queues.run(request.channelId, () => this.fundNow(request))
  }

  private async fundNow(request: FundRequest): Promise<Reply<FundAccepted>> {
    const { store, refuse } = this.deps
    const record = await store.channel(request.channelId)
    if (!record) return refuse(request.channelId, 'unknown_channel', 'No such channel on this host.')
    const carried: Carried = request.fundingBeef ? { beef: request.fundingBeef } : { parents: request.fundingParents ?? [] }
    const refusal = this.unfundable(record, request.fundingTx, carried) ?? (await this.checkClaim(record))
    if (refusal) return refusal
    this.fundingInFlight.add(record.id)
    try {
      // The store's word decides a race with the expiry sweep: an opening it already deleted is never broadcast.
      if (!(await store.setFundingTx(record.id, request.fundingTx))) {
        return refuse(record.id, 'open_expired', 'This open waited too long for its funding and was removed; open a new channel.')
      }
      const sent = await this.send(record, request.fundingTx, carried)
      if (sent.ok) return await this.activate(record.id, sent.status)
      await store.clearFundingTx(record.id)
      return refuse(record.id, sent.code, sent.message)
    } finally {
      this.fundingInFlight.delete(record.id)
    }
  }

  /**
   * Openings a crash left with a funding sent: live if the network has it and its output is unspent, else unfunded
   * again (they expire at their timeout). A ledger that does not answer decides nothing: asked again at the next start.
   */
  async recover(): Promise<void> {
    for (const record of await this.deps.store.channelsIn(['opening'])) {
      if (!record.fundingTx) continue
      const info = await this.deps.chain.txStatus(record.fundingTxid).catch(() => undefined)
      if (info === undefined) continue
      const outcome = await this.fundingOnChain(record, info?.status ?? 'UNKNOWN')
      if (outcome.ok) await this.activate(record.id, outcome.status)
      else if (outcome.code !== 'ledger_unavailable') await this.deps.store.clearFundingTx(record.id)
    }
  }

  /** Deletes the opens whose funding never came within the open timeout; the socket edge frees their pending slots. */
  async expire(): Promise<string[]> {
    const { deps } = this
    const expired = await deps.store.expireUnfundedOpenings(deps.now() - deps.policy.openTimeoutSeconds * 1000)
    if (expired.length > 0) deps.events.emit('expired', expired)
    return expired
  }

  private async activate(id: string, ledgerStatus: string): Promise<Reply<FundAccepted>> {
    const { store } = this.deps
    await store.markOpen(id, this.deps.now())
    const record = (await store.channel(id))!
    await this.deps.loader.load(record)
    this.deps.events.emit('opened', record)
    return { ok: true, channelId: id, token: this.deps.tokens.issue(id), fundingTxid: record.fundingTxid, ledgerStatus }
  }

  /**
   * The pure checks before anything is broadcast: the opening may be funded, and this funding and what it carries (its
   * parents, or the BEEF a wallet made of it) fit it.
   */
  private unfundable(record: ChannelRecord, fundingTx: string, carried: Carried): Rejection | null {
    const { deps } = this
    const fundable = checkFundable(record, {
      accepting: deps.accepting(),
      fundingInFlight: this.fundingInFlight.has(record.id),
      now: deps.now(),
      openTimeoutMs: deps.policy.openTimeoutSeconds * 1000,
    })
    if (!fundable.ok) return deps.refuse(record.id, fundable.code, fundable.message)
    const funding = checkFunding({
      fundingHex: fundingTx,
      fundingTxid: record.fundingTxid,
      fundingVout: record.fundingVout,
      capacity: record.capacity,
      payerPublicKey: record.payerPublicKey,
      payeePublicKey: deps.payeePublicKey,
    })
    if (!funding.ok) return deps.refuse(record.id, funding.code, funding.message)
    const complete = 'beef' in carried ? checkFundingBeef(fundingTx, carried.beef) : checkFundingParents(fundingTx, carried.parents)
    return complete.ok ? null : deps.refuse(record.id, complete.code, complete.message)
  }

  /** Only the channel that claimed the outpoint may be funded on it (a data folder from before claims may hold others). */
  private async checkClaim(record: ChannelRecord): Promise<Rejection | null> {
    const claimant = await this.deps.store.outpointClaimant(record.fundingTxid, record.fundingVout)
    return claimant === record.id ? null : this.deps.refuse(record.id, 'outpoint_reused', OUTPOINT_CLAIMED)
  }

  /** The funding broadcast, then the ledger's word on it: seen on the network with its output unspent, or why not. */
  private async send(record: ChannelRecord, fundingTx: string, carried: Carried): Promise<Funded> {
    let status: TxStatus
    try {
      const result = await this.deps.chain.broadcast(fundingTx, carried)
      if (result.status === 'UNKNOWN') {
        return { ok: false, code: 'ledger_unavailable', message: 'The ledger answered without a status it could be held to; send "fund" again later.' }
      }
      if (!isAccepted(result.status)) {
        return { ok: false, code: 'ledger_rejected', message: `The ledger did not accept the funding transaction (${result.status}).` }
      }
      // Served only once the network has it: a funding merely stored could still be dropped.
      status = await untilSeen(this.deps.chain, record.fundingTxid, result.status)
    } catch (error) {
      return ledgerRefusal(error, 'so the funding was not sent; nothing was spent')
    }
    return this.fundingOnChain(record, status)
  }

  /** A funding the network has seen, whose output nothing spends yet (a refund, or the close of an earlier channel). */
  private async fundingOnChain(record: ChannelRecord, status: TxStatus): Promise<Funded> {
    if (!isSeen(status)) {
      return { ok: false, code: 'ledger_rejected', message: `The ledger holds the funding (${status}) but has not seen it on the network yet; send "fund" again in a moment.` }
    }
    try {
      const spender = await this.deps.chain.spender(record.fundingTxid, record.fundingVout)
      if (spender) return { ok: false, code: 'outpoint_reused', message: `The funding output is already spent (by ${spender.txid}): a channel on it could never be closed.` }
    } catch (error) {
      return ledgerRefusal(error, 'so the channel did not open')
    }
    return { ok: true, status }
  }
}

type Funded = Verdict<{ status: TxStatus }>

/** What a funding travels with to the ledger: its unmined parents (Extended Format), or the wallet's BEEF as it is. */
type Carried = { parents: readonly string[] } | { beef: string }

/** A ledger that failed (send "fund" again later) or refused the funding for good. */
function ledgerRefusal(error: unknown, consequence: string): Funded {
  const message = error instanceof ChainError ? error.message : String(error)
  if (ledgerUnavailable(error)) return { ok: false, code: 'ledger_unavailable', message: `The ledger did not answer usably, ${consequence}; send "fund" again later: ${message}` }
  return { ok: false, code: 'ledger_rejected', message: `The ledger refused the funding transaction: ${message}` }
}
