// The host dashboard page: sign in with the admin token, then follow the host live over Socket.IO (no polling) and
// start or stop it. Rendering is plain DOM: one snapshot in, every figure out.
import { io, type Socket } from 'socket.io-client'
import { DASHBOARD_NAMESPACE, type DashboardServerEvents, type DashboardSnapshot } from '../../protocol/dashboard.ts'
import { AdminApiError, adminFetch, forgetToken, savedToken, saveToken } from './admin-token.ts'
import { ChannelBrowser } from './channel-browser.ts'
import { renderChannelRows } from './channel-table.ts'
import { renderTipRows } from './tip-table.ts'
import { renderViewerRows } from './viewer-table.ts'
import { renderPayout } from './payout-card.ts'
import { renderStreamRows } from './stream-table.ts'
import { EarningsChart } from './earnings-chart.ts'
import { formatBytes, formatRate, formatSats } from './format.ts'

const byTestId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.querySelector<T>(`[data-testid="${id}"]`)
  if (!element) throw new Error(`The page is missing [data-testid="${id}"]`)
  return element
}

const view = {
  login: byTestId('login'),
  loginForm: byTestId<HTMLFormElement>('login-form'),
  loginToken: byTestId<HTMLInputElement>('login-token'),
  loginError: byTestId('login-error'),
  dashboard: byTestId('dashboard'),
  signOut: byTestId<HTMLButtonElement>('sign-out'),
  network: byTestId('network'),
  connection: byTestId('connection'),
  toggle: byTestId<HTMLButtonElement>('toggle-accepting'),
  toggleHint: byTestId('toggle-hint'),
  toggleError: byTestId('toggle-error'),
  status: byTestId('host-status'),
  chart: byTestId('chart'),
  channels: byTestId<HTMLTableSectionElement>('channels'),
  tips: byTestId<HTMLTableSectionElement>('tips'),
  viewers: byTestId<HTMLTableSectionElement>('viewers'),
  streams: byTestId<HTMLTableSectionElement>('streams'),
}

const text = (id: string, value: string) => {
  byTestId(id).textContent = value
}

const channels = new ChannelBrowser(
  { filter: byTestId<HTMLSelectElement>('channel-filter'), more: byTestId<HTMLButtonElement>('channels-more'), error: byTestId('channels-error') },
  savedToken,
  (rows) => latest && renderChannelRows(view.channels, rows, latest.network, latest.at),
)

let socket: Socket<DashboardServerEvents> | null = null
let chart: EarningsChart | null = null
let latest: DashboardSnapshot | null = null
let busy = false

function render(snapshot: DashboardSnapshot): void {
  latest = snapshot
  text('earned-total', formatSats(snapshot.earned.total))
  text('earned-accepted', formatSats(snapshot.earned.accepted))
  text('earned-settled', formatSats(snapshot.earned.settled))
  text('earned-tips', formatSats(snapshot.earned.tips))
  text('rate', formatRate(snapshot.ratePerMinute))
  text('watching-now', formatSats(snapshot.watchingNow))
  text('channels-open', formatSats(snapshot.channels.open))
  text('channels-settled', formatSats(snapshot.channels.settled))
  text('segments-served', formatSats(snapshot.served.segments))
  text('bytes-served', formatBytes(snapshot.served.bytes))
  text('payment-required', formatSats(snapshot.served.paymentRequired))
  view.network.textContent = snapshot.network
  view.network.hidden = false
  renderAccepting(snapshot.accepting)
  renderPayout(byTestId('payout'), snapshot.payout, snapshot.network)
  channels.live(snapshot.channelRows, snapshot.channelCursor)
  renderTipRows(view.tips, snapshot.tips, snapshot.at)
  renderViewerRows(view.viewers, snapshot.viewers, snapshot.at)
  renderStreamRows(view.streams, snapshot.streams)
  chart ??= new EarningsChart(view.chart)
  chart.update(snapshot.earningsPerMinute)
}

