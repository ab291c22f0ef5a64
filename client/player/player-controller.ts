// The player's state and what changes it: whether the viewer stopped, the channel being opened, the hls.js instance
// (absent until the stream is attached), the last summary. main.ts builds the page and hands every event here.
import Hls, { type FragmentLoaderConstructor, type PlaylistLoaderConstructor } from 'hls.js'
import type { SettlementSummary } from '../../protocol/messages.ts'
import type { Brc100ChannelWallet } from '../payer/brc100-wallet.ts'
import { COINS_FRESH_MS } from '../payer/coin-reads.ts'
import { takeBackCoins, type ReturnLedger } from '../payer/coins-back.ts'
import { reclaimRefunds, type RefundLedger } from '../payer/refunds.ts'
import { PlayedMedia } from '../payer/played-media.ts'
import type { SegmentPayer } from '../payer/segment-purchase.ts'
import type { ChannelSession } from '../payer/session.ts'
import type { ViewerError } from '../payer/viewer-errors.ts'
import { markStep } from '../payer/timeline.ts'
import { PaymentCancelled } from '../payer/waiting.ts'
import type { ViewerWallet } from '../payer/wallet.ts'
import type { BuyAhead } from '../payer/buy-ahead.ts'
import { BuyGate } from './buy-gate.ts'
import type { CapDialog } from './cap-dialog.ts'
import { formatSats } from './cap-format.ts'
import { byTestId, setText } from './dom.ts'
import { createKeyLoader } from './key-loader.ts'
import { createPayingLoader } from './paying-loader.ts'
import { createPlaylistLoader } from './playlist-loader.ts'
import type { SettleSummaryView } from './settle-summary.ts'
import { streamPrice } from './stream-price.ts'
import { devnetTopUp } from './top-up.ts'
import { ViewingMeter } from './viewing-meter.ts'
import type { WalletPanel } from './wallet-panel.ts'

/**
 * How far ahead hls.js may ask for media. The paying loader holds each request until the buy gate lets it pay, so
 * this only needs to reach past the gate's lead (a request then waits ready for its moment); what is paid for is the
 * gate's decision.
 */
const ASK_AHEAD_SECONDS = 8
/** What the video keeps behind the playhead: a short seek back replays it without paying again or fetching it. */
const BACK_BUFFER_SECONDS = 30

export interface PlayerParts {
  session: ChannelSession
  wallet: ViewerWallet
  walletPanel: WalletPanel
  ledger: RefundLedger & ReturnLedger
  /** The viewer's own BSV wallet when it pays (once known): it takes back the coins that return to it, and this device's wallet needs no faucet. */
  ownWallet: Promise<Brc100ChannelWallet | null>
  video: HTMLVideoElement
  summaryView: SettleSummaryView
  capDialog: CapDialog
  /** The viewer's cap from the preferences, read when a channel opens. */
  cap: () => number
  /** How far ahead the viewer lets the player buy (the preferences). */
  buyAhead: () => BuyAhead
  showError: (error: ViewerError) => void
}

export class PlayerController {
  private hls: Hls | null = null
  /** After "Stop and settle", the end of the video or a stopped host: no new channel until the viewer presses play. */
  private stopped = false
  /** A channel being opened: settles once payments may start on it (its funding on its way), or it failed. */
  private opening: Promise<void> | null = null
  /** The start-up resume of a channel from an earlier page load: a Stop waits for it, or its close is refused. */
  private resuming: Promise<unknown> = Promise.resolve()
  private summary: SettlementSummary | null = null
  /** Media seconds watched in the viewing the last summary settled. */
  private watched = 0
  /** Every playlist hls.js loaded, read as the host reads it: what each fragment is and costs. */
  readonly media: PlayedMedia
  /** When each purchase may start: near enough the playhead. */
  readonly gate: BuyGate
  /** What the viewer watched, and the stalls. */
  readonly viewing: ViewingMeter

  constructor(private readonly parts: PlayerParts) {
    this.media = new PlayedMedia(() => parts.session.terms)
    this.gate = new BuyGate(parts.video, parts.buyAhead)
    this.viewing = new ViewingMeter(parts.video)
  }

  get isStopped(): boolean {
    return this.stopped
  }

  get lastSummary(): SettlementSummary | null {
    return this.summary
  }

