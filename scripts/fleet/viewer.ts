// One headless viewer: the browser's own ChannelSession (client/payer/session.ts) on a Node socket.io-client,
// playing a stream at playback pace x speed: pay for a segment, fetch it, tell the session it arrived, close.
import { io } from 'socket.io-client'
import type { HostSocket } from '../../client/payer/host-request.ts'
import { ChannelSession } from '../../client/payer/session.ts'
import type { ChannelWallet } from '../../client/payer/channel-wallet.ts'
import type { PayerChannel } from '../../client/payer/payer.ts'
import { PaymentCancelled } from '../../client/payer/waiting.ts'
import { MemoryStorage, readJson } from '../../client/payer/storage.ts'
import { ViewerFailure } from '../../client/payer/viewer-errors.ts'
import type { SettlementSummary } from '../../protocol/messages.ts'
import { p2pkhScriptHex } from '../../protocol/scripts.ts'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'
import { fetchPaid, SegmentPurchase, type FetchedAnswer, type Purchased } from '../../client/payer/segment-purchase.ts'
import type { HttpAnswer, HttpClient } from './http-client.ts'
import { loadStream, requestFor, type LoadedStream } from './playlist.ts'
import { emptyResult, recordError, type ViewerResult } from './viewer-result.ts'

/** Live counters the progress line reads; every viewer adds to the same object. */
export interface FleetProgress {
  active: number
  finished: number
  segments: number
  satoshis: number
  errors: number
}

export interface ViewerPlan {
  index: number
  url: string
  playlistPath: string
  /** What pays: a key with its coin, or the fleet's BRC-100 wallet. */
  wallet: ChannelWallet
  cap: number
  speed: number
  /** Wall-clock seconds this viewer watches (it also stops at the end of the stream or at its cap). */
  seconds: number
  http: HttpClient
  progress: FleetProgress
  ackTimeoutMs?: number
  /** Satoshis the viewer tips once it has watched, before it closes (none when absent). */
  tip?: number
}

const STORAGE_KEY = 'fleet.session'

/** Connects a socket created with autoConnect off, so the session was already listening for the host's terms. */
function connectSocket(socket: HostSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    // Both listeners go once either fires: a stale connect_error listener would cancel the reconnection after a
    // host's crash at its first failed attempt.
    const connected = () => {
      socket.off('connect_error', refused)
      resolve()
    }
    const refused = (error: Error) => {
      socket.off('connect', connected)
      socket.disconnect()
      reject(error)
    }
    socket.once('connect', connected)
    socket.once('connect_error', refused)
    socket.connect()
  })
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)))
const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** How long a viewer waits for its host (or another instance behind the same address) to take it back. */
const RECONNECT_TIMEOUT_MS = 30_000
/** Attempts at one entry, or at the close, across lost hosts and failed fetches. */
const ATTEMPTS = 4

