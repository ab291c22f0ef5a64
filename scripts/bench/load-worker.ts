// Bench child: one share of the load generator, in a process of its own, so the generator never shares an event loop
// with the server it measures nor with the other shares. It reports its own CPU, so the report can say how busy the
// generator was. Answers over IPC (see load-generators.ts):
//   prepare  {set, url, channels: [{channelId, token, updates}]}: one socket per channel, each channel resumed on it;
//            a set per host (the paywall host, the edge host)
//   segments {job}: viewers at playback pace through one path, paying first on the paywall and edge paths
//   payments {seconds, set, perChannel}: every channel of the set (default: paywall) pays as fast as its host
//            acknowledges (at most perChannel updates each), no segments
import { io } from 'socket.io-client'
import { request, type HostSocket } from '../../client/payer/host-request.ts'
import { TOKEN_HEADER } from '../../protocol/paywall.ts'
import { createHttpClient } from '../fleet/http-client.ts'
import type { StreamSegment } from '../fleet/playlist.ts'
import { BENCH_ANSWER_TIMEOUT_MS } from './bench-channels.ts'
import { runSegmentLoad, type LoadOutcome, type LoadViewer } from './segment-load.ts'

export interface PreparedChannel {
  channelId: string
  token: string
  /** Pre-signed updates: updates[k] pays for the viewer's k-th segment. */
  updates: string[]
}

export interface SegmentJob {
  url: string
  segments: StreamSegment[]
  seconds: number
  speed: number
  /** Plain viewers start at `cursor`; paying viewers name a prepared channel of `set` and go on where it stopped. */
  viewers: Array<{ cursor: number } | { channel: number }>
  /** The channel set the paying viewers come from (default: the paywall host's). */
  set?: ChannelSet
}

/** The paywall host's channels, or the edge host's (whose acknowledgements carry signed segment URLs). */
export type ChannelSet = 'paywall' | 'edge'

export type LoadRequest =
  | { type: 'prepare'; set: ChannelSet; url: string; channels: PreparedChannel[] }
  | { type: 'segments'; job: SegmentJob }
  | { type: 'payments'; seconds: number; segments: StreamSegment[]; set?: ChannelSet; perChannel?: number }
  | { type: 'cpu' }

export type PaymentsOutcome = { accepted: number; refused: number; seconds: number }

interface LiveChannel extends PreparedChannel {
  socket: HostSocket
  cursor: number
  /** Edge mode: the signed URL each acknowledged update came with, by segment index. */
  urls: Map<number, string>
}

const http = createHttpClient()
const sets = new Map<ChannelSet, LiveChannel[]>()

async function prepare(set: ChannelSet, url: string, prepared: PreparedChannel[]): Promise<void> {
  for (const channel of sets.get(set) ?? []) channel.socket.disconnect()
  const channels = await Promise.all(
    prepared.map(async (channel) => {
      const socket: HostSocket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: BENCH_ANSWER_TIMEOUT_MS })
      await new Promise<void>((resolve, reject) => {
        socket.once('terms', () => resolve())
        socket.once('connect_error', reject)
      })
      const resumed = await request(socket, 'resume', { channelId: channel.channelId, token: channel.token }, BENCH_ANSWER_TIMEOUT_MS)
      if (!resumed.ok) throw new Error(`resume of ${channel.channelId} refused: ${resumed.code} ${resumed.message}`)
      return { ...channel, socket, cursor: resumed.segments, urls: new Map<number, string>() }
    }),
  )
  sets.set(set, channels)
}

/** Pays the channel's next pre-signed update for `segment`; null on success, else an error kind. */
async function pay(channel: LiveChannel, index: number, segment: StreamSegment): Promise<string | null> {
  const reply = await request(channel.socket, 'update', { channelId: channel.channelId, tx: channel.updates[index], segment: segment.id }, BENCH_ANSWER_TIMEOUT_MS)
  if (!reply.ok) return `update_${reply.code}`
  if (reply.segmentUrl) channel.urls.set(index, reply.segmentUrl)
  return null
}

function segments(job: SegmentJob): Promise<LoadOutcome> {
  const channels = sets.get(job.set ?? 'paywall') ?? []
  const viewers: LoadViewer[] = job.viewers.map((viewer) => {
    if ('cursor' in viewer) return { cursor: viewer.cursor, limit: Number.MAX_SAFE_INTEGER }
    const channel = channels[viewer.channel]
    return {
      get cursor() {
        return channel.cursor
      },
      set cursor(value: number) {
        channel.cursor = value
      },
      limit: channel.updates.length,
      headers: { [TOKEN_HEADER]: channel.token },
      urlFor: (index) => channel.urls.get(index),
      pay: (index, segment) => pay(channel, index, segment),
    }
  })
  return runSegmentLoad({ url: job.url, segments: job.segments, viewers, seconds: job.seconds, speed: job.speed, http })
}

/** Sustained payments: each channel sends its next update as soon as the last one was acknowledged. */
async function payments(seconds: number, list: StreamSegment[], set: ChannelSet = 'paywall', perChannel = Number.MAX_SAFE_INTEGER): Promise<PaymentsOutcome> {
  const started = performance.now()
  const end = started + seconds * 1000
  let accepted = 0
  let refused = 0
  await Promise.all(
    (sets.get(set) ?? []).map(async (channel) => {
      const limit = Math.min(channel.updates.length, channel.cursor + perChannel)
      while (performance.now() < end && channel.cursor < limit) {
        const index = channel.cursor++
        if ((await pay(channel, index, list[index])) === null) accepted++
        else refused++
      }
    }),
  )
  return { accepted, refused, seconds: (performance.now() - started) / 1000 }
}

async function answer(message: LoadRequest): Promise<unknown> {
  switch (message.type) {
    case 'prepare':
      await prepare(message.set, message.url, message.channels)
      return { prepared: message.channels.length }
    case 'segments':
      return segments(message.job)
    case 'payments':
      return payments(message.seconds, message.segments, message.set, message.perChannel)
    case 'cpu': {
      const cpu = process.cpuUsage()
      return { cpuMicros: cpu.user + cpu.system }
    }
  }
}

process.on('message', (message: LoadRequest & { id: number }) => {
  answer(message).then(
    (result) => process.send!({ id: message.id, result }),
    (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  )
})
process.on('SIGTERM', () => {
  for (const channel of [...sets.values()].flat()) channel.socket.disconnect()
  http.close()
  process.exit(0)
})
process.send!({ type: 'ready', url: '' })
