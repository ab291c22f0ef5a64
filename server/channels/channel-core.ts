// The host's side of every channel, composed once: the pure transitions and checks (channel-transitions.ts, payee.ts,
// open-checks.ts, settlement-plan.ts) in the middle; the pieces that carry them out around them (opening, payments,
// settlement, the funding watch, the Start/Stop switch, the terms, the views); the store and the ledger at the edge.
// Nothing here answers a request: each consumer is handed the piece that does its work, through the port it declares
// (the socket edge, the paywall, the admin API and dashboard, the scheduler).
import { EventEmitter } from 'node:events'
import type { PrivateKey } from '@bsv/sdk'
import type { Chain } from '../../protocol/chain/chain.ts'
import type { ChannelRecord, ChannelStore } from '../store/channel-store.ts'
import type { EdgeLinks } from '../edge/signed-url.ts'
import type { PayeeVerifier } from '../crypto/verify.ts'
import { AcceptingSwitch } from './accepting-switch.ts'
import type { ChainView } from './chain-view.ts'
import { refuser, type ChannelEventBus, type ChannelEvents, type Refuse } from './channel-events.ts'
import { ChannelLoader } from './channel-loader.ts'
import { ChannelOpening, type OpeningPolicy } from './channel-opening.ts'
import { ChannelQueues } from './channel-queues.ts'
import { ChannelTokens } from './channel-tokens.ts'
import { channelList, type ChannelViews } from './channel-views.ts'
import { ALONE, type Cluster } from './cluster.ts'
import { FundingWatch } from './funding-watch.ts'
import { HostTerms, type TermsPolicy } from './host-terms.ts'
import { LiveChannels } from './live-channels.ts'
import { Payments } from './payments.ts'
import type { MediaCharges } from './segment-charge.ts'
import { Settlement } from './settlement.ts'

export interface ChannelPolicy extends OpeningPolicy, TermsPolicy {
  deadlineMarginBlocks: number
  idleTimeoutSeconds: number
}

export interface ChannelCoreDeps {
  policy: ChannelPolicy
  payeeKey: PrivateKey
  /** Where new channels pay the host (P2PKH hex); each channel keeps the one it opened with. */
  payoutScript: string
  store: ChannelStore
  chain: Chain
  view: ChainView
  /** What each segment costs, by the playlists the paywall has served; the one owner of the prices. */
  media: MediaCharges
  verifySignature: PayeeVerifier['verify']
  /** Other instances sharing the store, if any (server/cluster/); alone by default. */
  cluster?: Cluster
  /** Edge mode: paid segments are fetched from signed URLs that nginx or a CDN serves (server/edge/). */
  edge?: EdgeLinks | null
  now?: () => number
  /** Where a failed check of a funding's status, or a failed settlement in the background, is reported (both retried). */
  warn?: (details: object, message: string) => void
}

export interface ChannelCore extends ChannelViews {
  events: ChannelEventBus
  /** Every refusal goes through here, counted by its code (the socket edge's own refusals of an open too). */
  refuse: Refuse
  live: LiveChannels
  /** Finds a channel live here or in the store: the paywall's channel for a token. */
  loader: ChannelLoader
  opening: ChannelOpening
  payments: Payments
  settlement: Settlement
  /** Channels' fundings, until the channels settle: a double spend or a spend settles the channel at once. */
  fundings: FundingWatch
  switch: AcceptingSwitch
  terms: HostTerms
  /** Channels left mid-way by a crash: finish their funding or settlement, and settle the ones nobody came back to. */
  recover(): Promise<void>
}

/** The channel core with the open channels live, and the Start/Stop switch the store remembers. */
export async function startChannelCore(deps: ChannelCoreDeps): Promise<ChannelCore> {
  const { policy, payeeKey, payoutScript, store, chain, view, media } = deps
  const now = deps.now ?? Date.now
  const cluster = deps.cluster ?? ALONE
  const edge = deps.edge ?? null
  // Derived once: deriving a public key is an elliptic-curve multiplication, far too slow for every payment.
  const payeePublicKey = payeeKey.toPublicKey().toString()
  const events: ChannelEventBus = new EventEmitter<ChannelEvents>()
  const refuse = refuser(events)
  const live = new LiveChannels()
  const queues = new ChannelQueues()
  // Channel tokens: derived when handed out, kept in the store as digests only.
  const tokens = new ChannelTokens(payeeKey)
  const settlement = new Settlement({
    live,
    queues,
    cluster,
    store,
    chain,
    payeeKey,
    payeePublicKey,
    events,
    refuse,
    warn: deps.warn,
    clock: () => ({ now: now(), height: view.height, idleTimeoutSeconds: policy.idleTimeoutSeconds, deadlineMarginBlocks: policy.deadlineMarginBlocks }),
  })
  const fundings = new FundingWatch({
    chain,
    height: () => view.height,
    deadlineMarginBlocks: policy.deadlineMarginBlocks,
    lost: (id, loss) => settlement.fundingLost(id, loss),
    onError: (error, channelId) => deps.warn?.({ err: error, channelId }, "could not read a channel funding's status, or act on it; will retry"),
  })
  events.on('settled', (summary) => fundings.remove(summary.channelId))
  const watchFunding = (record: ChannelRecord) => fundings.add(record.id, { txid: record.fundingTxid, vout: record.fundingVout, lockTime: record.lockTime })
  const loader = new ChannelLoader(live, store, cluster, tokens, watchFunding)
  const accepting = await AcceptingSwitch.load({ store, events, settlement })
  const opening = new ChannelOpening({
    policy,
    payeeKey,
    payeePublicKey,
    payoutScript,
    tokens,
    store,
    chain,
    view,
    accepting: () => accepting.accepting,
    loader,
    queues,
    events,
    refuse,
    now,
  })
  const payments = new Payments({
    live,
    loader,
    queues,
    cluster,
    tokens,
    store,
    view,
    media,
    deadlineMarginBlocks: policy.deadlineMarginBlocks,
    payeePublicKey,
    verifySignature: deps.verifySignature,
    edge,
    events,
    refuse,
    settlement,
    now,
  })
  const terms = new HostTerms({ policy, payeePublicKey, payoutScript, view, prices: media, switch: accepting, edge: edge !== null })
  // In a cluster a channel is loaded where its viewer turns up; the store keeps the rest.
  if (!cluster.shared) for (const record of await store.channelsIn(['open'])) await loader.load(record)
  return {
    events,
    refuse,
    live,
    loader,
    opening,
    payments,
    settlement,
    fundings,
    switch: accepting,
    terms,
    list: channelList(store, live),
    books: store,
    async recover() {
      await opening.recover()
      // A close still to land is watched too: a refund that spends the funding first ends it.
      for (const record of await store.channelsIn(['closing'])) watchFunding(record)
      await settlement.recover()
    },
  }
}
