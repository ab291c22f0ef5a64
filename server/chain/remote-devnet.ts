// A devnet ledger in another process (`npm run devnet`), as a host uses it: checked to answer at start, and proxied at
// the host's own /devnet, so the player and the viewer fleet reach its faucet and chain on the host's origin.
import type { Request, Response } from 'express'
import httpProxy from 'http-proxy'
import { Agent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { ArcClient } from '../../protocol/chain/arc.ts'
import { chainEndpoints } from '../../protocol/chain/http-chain.ts'
import { trimSlash } from '../../protocol/chain/ledger-http.ts'
import { ConfigError } from '../../node-shared/config-error.ts'

/** At most this long, and a second less than the ledger's advertised keep-alive timeout. */
const IDLE_MS = 4_000

export interface RemoteDevnet {
  /** The base URL, e.g. http://127.0.0.1:8090/devnet */
  url: string
  /** Mount at /devnet: forwards every request to the ledger. */
  proxy(req: Request, res: Response): void
  close(): void
}

export async function connectRemoteDevnet(devnetUrl: string, timeoutMs = 5_000): Promise<RemoteDevnet> {
  const url = trimSlash(devnetUrl)
  if (!(await new ArcClient({ baseUrl: chainEndpoints('devnet', url).arc, timeoutMs }).health())) {
    throw new ConfigError(
      `No devnet ledger answers at ${url} (GET ${url}/arc/v1/health). Start one with \`npm run devnet\` and pass the URL it prints ` +
        '(it ends in /devnet), or leave out --devnet-url to use the host\'s own devnet.',
    )
  }
  // Idle connections close before the ledger's keep-alive timeout does: Node's agent follows the server's Keep-Alive
  // hint only when it has an idle timeout of its own.
  const pool = { keepAlive: true, timeout: IDLE_MS }
  const agent = url.startsWith('https:') ? new HttpsAgent(pool) : new Agent(pool)
  const proxy = httpProxy.createProxyServer({ target: url, agent, changeOrigin: true, xfwd: true, proxyTimeout: 30_000 })
  proxy.on('error', (error, _req, res) => {
    const response = res as Response
    if (typeof response.status !== 'function' || response.headersSent) return
    response.status(502).json({ error: 'devnet_unreachable', message: `The devnet ledger at ${url} did not answer (${error.message}). Is \`npm run devnet\` still running?` })
  })
  return {
    url,
    proxy: (req, res) => proxy.web(req, res),
    close() {
      proxy.close()
      agent.destroy()
    },
  }
}
