// The BRC-100 wallet's HTTP face, as desktop wallets serve it and @bsv/sdk's HTTPWalletJSON substrate speaks it:
// `POST /<method>` with the arguments as JSON, the result as JSON, a refusal as HTTP 400 {isError, code, name,
// message}. The calling app is named by the Origin a browser sends, or by the Originator header a Node app sets.
// Bound to loopback; every origin may call (the wallet's own prompts are the gate), as BSV Desktop allows.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { WalletInterface } from '@bsv/sdk'
import { WalletError } from '@bsv/wallet-toolbox/out/src/sdk/WalletError.js'

/** Where WalletClient('auto') looks for a wallet over plain HTTP. */
export const WALLET_JSON_PORT = 3321
const MAX_BODY_BYTES = 10 * 1024 * 1024

/** The methods of the BRC-100 interface (WalletInterface); nothing else is served. */
const METHODS: ReadonlySet<string> = new Set([
  'createAction', 'signAction', 'abortAction', 'listActions', 'internalizeAction', 'listOutputs', 'relinquishOutput',
  'getPublicKey', 'revealCounterpartyKeyLinkage', 'revealSpecificKeyLinkage', 'encrypt', 'decrypt', 'createHmac',
  'verifyHmac', 'createSignature', 'verifySignature', 'acquireCertificate', 'listCertificates', 'proveCertificate',
  'relinquishCertificate', 'discoverByIdentityKey', 'discoverByAttributes', 'isAuthenticated', 'waitForAuthentication',
  'getHeight', 'getHeaderForHeight', 'getNetwork', 'getVersion',
])

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  // Chromium asks before a page reaches a loopback address (Private Network Access).
  'Access-Control-Allow-Private-Network': 'true',
}

/** The app calling, as BSV Desktop names it: the host of its Origin (a browser), else of its Originator header. */
export function originatorOf(headers: IncomingMessage['headers']): string | null {
  for (const raw of [headers.origin, headers.originator]) {
    if (typeof raw !== 'string' || raw === '' || raw === 'null') continue
    try {
      return new URL(raw.includes('://') ? raw : `http://${raw}`).host
    } catch {
      return null
    }
  }
  return null
}

export interface WalletHttpServer {
  url: string
  port: number
  /** Each call served: the method and the app's originator, in order. */
  readonly calls: Array<{ method: string; originator: string }>
  close(): Promise<void>
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...CORS, 'Content-Type': 'application/json' })
  res.end(typeof body === 'string' ? body : JSON.stringify(body))
}

function refuse(res: ServerResponse, message: string, code = 6): void {
  send(res, 400, { isError: true, code, name: 'WERR_INVALID_PARAMETER', message })
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) return null
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export async function serveWalletHttp(wallet: WalletInterface, port = WALLET_JSON_PORT): Promise<WalletHttpServer> {
  const calls: Array<{ method: string; originator: string }> = []
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'OPTIONS') return void res.writeHead(204, CORS).end()
      const method = (req.url ?? '').replace(/^\//, '').split('?')[0]
      if (req.method !== 'POST' || !METHODS.has(method)) return refuse(res, `POST one of the BRC-100 methods, e.g. /getVersion; not ${req.method} /${method}`)
      const originator = originatorOf(req.headers)
      if (originator === null) return refuse(res, 'the app must say who it is: a browser sends Origin, a Node app the Originator header')
      const text = await readBody(req)
      if (text === null) return refuse(res, `the arguments are larger than ${MAX_BODY_BYTES} bytes`)
      let args: unknown
      try {
        args = text.trim() === '' ? {} : JSON.parse(text)
      } catch {
        return refuse(res, 'the arguments are not JSON')
      }
      calls.push({ method, originator })
      try {
        const call = (wallet as unknown as Record<string, (args: unknown, originator: string) => Promise<unknown>>)[method]
        send(res, 200, (await call.call(wallet, args, originator)) ?? {})
      } catch (error) {
        // The toolbox's own error JSON (with code 7 and the amounts for insufficient funds), as HTTPWalletJSON reads it.
        const json = JSON.parse(WalletError.unknownToJson(error)) as Record<string, unknown>
        send(res, 400, { ...json, isError: true })
      }
    })().catch((error: unknown) => send(res, 500, { isError: true, name: 'WERR_INTERNAL', message: String(error) }))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is taken (another wallet, or another test holding it); stop it first`) : error))
    server.listen(port, '127.0.0.1', resolve)
  })
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://localhost:${bound}`,
    port: bound,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
