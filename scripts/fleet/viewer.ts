// One headless viewer: the browser's own ChannelSession (client/payer/session.ts) on a Node socket.io-client,
// playing a stream at playback pace x speed: pay for a segment, fetch it, tell the session it arrived, close.
import type { PrivateKey } from '@bsv/sdk'
import { io } from 'socket.io-client'
import { ChannelSession, PaymentCancelled, type HostSocket } from '../../client/payer/session.ts'
import { MemoryStorage, readJson } from '../../client/payer/storage.ts'
import { ViewerFailure } from '../../client/payer/viewer-errors.ts'
import type { SpendableUtxo } from '../../protocol/transactions.ts'
import type { HttpClient } from './http-client.ts'
import { loadSegments, type StreamSegment } from './playlist.ts'
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
  key: PrivateKey
  utxo: SpendableUtxo
  cap: number
  speed: number
  /** Wall-clock seconds this viewer watches (it also stops at the end of the stream or at its cap). */
  seconds: number
  http: HttpClient
  progress: FleetProgress
  ackTimeoutMs?: number
}

const STORAGE_KEY = 'fleet.session'

/** Connects a socket created with autoConnect off, so the session was already listening for the host's terms. */
function connectSocket(socket: HostSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', (error) => {
      socket.disconnect()
      reject(error)
    })
    socket.connect()
  })
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)))
const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

export async function runViewer(plan: ViewerPlan): Promise<ViewerResult> {
  const result = emptyResult(plan.index)
  result.payerPublicKey = plan.key.toPublicKey().toString()
  const { progress } = plan
  const fail = (kind: Parameters<typeof recordError>[1], error: unknown) => {
    recordError(result, kind, message(error))
    progress.errors++
  }
  progress.active++
  let socket: HostSocket | null = null
  let session: ChannelSession | null = null
  try {
    socket = io(plan.url, { transports: ['websocket'], reconnection: false, forceNew: true, autoConnect: false, timeout: plan.ackTimeoutMs ?? 20_000 })
    const storage = new MemoryStorage()
    session = new ChannelSession({
      socket,
      wallet: { key: plan.key, utxos: async () => [plan.utxo] },
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

    let segments: StreamSegment[]
    try {
      segments = await loadSegments(plan.http, plan.url, plan.playlistPath)
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
    const stored = readJson(storage, STORAGE_KEY) as { channel?: { funding?: { txid: string; vout: number }; fee?: number } } | null
    const opened = session.snapshot()
    result.channelId = opened.channelId
    result.capacity = opened.capacity
    result.fee = stored?.channel?.fee ?? 0
    result.fundingTxid = stored?.channel?.funding?.txid ?? null
    result.fundingVout = stored?.channel?.funding?.vout ?? 0
    result.payeePublicKey = session.terms?.payeePublicKey ?? ''

    result.stoppedEarly = await watch(plan, session, segments, result, atCap.signal, fail)

    try {
      const summary = await session.close()
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

/** The playback loop. Returns why it stopped early, or null when its time ran out. */
async function watch(
  plan: ViewerPlan,
  session: ChannelSession,
  segments: StreamSegment[],
  result: ViewerResult,
  atCap: AbortSignal,
  fail: (kind: Parameters<typeof recordError>[1], error: unknown) => void,
): Promise<ViewerResult['stoppedEarly']> {
  const started = performance.now()
  const deadline = started + plan.seconds * 1000
  let mediaOffset = 0
  for (const segment of segments) {
    // Playback pace: segment k is wanted when the media before it has played at `speed`.
    const due = started + (mediaOffset / plan.speed) * 1000
    if (due >= deadline) return null
    await sleep(due - performance.now())
    mediaOffset += segment.duration
    const price = session.priceOf(segment.path, segment.duration)
    let delivered = false
    for (let attempt = 0; attempt < 2 && !delivered; attempt++) {
      let token: string
      try {
        const payStarted = performance.now()
        const paid = await session.payForSegment(segment.path, segment.duration, atCap)
        if (paid.charged > 0) result.payLatencyMs.push(performance.now() - payStarted)
        token = paid.token
        result.paid = session.snapshot().paid
      } catch (error) {
        if (error instanceof PaymentCancelled && atCap.aborted) return 'cap'
        fail('pay', error instanceof ViewerFailure ? error.viewerError.message : error)
        return 'error'
      }
      let answer
      try {
        answer = await plan.http.get(plan.url + segment.path, { headers: { 'X-Channel-Token': token } })
      } catch (error) {
        fail('network', error)
        continue
      }
      if (answer.status === 200) {
        delivered = true
        session.markDelivered(segment.path)
        result.segmentLatencyMs.push(answer.ms)
        result.segmentsOk++
        result.served += price
        plan.progress.segments++
        plan.progress.satoshis += price
      } else if (answer.status === 402) {
        // The host says this segment is unpaid: adopt its last update, and the next attempt pays again.
        result.paymentRequired++
        session.resyncFromPaymentRequired(JSON.parse(answer.body!.toString('utf8')))
        result.paid = session.snapshot().paid
      } else {
        fail(`http_${answer.status}`, answer.body?.toString('utf8').slice(0, 200) ?? '')
      }
    }
    if (!delivered) return 'error'
  }
  return 'end_of_stream'
}
