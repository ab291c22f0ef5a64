// The viewer's page: wires the wallet, the channel session and hls.js together with the UI pieces.
// Everything that decides lives elsewhere (payer, session, cap alerts, formatting); this file only connects.
import Hls, { type FragmentLoaderConstructor } from 'hls.js'
import { io } from 'socket.io-client'
import type { Network, SettlementSummary } from '../../protocol/messages.ts'
import { ChannelSession, PaymentCancelled, type HostSocket } from '../payer/session.ts'
import { reclaimRefunds } from '../payer/refunds.ts'
import { ViewerWallet } from '../payer/wallet.ts'
import type { ViewerError } from '../payer/viewer-errors.ts'
import { AlertToasts } from './alerts.ts'
import { CapDialog } from './cap-dialog.ts'
import { capAsTime, formatSats } from './cap-format.ts'
import { CapMeter } from './cap-meter.ts'
import { byTestId, setText } from './dom.ts'
import { ErrorBanner } from './error-banner.ts'
import { createPayingLoader, type SegmentPayments } from './paying-loader.ts'
import { loadPreferences, savePreferences, type Preferences } from './preferences.ts'
import { PreferencesPanel } from './preferences-panel.ts'
import { SettleSummaryView } from './settle-summary.ts'
import { TipButton } from './tip-button.ts'
import { DEVNET_TOP_UP, WalletPanel } from './wallet-panel.ts'
import { installDebugHandle } from './debug-handle.ts'
import { watchReloadIntent } from './reload-intent.ts'
import { renderStreamPicker } from './stream-picker.ts'

interface HostInfo {
  network: Network
  devnet: string | null
  woc: string
  pricePerSecond: number
  accepting: boolean
  streams: Array<{ name: string; url: string }>
}

/** Enough media ahead to never stall on a payment round trip, little enough that payments track watching. */
const BUFFER_SECONDS = 8

/** How often an open page checks whether a waiting refund has unlocked: blocks come minutes apart. */
const REFUND_CHECK_MS = 60_000

async function fetchInfo(): Promise<HostInfo> {
  const res = await fetch('/api/info', { headers: { Accept: 'application/json' } })
  if (!res.ok) throw new Error(`GET /api/info answered HTTP ${res.status}`)
  return (await res.json()) as HostInfo
}