export async function runViewer(plan: ViewerPlan): Promise<ViewerResult> {
  const result = emptyResult(plan.index)
  const { progress } = plan
  const fail = (kind: Parameters<typeof recordError>[1], error: unknown) => {
    recordError(result, kind, message(error))
    progress.errors++
  }
  progress.active++
  let socket: HostSocket | null = null
  let session: ChannelSession | null = null
  try {
    // Reconnects as the player does, so a viewer whose host died is taken back by another instance (or the host
    // restarted), for as long as RECONNECT_TIMEOUT_MS allows.
    socket = io(plan.url, {
      transports: ['websocket'],
      forceNew: true,
      autoConnect: false,
      timeout: plan.ackTimeoutMs ?? 20_000,
      reconnectionDelay: 250,
      reconnectionDelayMax: 2_000,
      reconnectionAttempts: Math.ceil(RECONNECT_TIMEOUT_MS / 1_000),
    })
    // An outage lasts from a disconnect the viewer did not ask for to the reconnection that ends it.
    let lostAt: number | null = null
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') lostAt ??= performance.now()
    })
    socket.io.on('reconnect', () => {
      if (lostAt === null) return
      result.outages++
      result.longestOutageMs = Math.max(result.longestOutageMs, performance.now() - lostAt)
      lostAt = null
    })
    const storage = new MemoryStorage()
    session = new ChannelSession({
      socket,
      wallet: plan.wallet,
      storage,
      storageKey: STORAGE_KEY,
      ackTimeoutMs: plan.ackTimeoutMs,
    })
    try {
      await connectSocket(socket)
    } catch (error) {
      fail('connect', error)
      result.stoppedEarly = 'error'
      return result
    }
    const atCap = new AbortController()
    session.on('capReached', () => atCap.abort())
    // The host may settle the channel on its own (Stop, idle): then its summary is the viewer's settlement.
    const byHost = new AbortController()
    const hostSummary: { settled: SettlementSummary | null } = { settled: null }
    session.on('settled', (summary: SettlementSummary) => {
      hostSummary.settled ??= summary
      byHost.abort()
    })

    let stream: LoadedStream
    try {
      const terms = await session.waitForTerms()
      stream = await loadStream(plan.http, plan.url, plan.playlistPath, () => session!.terms ?? terms)
    } catch (error) {
      fail('playlist', error)
      result.stoppedEarly = 'error'
      return result
    }

    try {
      await session.open(plan.cap)
    } catch (error) {
      fail('open', error)
      result.stoppedEarly = 'error'
      return result
    }
    // The session keeps its channel in the storage we gave it: the funding outpoint is what the close must spend.
    const stored = readJson(storage, STORAGE_KEY) as { channel?: Pick<PayerChannel, 'funding' | 'fee' | 'payerPublicKey' | 'payerScript'> } | null
    const opened = session.snapshot()
    result.channelId = opened.channelId
    result.capacity = opened.capacity
    result.fee = stored?.channel?.fee ?? 0
    result.fundingTxid = stored?.channel?.funding?.txid ?? null
    result.fundingVout = stored?.channel?.funding?.vout ?? 0
    result.payerScript = stored?.channel ? (stored.channel.payerScript ?? p2pkhScriptHex(stored.channel.payerPublicKey)) : ''
    result.payoutScript = session.terms?.payoutScript ?? ''
    // Noted as each payment is accepted: the host may settle the channel (Stop) before that segment's bytes are in,
    // and the session has let the channel go by the time the fetch ends.
    session.on('paid', () => notePaid(session!, result))

    const online = backOnline(session, socket)
    result.stoppedEarly = await watch(plan, session, stream, result, { atCap: atCap.signal, byHost: byHost.signal }, fail, online)
    if (plan.tip && !byHost.signal.aborted) await tip(session, plan.tip, result, fail)

    try {
      // Once: a tip the host stored but whose acknowledgement was lost would be paid twice by a retry.
      const summary = hostSummary.settled ?? (await throughOutages(() => session!.close(), online))
      result.settled = summary.paid
      result.change = summary.change
      result.closeTxid = summary.closeTxid
      result.fee = summary.fee
    } catch (error) {
      fail('close', error)
    }
    return result
  } finally {
    session?.dispose()
    socket?.disconnect()
    progress.active--
    progress.finished++
  }
}

/** Whether the host settles the channel now, or has: its notice may trail the refusal it caused by a moment. */
async function settledMeanwhile(byHost: AbortSignal): Promise<boolean> {
  for (const until = performance.now() + 2_000; !byHost.aborted && performance.now() < until; ) await sleep(50)
  return byHost.aborted
}

/** What the channel has paid so far, while the session holds it: one the host settled has left the session. */
function notePaid(session: ChannelSession, result: ViewerResult): void {
  const now = session.snapshot()
  if (now.channelId === result.channelId) result.paid = now.paid
}

async function tip(session: ChannelSession, amount: number, result: ViewerResult, fail: (kind: 'pay', error: unknown) => void): Promise<void> {
  try {
    await session.tip(amount, 'fleet')
    result.tipped += amount
  } catch (error) {
    fail('pay', error instanceof ViewerFailure ? error.viewerError.message : error)
  } finally {
    notePaid(session, result)
  }
}

/** Resolves true once the socket is back and the session has resumed its channel; false after the timeout. */
function backOnline(session: ChannelSession, socket: HostSocket): () => Promise<boolean> {
  return async () => {
    const deadline = performance.now() + RECONNECT_TIMEOUT_MS
    while (performance.now() < deadline) {
      if (socket.connected && session.snapshot().phase === 'open') return true
      await sleep(100)
    }
    return false
  }
}

/** The host went silent on a request: it died or the connection did; another instance may take the viewer back. */
function lostTheHost(error: unknown): boolean {
  return error instanceof ViewerFailure && error.viewerError.kind === 'host_unreachable'
}

async function throughOutages<T>(attempt: () => Promise<T>, online: () => Promise<boolean>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt()
    } catch (error) {
      if (!lostTheHost(error) || tries >= ATTEMPTS || !(await online())) throw error
    }
  }
}

/** The HTTP client failed to fetch (as opposed to the session failing to pay): the viewer tries once more. */
class FetchFailed extends Error {}

/**
 * An entry's bytes: from the signed URL when the host gave one (edge mode; the token stays with the host), otherwise
 * from the host, with the token when one is needed. A redirect (the host's way of pointing a refetch at the edge) is
 * followed.
 */
