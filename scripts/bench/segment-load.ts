// Concurrent viewers fetching segments at playback pace through one path (static, proxy or paywall), measured from
// the client: segment latency (request to last byte), payment latency (update to acknowledgement), errors.
import type { HttpClient } from '../fleet/http-client.ts'
import { requestFor, type StreamSegment } from '../fleet/playlist.ts'

export interface LoadViewer {
  /** Index of the next segment; advanced as the viewer plays. */
  cursor: number
  /** The viewer stops at this segment index (paywall viewers: as far as their pre-signed updates go). */
  limit: number
  headers?: Record<string, string>
  /** Pays for segment `index` before it is fetched; resolves to null or to an error kind. */
  pay?: (index: number, segment: StreamSegment) => Promise<string | null>
  /** Edge mode: the signed URL the payment for segment `index` was answered with (fetched without `headers`). */
  urlFor?: (index: number) => string | undefined
}

export interface LoadOutcome {
  viewers: number
  segmentMs: number[]
  payMs: number[]
  ok: number
  errors: Record<string, number>
  seconds: number
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)))

export async function runSegmentLoad(opts: {
  url: string
  segments: StreamSegment[]
  viewers: LoadViewer[]
  seconds: number
  speed: number
  http: HttpClient
}): Promise<LoadOutcome> {
  const outcome: LoadOutcome = { viewers: opts.viewers.length, segmentMs: [], payMs: [], ok: 0, errors: {}, seconds: 0 }
  const error = (kind: string) => (outcome.errors[kind] = (outcome.errors[kind] ?? 0) + 1)
  const periodMs = (opts.segments[0].duration / opts.speed) * 1000
  const started = performance.now() + 100
  const end = started + opts.seconds * 1000
  const play = async (viewer: LoadViewer, slot: number) => {
    // Arrivals spread evenly over one segment period, as independent players would be.
    let due = started + (slot / opts.viewers.length) * periodMs
    while (due < end && viewer.cursor < viewer.limit) {
      await sleep(due - performance.now())
      const index = viewer.cursor++
      const segment = opts.segments[index % opts.segments.length]
      if (viewer.pay) {
        const payStarted = performance.now()
        const failure = await viewer.pay(index, segment).catch((e: Error) => `pay_${e.message}`)
        if (failure !== null) {
          error(failure)
          return
        }
        outcome.payMs.push(performance.now() - payStarted)
      }
      try {
        const edgeUrl = viewer.urlFor?.(index)
        const request = requestFor(segment.key)
        const answer = await opts.http.get(edgeUrl ? new URL(edgeUrl, opts.url).href : opts.url + request.path, { headers: edgeUrl ? request.headers : { ...viewer.headers, ...request.headers } })
        if (answer.status === 200) {
          outcome.ok++
          outcome.segmentMs.push(answer.ms)
        } else error(`http_${answer.status}`)
      } catch {
        error('network')
      }
      // A late player asks for the next segment at once; it does not burst to catch up.
      due = Math.max(due + periodMs, performance.now())
    }
  }
  await Promise.all(opts.viewers.map(play))
  outcome.seconds = (performance.now() - started) / 1000
  return outcome
}