function renderAccepting(accepting: boolean): void {
  view.status.dataset.accepting = String(accepting)
  view.status.textContent = accepting ? 'Accepting viewers' : 'Stopped: new viewers are refused'
  if (busy) return
  view.toggle.dataset.action = accepting ? 'stop' : 'start'
  view.toggle.textContent = accepting ? 'Stop' : 'Start'
  view.toggleHint.textContent = accepting
    ? 'Stop refuses new viewers and settles every open channel on chain.'
    : 'Start lets viewers open channels again.'
}

function setConnection(state: 'live' | 'connecting' | 'offline', label: string): void {
  view.connection.dataset.state = state
  view.connection.querySelector('.label')!.textContent = label
}

function showLogin(error?: string): void {
  socket?.disconnect()
  socket = null
  chart?.destroy()
  chart = null
  view.dashboard.hidden = true
  view.signOut.hidden = true
  view.login.hidden = false
  view.loginError.hidden = !error
  view.loginError.textContent = error ?? ''
  setConnection('offline', 'Offline')
  view.loginToken.focus()
}

function showDashboard(token: string, first: DashboardSnapshot): void {
  view.login.hidden = true
  view.dashboard.hidden = false
  view.signOut.hidden = false
  render(first)
  follow(token)
}

/** The live feed: the host pushes a snapshot on every change and every few seconds; the page only listens. */
function follow(token: string): void {
  socket?.disconnect()
  setConnection('connecting', 'Connecting…')
  socket = io(DASHBOARD_NAMESPACE, { auth: { token } })
  socket.on('connect', () => setConnection('live', 'Live'))
  socket.on('disconnect', () => setConnection('connecting', 'Reconnecting…'))
  socket.on('snapshot', render)
  socket.on('connect_error', (error) => {
    if (/^too_many_attempts/.test(error.message)) {
      showLogin(error.message.replace(/^too_many_attempts:\s*/, ''))
    } else if (/^(unauthorized|forbidden)/.test(error.message)) {
      forgetToken()
      showLogin('The host no longer accepts this admin token. Enter the current one.')
    } else {
      setConnection('connecting', 'Host unreachable, retrying…')
    }
  })
}

async function signIn(token: string): Promise<void> {
  try {
    const snapshot = await adminFetch<DashboardSnapshot>('/api/host/stats', token)
    saveToken(token)
    showDashboard(token, snapshot)
  } catch (error) {
    const message =
      error instanceof AdminApiError && error.isAuthProblem
        ? 'That admin token is wrong. Copy it from the terminal where the host started.'
        : error instanceof Error
          ? error.message
          : String(error)
    if (error instanceof AdminApiError && error.isAuthProblem) forgetToken()
    showLogin(message)
  }
}

async function toggleAccepting(): Promise<void> {
  const token = savedToken()
  if (!token || busy) return
  const stopping = view.toggle.dataset.action === 'stop'
  busy = true
  view.toggle.disabled = true
  view.toggleError.hidden = true
  view.toggle.textContent = stopping ? 'Stopping…' : 'Starting…'
  if (stopping) view.toggleHint.textContent = `Settling ${latest?.channels.open ?? 0} open channel(s) on chain…`
  let accepting: boolean
  try {
    const result = await adminFetch<{ accepting: boolean }>(stopping ? '/api/host/stop' : '/api/host/start', token, { method: 'POST' })
    accepting = result.accepting
  } catch (error) {
    view.toggleError.hidden = false
    view.toggleError.textContent = error instanceof Error ? error.message : String(error)
    accepting = latest?.accepting ?? stopping
  }
  busy = false
  view.toggle.disabled = false
  renderAccepting(accepting)
}

view.loginForm.addEventListener('submit', (event) => {
  event.preventDefault()
  const token = view.loginToken.value.trim()
  if (token) void signIn(token)
})
view.signOut.addEventListener('click', () => {
  forgetToken()
  showLogin()
})
view.toggle.addEventListener('click', () => void toggleAccepting())

// A read-only handle for end-to-end tests and curious admins.
;(window as unknown as { p2pHost: { snapshot(): DashboardSnapshot | null } }).p2pHost = { snapshot: () => latest }

const remembered = savedToken()
if (remembered) void signIn(remembered)
else showLogin()
