// A fault-injecting HTTP proxy in front of a devnet ledger's ARC API, for the tests and `npm run chaos`: the ledger is the outside world, and this is how
// it misbehaves. It passes requests through, or drops them (down), holds them (slow), answers 503, or answers garbage.
// It remembers every transaction broadcast through it, so a test can check that a close was only ever one tx.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Transaction } from '@bsv/sdk'

export type LedgerFault = 'none' | 'down' | 'slow' | 'http_503' | 'garbage'
export const LEDGER_FAULTS: readonly LedgerFault[] = ['down', 'slow', 'http_503', 'garbage']

export interface FaultyLedger {
  /** ARC's base URL through the proxy: give it to the host as --arc-url. */
  arcUrl: string
  fault: LedgerFault
  /** How long 'slow' holds each request before passing it on. */
  slowMs: number
  /** Which requests the fault applies to; the others pass. Default: broadcasts only (POST /v1/tx). */
  applies: (req: IncomingMessage) => boolean
  /** The txids of the transactions broadcast through the proxy (faulted ones included), in order. */
  broadcastTxids: string[]
  close(): Promise<void>
}

const isBroadcast = (req: IncomingMessage) => req.method === 'POST' && (req.url ?? '').endsWith('/v1/tx')

/** `arcBase` is the real ARC, e.g. http://127.0.0.1:PORT/devnet/arc. */
export async function startFaultyLedger(arcBase: string): Promise<FaultyLedger> {
  const target = new URL(arcBase.replace(/\/+$/, ''))
  const proxy: FaultyLedger = { arcUrl: '', fault: 'none', slowMs: 1_500, applies: isBroadcast, broadcastTxids: [], close: async () => {} }
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    if (isBroadcast(req)) proxy.broadcastTxids.push(txidOf(body))
    const fault = proxy.applies(req) ? proxy.fault : 'none'
    if (fault === 'down') return void req.socket.destroy()
    if (fault === 'http_503') return void res.writeHead(503, { 'Content-Type': 'text/html' }).end('<html>503 Service Unavailable</html>')
    if (fault === 'garbage') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"txid": 42, "txStatus": ["\u0000"]')
    if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, proxy.slowMs))
    try {
      const upstream = await fetch(`${target.href}${req.url}`, { method: req.method, headers: forwardable(req), body: body.length > 0 ? body : undefined })
      res.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await upstream.arrayBuffer()))
    } catch {
      res.socket?.destroy()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  proxy.arcUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  proxy.close = async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return proxy
}

function forwardable(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of ['content-type', 'accept', 'x-waitfor', 'authorization']) {
    const value = req.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  return headers
}

/** The txid of a broadcast's rawTx, raw or Extended Format; '' for a body that is neither. */
function txidOf(body: Buffer): string {
  try {
    const hex = (JSON.parse(body.toString('utf8')) as { rawTx?: string }).rawTx ?? ''
    const tx = hex.slice(8, 20) === '0000000000ef' ? Transaction.fromHexEF(hex) : Transaction.fromHex(hex)
    return tx.id('hex')
  } catch {
    return ''
  }
}