async function fetchSegment(plan: ViewerPlan, request: ReturnType<typeof requestFor>, { token, url }: Purchased): Promise<HttpAnswer> {
  const first = url
    ? await plan.http.get(new URL(url, plan.url).href, { headers: request.headers })
    : await plan.http.get(plan.url + request.path, { headers: { ...request.headers, ...(token ? { [TOKEN_HEADER]: token } : {}) } })
  if (first.status < 300 || first.status >= 400 || !first.location) return first
  const moved = await plan.http.get(new URL(first.location, plan.url).href, { headers: request.headers })
  return { ...moved, ms: first.ms + moved.ms }
}

function fetched(answer: HttpAnswer): HttpAnswer & FetchedAnswer {
  return { ...answer, json: () => parseJson(answer.body) }
}

function parseJson(body: Buffer | null): unknown {
  try {
    return body ? (JSON.parse(body.toString('utf8')) as unknown) : null
  } catch {
    return null
  }
}

/** The playback loop. Returns why it stopped early, or null when its time ran out. */
async function watch(
  plan: ViewerPlan,
  session: ChannelSession,
  stream: LoadedStream,
  result: ViewerResult,
  { atCap, byHost }: { atCap: AbortSignal; byHost: AbortSignal },
  fail: (kind: Parameters<typeof recordError>[1], error: unknown) => void,
  online: () => Promise<boolean>,
): Promise<ViewerResult['stoppedEarly']> {
  const started = performance.now()
  const deadline = started + plan.seconds * 1000
  const get = (request: ReturnType<typeof requestFor>) => (purchased: Purchased) =>
    fetchSegment(plan, request, purchased).then(fetched, (error: unknown) => {
      throw new FetchFailed(message(error))
    })
  const observe = {
    paid: (_charged: number, ms: number) => result.payLatencyMs.push(ms),
    refused: (status: number) => {
      if (status === 402) result.paymentRequired++
    },
  }
  let mediaOffset = 0
  for (const segment of stream.segments) {
    // Playback pace: segment k is wanted when the media before it has played at `speed`.
    const due = started + (mediaOffset / plan.speed) * 1000
    if (due >= deadline) return null
    await sleep(due - performance.now())
    if (byHost.aborted) return 'settled_by_host'
    mediaOffset += segment.duration
    const purchase = new SegmentPurchase(session, segment.id, stream.media.chargeOf(segment.id))
    let answer: (HttpAnswer & { charged: number }) | null = null
    for (let attempt = 1; attempt <= ATTEMPTS && answer === null; attempt++) {
      try {
        // A payment waits while the channel is being resumed; never longer than a reconnect may take. A timer of our
        // own, not AbortSignal.timeout: that one is unref'd, and with the host gone nothing else keeps Node running,
        // so the fleet would exit mid-wait, silently and with status 0.
        const giveUp = new AbortController()
        const timer = setTimeout(() => giveUp.abort(new Error(`no answer within ${RECONNECT_TIMEOUT_MS} ms`)), RECONNECT_TIMEOUT_MS)
        try {
          answer = await fetchPaid(purchase, get(requestFor(segment.key)), observe, AbortSignal.any([atCap, byHost, giveUp.signal]))
        } finally {
          clearTimeout(timer)
        }
      } catch (error) {
        if (error instanceof FetchFailed) {
          fail('network', error)
          continue
        }
        // The entry is bought (or found paid) again once the channel is resumed, here or on another instance.
        if (error instanceof PaymentCancelled && atCap.aborted) return 'cap'
        if (byHost.aborted) return 'settled_by_host'
        const outage = lostTheHost(error) || error instanceof PaymentCancelled
        if (outage && attempt < ATTEMPTS && (await online())) continue
        fail('pay', error instanceof ViewerFailure ? error.viewerError.message : error)
        return 'error'
      } finally {
        notePaid(session, result)
      }
    }
    if (answer === null) return 'error'
    if (answer.status !== 200 && answer.status !== 206) {
      // The host settled the channel between the payment and the fetch: its notice may come a moment after the refusal.
      if (await settledMeanwhile(byHost)) {
        result.paidUnserved += answer.charged
        return 'settled_by_host'
      }
      fail(`http_${answer.status}`, answer.body?.toString('utf8').slice(0, 200) ?? '')
      return 'error'
    }
    result.segmentLatencyMs.push(answer.ms)
    result.segmentsOk++
    result.served += answer.charged
    plan.progress.segments++
    plan.progress.satoshis += answer.charged
  }
  return 'end_of_stream'
}
