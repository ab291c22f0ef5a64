// The viewer's page, once main.ts has opened the line to the host: builds the wallet, the channel session and the UI
// pieces, and hands every event to the player controller (player-controller.ts), which owns the page's state.
// Everything that decides lives elsewhere.
import { DEFAULT_FEE_RATE } from '../../protocol/fees.ts'
import { type Network, type Terms } from '../../protocol/messages.ts'
import { isFundingLoss } from '../../protocol/funding-loss.ts'
import type { HostSocket } from '../payer/host-request.ts'
import { ChannelSession } from '../payer/session.ts'
import { chosenWallet } from '../payer/chosen-wallet.ts'
import { keyWallet } from '../payer/key-wallet.ts'
import { ViewerWallet } from '../payer/wallet.ts'
import type { ViewerError } from '../payer/viewer-errors.ts'
import { SpendingBook } from '../payer/spending-book.ts'
import { AlertToasts } from './alerts.ts'
import { CapDialog } from './cap-dialog.ts'
import { capAsTime, limitsLine } from './cap-format.ts'
import { CapMeter } from './cap-meter.ts'
import { installDebugHandle } from './debug-handle.ts'
import { keepFocusInDialogs } from './dialog-focus.ts'
import { byTestId, setText } from './dom.ts'
import { ErrorBanner } from './error-banner.ts'
import { PlayerController } from './player-controller.ts'
import { hasHostPreferences, loadPreferences, savePreferences, withLimit, type Preferences } from './preferences.ts'
import { capPrompt, limitPrompt } from './limit-prompts.ts'
import { allowNotifications, noticeWhenHidden } from './system-notice.ts'
import { PreferencesPanel } from './preferences-panel.ts'
import { watchLeaveIntent } from './leave-intent.ts'
import { SettleSummaryView } from './settle-summary.ts'
import { renderStreamPicker, type StreamEntry } from './stream-picker.ts'
import { priceLabel, streamPrice } from './stream-price.ts'
import { TipButton } from './tip-button.ts'
import { WalletPanel } from './wallet-panel.ts'
import { WithdrawPanel } from './withdraw-panel.ts'
import { BackupPanel } from './backup-panel.ts'
import { showHotWalletWarning } from './hot-wallet.ts'
import { choosePayingWallet } from './pay-with-panel.ts'
import { markStep } from '../payer/timeline.ts'

markStep('page', 'end')

interface HostInfo {
  network: Network
  devnet: string | null
  woc: string
  pricePerSecond: number
  accepting: boolean
  streams: StreamEntry[]
  streamPrices: Terms['streamPrices']
  previewSeconds: number
  /** What the socket's `terms` will say: the channel's opening need not wait for the socket. */
  terms: Terms
}

/** How often an open page checks whether a waiting refund has unlocked: blocks come minutes apart. */
const REFUND_CHECK_MS = 60_000
/** How often it looks for coins mined back to the viewer's BSV wallet; only past channels owing coins cost a request. */
const RETURNS_CHECK_MS = 5_000

async function fetchInfo(): Promise<HostInfo> {
  const res = await fetch('/api/info', { headers: { Accept: 'application/json' } })
  if (!res.ok) throw new Error(`GET /api/info answered HTTP ${res.status}`)
  return (await res.json()) as HostInfo
}

/** The line to the host main.ts opened, and the terms it has heard on it so far. */
export interface HostConnection {
  socket: HostSocket
  earlyTerms: () => Terms | null
}

