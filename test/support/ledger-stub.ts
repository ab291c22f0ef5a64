// A stand-in for the ARC and WhatsOnChain services a testnet or mainnet host talks to, which this machine cannot
// reach: their response shapes from ARC's OpenAPI examples (test/fixtures/arc-openapi-examples.json) and WhatsOnChain's
// chain/info. Each answer can be changed while the stub runs.
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'

const examples = JSON.parse(readFileSync(new URL('../fixtures/arc-openapi-examples.json', import.meta.url), 'utf8')) as {
  policy: { policy: { miningFee: { satoshis: number; bytes: number } } }
  health: { healthy: boolean; version: string; reason: string }
}

export interface StubAnswer {
  status: number
  body: unknown
}

export interface LedgerStub {
  arcUrl: string
  wocUrl: string
  answers: { health: StubAnswer; policy: StubAnswer; chainInfo: StubAnswer }
  /** The Authorization headers ARC received. */
  arcAuthorizations: string[]
  close(): Promise<void>
}

/** ARC's own examples: its health example is unhealthy ("no db connection"), so a healthy answer is that one turned. */
export const ARC_EXAMPLES = {
  unhealthy: examples.health,
  healthy: { ...examples.health, healthy: true, reason: '' },
  policy: examples.policy,
}

export function chainInfo(height: number, chain = 'test') {
  return { chain, blocks: height, headers: height, bestblockhash: '00'.repeat(32), difficulty: 1, mediantime: 1_700_000_000, verificationprogress: 1, pruned: false }
}

export async function startLedgerStub(): Promise<LedgerStub> {
  const answers = {
    health: { status: 200, body: ARC_EXAMPLES.healthy } as StubAnswer,
    policy: { status: 200, body: ARC_EXAMPLES.policy } as StubAnswer,
    chainInfo: { status: 200, body: chainInfo(1_650_000) } as StubAnswer,
  }
  const arcAuthorizations: string[] = []
  const app = express()
  const answer = (which: keyof typeof answers) => (req: express.Request, res: express.Response) => {
    if (which !== 'chainInfo') arcAuthorizations.push(req.get('authorization') ?? '')
    res.status(answers[which].status).json(answers[which].body)
  }
  app.get('/arc/v1/health', answer('health'))
  app.get('/arc/v1/policy', answer('policy'))
  app.get('/woc/v1/bsv/test/chain/info', answer('chainInfo'))
  const server: Server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    arcUrl: `${base}/arc`,
    wocUrl: `${base}/woc/v1/bsv/test`,
    answers,
    arcAuthorizations,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
