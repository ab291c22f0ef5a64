// Opens that are never funded, as a flood would send them: real, co-signable open requests, each on a funding outpoint
// of its own (the host lets one outpoint back one channel only, for life, so a request sent again is refused).
import { Agent } from 'node:http'
import { PrivateKey } from '@bsv/sdk'
import { io } from 'socket.io-client'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import type { OpenRequest, Reply, OpenAccepted, Terms } from '../../protocol/messages.ts'
import { openPayerChannel } from '../../client/payer/channel-offer.ts'
import { send, type ViewerSocket } from './raw-viewer.ts'

/** A viewer socket from a chosen loopback address (127.0.0.2, …), so tests can play several client addresses. */
export function connectFrom(url: string, localAddress = '127.0.0.1', extraHeaders: Record<string, string> = {}): Promise<{ socket: ViewerSocket; terms: Terms }> {
  const socket: ViewerSocket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, agent: new Agent({ localAddress }) as never, localAddress, extraHeaders } as never)
  return new Promise((resolve, reject) => {
    socket.once('terms', (terms) => resolve({ socket, terms }))
    socket.once('connect_error', (error) => {
      socket.close()
      reject(error)
    })
  })
}

/** `count` open requests from one faucet coin, each funded a little differently (its own cap), so each has its own outpoint. */
export async function openRequests(url: string, terms: Terms, count: number): Promise<OpenRequest[]> {
  const key = PrivateKey.fromRandom()
  const coin = await requestFaucet(`${url}/devnet`, key.toAddress(), 20_000)
  return Array.from({ length: count }, (_, i) => openPayerChannel({ payerKey: key, terms, cap: 5_000 + i, utxos: [coin] }).request)
}

export async function openRequest(url: string, terms: Terms): Promise<OpenRequest> {
  return (await openRequests(url, terms, 1))[0]
}

export const sendOpen = (socket: ViewerSocket, request: OpenRequest): Promise<Reply<OpenAccepted>> => send(socket, 'open', request)