  /** What the paying loader pays through: the current channel, or one opened at the preferred cap when one is needed. */
  readonly payer: SegmentPayer = {
    paidEntries: () => this.parts.session.paidEntries(),
    payForSegment: async (segment, chargeOf, signal, sent) => {
      await this.ensureChannel()
      return this.parts.session.payForSegment(segment, chargeOf, signal, sent)
    },
    channelToken: async (signal) => {
      await this.ensureChannel()
      return this.parts.session.channelToken(signal)
    },
    nextPayment: (signal) => this.parts.session.nextPayment(signal),
    markDelivered: (segment) => this.parts.session.markDelivered(segment),
    resyncFromPaymentRequired: (body) => this.parts.session.resyncFromPaymentRequired(body),
  }

  /**
   * Resumes a channel remembered from an earlier page of this host (a reload, another stream), so it pays on where it
   * was: a returning viewer opens no channel. The stream may attach meanwhile; what it buys waits for the resume.
   */
  resumeRemembered(): Promise<void> {
    const { session } = this.parts
    const resumed = (async () => {
      await session.waitForTerms()
      if (session.hasRememberedChannel) await session.resume()
    })()
    this.resuming = resumed.catch(() => undefined)
    return resumed
  }

  /** Attaches the stream; Hls.isSupported() is checked first on purpose (Chromium's native HLS would bypass payment). */
  attach(source: string): boolean {
    if (!Hls.isSupported()) return false
    const hls = new Hls({
      // hls.js types fLoader for fragment contexts only; the loader handles any context and passes non-fragments on.
      fLoader: createPayingLoader(this.payer, this.media, this.gate, {
        failed: (segment, error) => {
          if (!(error instanceof PaymentCancelled)) console.warn(`payment for ${segment} failed`, error)
        },
        channelOpen: () => this.parts.session.snapshot().phase === 'open',
      }) as unknown as FragmentLoaderConstructor,
      pLoader: createPlaylistLoader(this.media, (path, kind) => (kind === 'media' ? this.openEarly(path) : this.openForStream(source))) as unknown as PlaylistLoaderConstructor,
      // Key files (AES-128) come through the general loader; it adds the channel token they need.
      loader: createKeyLoader(this.payer),
      // LL-HLS: load parts (each priced by its own duration) when the playlist has them; other playlists are unaffected.
      lowLatencyMode: true,
      maxBufferLength: ASK_AHEAD_SECONDS,
      maxMaxBufferLength: ASK_AHEAD_SECONDS,
      backBufferLength: BACK_BUFFER_SECONDS,
      autoStartLoad: !this.stopped,
    })
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return
      console.warn('hls.js fatal error', data.details)
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad()
      else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError()
    })
    hls.loadSource(source)
    hls.attachMedia(this.parts.video)
    this.hls = hls
    this.parts.video.muted = true
    if (!this.stopped) void this.parts.video.play().catch(() => undefined)
    return true
  }

  /** Stop and settle (the Stop button, the cap dialog, the end of the video). */
  async settle(phaseText: string): Promise<void> {
    const { session, video, capDialog } = this.parts
    this.stopped = true
    video.pause()
    this.hls?.stopLoad()
    capDialog.close()
    await this.resuming
    if (!session.hasRememberedChannel) return session.stopWaiting()
    setText(byTestId('session-phase'), phaseText)
    this.showSummary(await session.close())
  }

  /** The viewer pressed play after a stop: paying resumes (a new channel opens at the next segment). */
  played(): void {
    if (!this.stopped) return
    this.stopped = false
    this.hls?.startLoad(this.parts.video.ended ? 0 : this.parts.video.currentTime)
  }

  /** The host ended the channel (it stopped, or the funding was lost): pause and open nothing new until the viewer presses play. */
  hostStopped(error: ViewerError): void {
    this.stopped = true
    this.parts.video.pause()
    this.parts.showError(error)
  }

  showSummary(summary: SettlementSummary): void {
    // The host's `settled` and the close's answer both bring a viewing's summary: it is watched once.
    if (summary.channelId !== this.summary?.channelId) {
      this.watched = this.viewing.watched
      this.viewing.settled()
    }
    // Each time: the host's summary and the close's answer may each record the channel afresh, in either order.
    this.parts.session.recordWatched(summary.channelId, this.watched)
    this.summary = summary
    this.parts.summaryView.show(summary, this.watched)
    this.parts.summaryView.renderHistory(this.parts.session.history())
    void this.parts.walletPanel.refresh()
  }

  /** Coins for a new devnet viewer, so the first visit just plays. */
  async fundIfNeeded(): Promise<void> {
    const { wallet, walletPanel } = this.parts
    if (await this.parts.ownWallet) return
    // The page read the coins as it loaded: that read will do, and the funding then uses it too (coin-reads.ts).
    const amount = devnetTopUp({ balance: (await walletPanel.refresh(COINS_FRESH_MS)) ?? 0, cap: this.parts.cap(), canUseFaucet: wallet.canUseFaucet })
    if (amount !== null) await walletPanel.topUp(amount)
  }

  /** Sends the refunds of channels that settled with nothing on chain, once the chain has reached their lock time. */
  async reclaimMaturedRefunds(): Promise<void> {
    const { session, ledger, walletPanel, summaryView } = this.parts
    try {
      const outcomes = await reclaimRefunds(session.history(), ledger)
      if (outcomes.length === 0) return
      for (const outcome of outcomes) session.recordRefund(outcome)
      const reclaimed = outcomes.flatMap((outcome) => (outcome.kind === 'reclaimed' ? [outcome.satoshis] : []))
      if (reclaimed.length > 0) {
        walletPanel.note(`A refund of ${formatSats(reclaimed.reduce((sum, sats) => sum + sats, 0))} came back from a channel that settled with nothing paid.`)
        void walletPanel.refresh()
      }
      summaryView.renderHistory(session.history())
    } catch (error) {
      console.warn('could not check for matured refunds; trying again later', error)
    }
  }

  /** Hands the viewer's BSV wallet what came back on chain (a close's change, a sent refund), once mined. */
  async collectReturns(): Promise<void> {
    const { session, ledger } = this.parts
    const own = await this.parts.ownWallet
    if (!own) return
    try {
      const taken = await takeBackCoins(session.history(), ledger, (coins) => own.takeBack(coins))
      for (const coins of taken) session.recordTakenBack(coins.channelId, coins.txid)
      if (taken.length > 0) setText(byTestId('wallet-returns'), `Your BSV wallet took back ${formatSats(taken.reduce((sum, coins) => sum + coins.satoshis, 0))}.`)
    } catch (error) {
      console.warn('could not hand the returned coins to the wallet; trying again later', error)
    }
  }

  /**
   * A media playlist that sells media arrived: the channel opens now, while hls.js loads the init segment (and plays
   * the free preview), instead of when the first paid segment is asked for.
   */
  private openEarly(path: string): void {
    markStep('media playlist', 'end')
    this.openOnceTermsSay(() => this.media.sells(path))
  }

  /**
   * A stream whose master playlist came down, and which the host's terms price above nothing: its channel opens now,
   * while hls.js reads the media playlist, so a new viewer's open and funding overlap that read instead of following
   * it. A stream that cannot be read opens none.
   */
  private openForStream(source: string): void {
    this.openOnceTermsSay(() => (streamPrice(source, this.parts.session.terms!) ?? 0) > 0)
  }

  private openOnceTermsSay(sells: () => boolean): void {
    const { session } = this.parts
    // The stream attaches before the host's terms arrive, and what it sells is priced by them: wait for them.
    // A failure is not lost: the first paid segment tries to open the channel again and reports why it cannot.
    session
      .waitForTerms()
      .then(() => (this.stopped || session.hasRememberedChannel || !sells() ? undefined : this.ensureChannel()))
      .catch(() => undefined)
  }

  /** A channel to pay through: the current one, or a new one at the preferred cap. */
  private async ensureChannel(): Promise<void> {
    const { session, walletPanel } = this.parts
    if (this.stopped) throw new PaymentCancelled('stopped by the viewer')
    // A remembered channel is being resumed while hls.js loads: it is the one to pay through, unless the host ended it.
    await this.resuming
    if (!this.opening && session.hasRememberedChannel) return
    if (!this.opening) {
      let fundSent = () => {}
      const sent = new Promise<void>((resolve) => (fundSent = resolve))
      const done = (async () => {
        await this.fundIfNeeded()
        await session.open(this.parts.cap(), fundSent)
      })().finally(() => {
        this.opening = null
        void walletPanel.refresh()
      })
      // Payments start once the funding is on its way: the first update travels right behind it.
      this.opening = Promise.race([done, sent])
    }
    return this.opening
  }
}