async function main(): Promise<void> {
  const errors = new ErrorBanner()
  const shownErrors: ViewerError[] = []
  const showError = (error: ViewerError) => {
    shownErrors.push(error)
    errors.show(error)
  }

  let info: HostInfo
  try {
    info = await fetchInfo()
  } catch (error) {
    showError({ kind: 'host_unreachable', message: `The host did not answer (${error instanceof Error ? error.message : String(error)}).`, nextStep: 'Check that the host is running, then reload the page.' })
    return
  }

  const storage = window.localStorage
  let preferences = loadPreferences(storage)
  const devnetBase = info.devnet ? new URL(info.devnet, location.origin).toString().replace(/\/$/, '') : null
  const ledger = ViewerWallet.ledgerAt(info.woc, location.origin)
  const { wallet, created } = ViewerWallet.load(storage, { network: info.network, ledger, devnetBaseUrl: devnetBase })
  const socket: HostSocket = io(location.origin, { transports: ['websocket', 'polling'] })
  const session = new ChannelSession({ socket, wallet, storage, storageKey: 'p2p.session', thresholds: preferences.thresholds })

  const video = byTestId<HTMLVideoElement>('video')
  const meter = new CapMeter(preferences.thresholds)
  const toasts = new AlertToasts()
  const summaryView = new SettleSummaryView(() => session.terms?.network ?? info.network, devnetBase)
  const walletPanel = new WalletPanel(wallet, (message, nextStep) => showError({ kind: 'insufficient_funds', message, nextStep }))
  const firedAlerts: number[] = []
  let lastSummary: SettlementSummary | null = null
  /** After "Stop and settle", the end of the video or a stopped host: no new channel until the viewer presses play. */
  let stopped = false
  let opening: Promise<void> | null = null

  setText(byTestId('network'), info.network)
  setText(byTestId('price'), `${info.pricePerSecond} sat/s`)
  const render = () => {
    meter.render(session.snapshot(), preferences.cap)
    setText(byTestId('session-phase'), session.snapshot().phase)
  }
  render()
  summaryView.renderHistory(session.history())

  const prefsPanel = new PreferencesPanel(preferences, async (next: Preferences) => {
    savePreferences(storage, next)
    const previousCap = session.snapshot().cap
    preferences = next
    session.setThresholds(next.thresholds)
    meter.setThresholds(next.thresholds)
    const snapshot = session.snapshot()
    if (snapshot.channelId && snapshot.phase === 'open' && next.cap !== previousCap && next.cap > snapshot.spent) {
      await session.raiseCap(next.cap)
    }
    render()
    return `Saved. Your cap is ${next.cap} sat (${capAsTime(next.cap, session.terms?.pricePerSecond ?? info.pricePerSecond)}).`
  })
  prefsPanel.setPrice(info.pricePerSecond)

  /** Coins for a new devnet viewer, so the first visit just plays. */
  async function fundIfNeeded(): Promise<void> {
    const balance = (await walletPanel.refresh()) ?? 0
    if (!wallet.canUseFaucet || balance >= preferences.cap + 2_000) return
    if (created || balance === 0 || balance < preferences.cap + 2_000) await walletPanel.topUp(Math.max(DEVNET_TOP_UP, preferences.cap * 2))
  }

  /** A channel to pay through: the current one, or a new one at the preferred cap. */
  function ensureChannel(): Promise<void> {
    if (stopped) return Promise.reject(new PaymentCancelled('stopped by the viewer'))
    if (session.hasRememberedChannel) return Promise.resolve()
    opening ??= (async () => {
      await fundIfNeeded()
      await session.open(preferences.cap)
    })().finally(() => {
      opening = null
      void walletPanel.refresh()
    })
    return opening
  }

  const payments: SegmentPayments = {
    async pay(path, duration, signal) {
      await ensureChannel()
      return session.payForSegment(path, duration, signal)
    },
    delivered: (path) => session.markDelivered(path),
    refused(_path, status, body) {
      if (status === 402 && typeof body === 'object' && body !== null) {
        session.resyncFromPaymentRequired(body as Parameters<ChannelSession['resyncFromPaymentRequired']>[0])
      }
    },
    failed(path, error) {
      if (!(error instanceof PaymentCancelled)) console.warn(`payment for ${path} failed`, error)
    },
  }

  async function settle(reasonText: string): Promise<void> {
    stopped = true
    video.pause()
    hls?.stopLoad()
    capDialog.close()
    if (!session.hasRememberedChannel) return
    setText(byTestId('session-phase'), reasonText)
    const summary = await session.close()
    showSummary(summary)
  }

  function showSummary(summary: SettlementSummary): void {
    lastSummary = summary
    summaryView.show(summary)
    summaryView.renderHistory(session.history())
    void walletPanel.refresh()
  }

  /** Sends the refunds of channels that settled with nothing on chain, once the chain has reached their lock time. */
  async function reclaimMaturedRefunds(): Promise<void> {
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

  const capDialog = new CapDialog({
    async raise(newCap) {
      await session.raiseCap(newCap)
      void video.play()
    },
    stop: () => settle('settling'),
  })
  new TipButton((amount) => session.tip(amount))

  byTestId('stop-button').addEventListener('click', () => {
    settle('settling').catch(() => undefined)
  })

  session.on('change', render)
  session.on('alert', (alert) => {
    firedAlerts.push(alert.fraction)
    toasts.show(alert, session.terms?.pricePerSecond ?? info.pricePerSecond)
  })
  session.on('capReached', ({ spent, cap }) => {
    video.pause()
    capDialog.open(spent, cap, session.terms?.pricePerSecond ?? info.pricePerSecond)
  })
  session.on('settled', (summary, { final }) => {
    summaryView.renderHistory(session.history())
    if (final) showSummary(summary)
    void reclaimMaturedRefunds()
  })
  /** A stopped host settles every channel: pause and open nothing new until the viewer presses play again. */
  function showHostStopped(error: ViewerError): void {
    stopped = true
    video.pause()
    showError(error)
  }
  session.on('error', (error) => (error.kind === 'host_stopped' ? showHostStopped(error) : showError(error)))
  session.on('hostStatus', (status) => {
    if (!status.accepting) showHostStopped({ kind: 'host_stopped', message: status.reason ?? 'The host stopped the stream.', nextStep: 'Your channel is settled by the host; come back later.' })
  })
  session.on('terms', (terms) => {
    setText(byTestId('price'), `${terms.pricePerSecond} sat/s`)
    prefsPanel.setPrice(terms.pricePerSecond)
  })
  socket.on('connect_error', () => {
    showError({ kind: 'host_unreachable', message: 'Lost the connection to the host.', nextStep: 'The player reconnects by itself and resumes the same channel; check your network if this stays.' })
  })
  socket.on('connect', () => {
    if (shownErrors.at(-1)?.kind === 'host_unreachable') errors.clear()
  })

  video.addEventListener('ended', () => {
    settle('ended').catch(() => undefined)
  })
  video.addEventListener('play', () => {
    if (!stopped) return
    stopped = false
    errors.clear()
    hls?.startLoad(video.ended ? 0 : video.currentTime)
  })

  const reloadIntent = watchReloadIntent()
  window.addEventListener('pagehide', () => {
    if (preferences.settleOnLeave && !reloadIntent.reloading()) session.closeOnLeave()
  })

  // Resume a channel from before a reload, then start playing (muted autoplay is allowed everywhere).
  try {
    await session.waitForTerms()
    if (session.hasRememberedChannel) await session.resume()
  } catch {
    // shown through the session's error event; playback starts anyway and retries through the loader
  }
  void walletPanel.refresh().then(() => (wallet.canUseFaucet && created ? fundIfNeeded() : undefined))
  void reclaimMaturedRefunds()
  setInterval(() => void reclaimMaturedRefunds(), REFUND_CHECK_MS)

  const source = new URLSearchParams(location.search).get('stream') ?? info.streams[0]?.url
  if (source) renderStreamPicker(info.streams, source)
  let hls: Hls | null = null
  if (!source) {
    showError({ kind: 'host_unreachable', message: 'This host lists no streams.', nextStep: 'Ask the host to add a video (npm run media).' })
  } else if (Hls.isSupported()) {
    // Checked before native HLS on purpose: Chromium answers "maybe" to native HLS, which would bypass payment.
    hls = new Hls({
      // hls.js types fLoader for fragment contexts only; the loader handles any context and passes non-fragments on.
      fLoader: createPayingLoader(payments) as unknown as FragmentLoaderConstructor,
      maxBufferLength: BUFFER_SECONDS,
      maxMaxBufferLength: BUFFER_SECONDS,
      backBufferLength: 30,
    })
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) {
        console.warn('hls.js fatal error', data.details)
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR) hls?.startLoad()
        else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls?.recoverMediaError()
      }
    })
    hls.loadSource(source)
    hls.attachMedia(video)
    video.muted = true
    void video.play().catch(() => undefined)
  } else {
    showError({ kind: 'host_unreachable', message: 'This browser cannot play HLS through Media Source Extensions, which the paying player needs.', nextStep: 'Use a current Chrome, Edge, Firefox or Safari 17+.' })
  }

  installDebugHandle({
    state: () => ({
      ...session.snapshot(),
      currentTime: video.currentTime,
      paused: video.paused,
      ended: video.ended,
      capDialogOpen: capDialog.isOpen,
      walletAddress: wallet.address,
      walletBalance: walletPanel.knownBalance,
      firedAlerts: [...firedAlerts],
      errors: shownErrors.map((e) => ({ ...e })),
      lastSummary: lastSummary ? { ...lastSummary } : null,
      stopped,
    }),
    history: () => session.history().map((entry) => ({ ...entry, summary: { ...entry.summary } })),
  })
}

void main()