export async function startPlayerPage({ socket, earlyTerms }: HostConnection): Promise<void> {
  keepFocusInDialogs()
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
  // Preferences and limits are kept per host: the host is where the page came from.
  const host = location.host
  let preferences = loadPreferences(storage, host)
  let thisHostOnly = hasHostPreferences(storage, host)
  const budget = new SpendingBook(storage, host, () => preferences.budget)
  const devnetBase = info.devnet ? new URL(info.devnet, location.origin).toString().replace(/\/$/, '') : null
  const ledger = ViewerWallet.ledgerAt(info.woc, location.origin)
  const walletOptions = { network: info.network, ledger, devnetBaseUrl: devnetBase }
  const { wallet, created } = await ViewerWallet.load(storage, walletOptions)
  const source = new URLSearchParams(location.search).get('stream') ?? info.streams[0]?.url
  const payWith = choosePayingWallet({ network: info.network, storage, stream: () => source ?? '', channelOpen: () => session.hasRememberedChannel })
  const channelWallet = chosenWallet(payWith.own.then((own) => own ?? keyWallet(wallet)))
  const session: ChannelSession = new ChannelSession({
    socket,
    earlyTerms: earlyTerms() ?? info.terms,
    wallet: channelWallet,
    storage,
    storageKey: 'p2p.session',
    thresholds: preferences.thresholds,
    budget,
    label: { host, stream: source ?? '' },
  })
  const price = () => streamPrice(source, session.terms ?? info) ?? 0

  const video = byTestId<HTMLVideoElement>('video')
  video.requestVideoFrameCallback?.(() => markStep('first frame', 'end'))
  const meter = new CapMeter(preferences.thresholds)
  const toasts = new AlertToasts()
  const summaryView = new SettleSummaryView(() => session.terms?.network ?? info.network, devnetBase, () => ledger.height())
  const walletPanel = new WalletPanel(wallet, (message, nextStep) => showError({ kind: 'insufficient_funds', message, nextStep }))
  const capDialog = new CapDialog((): Promise<void> => player.settle('settling'))
  const player: PlayerController = new PlayerController({ session, wallet, walletPanel, ledger, ownWallet: payWith.own, video, summaryView, capDialog, cap: () => preferences.cap, buyAhead: () => preferences.buyAhead, showError })
  // What goes over the network starts before the panels are built (nothing they do runs before this function returns).
  // Resume a channel from an earlier page of this host while the stream loads (muted autoplay is allowed everywhere).
  // A failure is shown through the session's error event; playback goes on and the loader opens a channel if needed.
  player.resumeRemembered().catch(() => undefined)
  void walletPanel.refresh().then(() => (wallet.canUseFaucet && created ? player.fundIfNeeded() : undefined))
  const attached = source ? player.attach(source) : false
  new WithdrawPanel({
    wallet,
    network: info.network,
    feeRate: () => session.terms?.feeRate ?? DEFAULT_FEE_RATE,
    channel: () => {
      const snapshot = session.snapshot()
      return { phase: snapshot.phase, locked: snapshot.channelId ? snapshot.capacity : 0 }
    },
    sent: () => void walletPanel.refresh(),
  })
  const backup = new BackupPanel({
    wallet,
    storage,
    walletOptions,
    refunds: () => session.keptRefunds(),
    adopt: (refunds) => session.adoptRefunds(refunds),
    channelOpen: () => session.hasRememberedChannel,
    balance: () => walletPanel.knownBalance,
    restored: () => location.reload(),
  })
  void payWith.own.then((own) => (own ? undefined : showHotWalletWarning(info.network, storage, () => backup.showBackup())))
  const firedAlerts: number[] = []

  setText(byTestId('network'), info.network)
  setText(byTestId('price'), priceLabel(streamPrice(source, info), info.previewSeconds))
  const render = () => {
    meter.render(session.snapshot(), preferences.cap)
    setText(byTestId('budget-status'), limitsLine(budget.limits()))
    setText(byTestId('session-phase'), session.snapshot().phase)
  }
  render()
  summaryView.renderHistory(session.history())

  /** New preferences: kept, the limits' alerts re-armed, and payments waiting at a limit try again. */
  const adopt = (next: Preferences, onlyHere: boolean) => {
    savePreferences(storage, next, { host, only: onlyHere })
    preferences = next
    thisHostOnly = onlyHere
    budget.rearm()
    session.setThresholds(next.thresholds)
    meter.setThresholds(next.thresholds)
    session.limitsChanged()
  }
  const prefsPanel = new PreferencesPanel(preferences, thisHostOnly, async (next: Preferences, onlyHere: boolean) => {
    const previousCap = session.snapshot().cap
    const notifications = next.notify && !preferences.notify ? ` ${await allowNotifications()}` : ''
    adopt(next, onlyHere)
    const snapshot = session.snapshot()
    if (snapshot.channelId && snapshot.phase === 'open' && next.cap !== previousCap && next.cap > snapshot.spent) {
      await session.raiseCap(next.cap)
    }
    render()
    return `Saved${onlyHere ? ' for this host' : ''}. Your cap is ${next.cap} sat (${capAsTime(next.cap, price())}).${notifications}`
  })
  prefsPanel.setPrice(price())
  new TipButton((amount, note) => session.tip(amount, note))

  byTestId('stop-button').addEventListener('click', () => {
    player.settle('settling').catch(() => undefined)
  })

  session.on('change', render)
  session.on('alert', (alert) => {
    firedAlerts.push(alert.fraction)
    noticeWhenHidden(preferences.notify, toasts.show(alert, price()))
  })
  session.on('budgetAlert', (alert) => noticeWhenHidden(preferences.notify, toasts.show(alert, price())))
  session.on('capReached', ({ spent, cap }) => {
    video.pause()
    capDialog.open(
      capPrompt(spent, cap, async (newCap) => {
        await session.raiseCap(newCap)
        void video.play()
      }),
      price(),
    )
  })
  session.on('limitReached', ({ limit }) => {
    video.pause()
    const prompt = limitPrompt(limit, async (sats) => {
      adopt(withLimit(preferences, limit.kind, sats), thisHostOnly)
      prefsPanel.fill(preferences)
      void video.play()
    })
    noticeWhenHidden(preferences.notify, prompt.text)
    capDialog.open(prompt, price())
  })
  session.on('settled', (summary, { final }) => {
    summaryView.renderHistory(session.history())
    if (final) player.showSummary(summary)
    void player.reclaimMaturedRefunds()
    void player.collectReturns()
  })
  // A channel the host ended under the viewer (stopped, or its funding lost) pauses playback until the viewer plays again.
  session.on('error', (error) => (error.kind === 'host_stopped' || isFundingLoss(error.kind) ? player.hostStopped(error) : showError(error)))
  session.on('hostStatus', (status) => {
    if (!status.accepting) player.hostStopped({ kind: 'host_stopped', message: status.reason ?? 'The host stopped the stream.', nextStep: 'Your channel is settled by the host; come back later.' })
  })
  session.on('terms', (terms) => {
    setText(byTestId('price'), priceLabel(streamPrice(source, terms), terms.previewSeconds))
    prefsPanel.setPrice(price())
  })
  socket.on('connect_error', () => {
    showError({ kind: 'host_unreachable', message: 'Lost the connection to the host.', nextStep: 'The player reconnects by itself and resumes the same channel; check your network if this stays.' })
  })
  socket.on('connect', () => {
    if (shownErrors.at(-1)?.kind === 'host_unreachable') errors.clear()
  })

  video.addEventListener('ended', () => {
    player.settle('ended').catch(() => undefined)
  })
  video.addEventListener('play', () => {
    if (player.isStopped) errors.clear()
    player.played()
  })

  const leaveIntent = watchLeaveIntent()
  window.addEventListener('pagehide', () => {
    if (preferences.settleOnLeave && !leaveIntent.staying()) session.closeOnLeave()
  })

  installDebugHandle({
    state: () => ({
      ...session.snapshot(),
      currentTime: video.currentTime,
      paused: video.paused,
      ended: video.ended,
      capDialogOpen: capDialog.isOpen,
      dialogAsking: capDialog.asking,
      limits: budget.limits().map((l) => ({ kind: l.kind, period: l.period, spent: l.spent, limit: l.limit })),
      walletAddress: wallet.address,
      ...payWith.state(),
      walletBalance: walletPanel.knownBalance,
      firedAlerts: [...firedAlerts],
      errors: shownErrors.map((e) => ({ ...e })),
      lastSummary: player.lastSummary ? { ...player.lastSummary } : null,
      stopped: player.isStopped,
      receivedSeconds: player.media.receivedSeconds(),
      watched: player.viewing.watched,
      stalls: player.viewing.stalls,
      buySeconds: player.gate.estimate,
    }),
    history: () => session.history().map((entry) => ({ ...entry, summary: { ...entry.summary } })),
  })

  void player.reclaimMaturedRefunds()
  setInterval(() => void player.reclaimMaturedRefunds(), REFUND_CHECK_MS)
  void player.collectReturns()
  setInterval(() => void player.collectReturns(), RETURNS_CHECK_MS)

  if (!source) {
    showError({ kind: 'host_unreachable', message: 'This host lists no streams.', nextStep: 'Ask the host to add a video (npm run media).' })
    return
  }
  renderStreamPicker(info.streams, source)
  if (!attached) {
    showError({ kind: 'host_unreachable', message: 'This browser cannot play HLS through Media Source Extensions, which the paying player needs.', nextStep: 'Use a current Chrome, Edge, Firefox or Safari 17+.' })
  }
}
