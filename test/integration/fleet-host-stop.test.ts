// A fleet viewer whose host settles its channel (Stop) after a payment was acknowledged and before that segment's
// bytes are in: the session has let the channel go by the time the fetch ends, yet the viewer's books hold the
// payment, so what it paid, was served, and what the close on the ledger pays agree.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { HttpChain } from '../../protocol/chain/http-chain.ts'
import { coinWallet, fundFleet } from '../../scripts/fleet/fleet-wallet.ts'
import { createHttpClient, type HttpClient } from '../../scripts/fleet/http-client.ts'
import { checkClosesOnLedger } from '../../scripts/fleet/ledger-check.ts'
import { coinForCap, fetchTerms } from '../../scripts/fleet/run-fleet.ts'
import { summarizeFleet } from '../../scripts/fleet/summary.ts'
import { runViewer } from '../../scripts/fleet/viewer.ts'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { startTestHost } from '../support/host.ts'
import { writeTinyStream } from '../support/media.ts'

const PRICE = 10
const CAP = 1_000
const STOP_AFTER = 3

test("a Stop between a payment's acknowledgement and its segment's bytes: the viewer's books still hold that payment", async () => {
  const stream = writeTinyStream(Array.from({ length: 12 }, () => 2))
  const host = await startTestHost({ mediaDir: stream.mediaDir, price: PRICE }, { extend: attachDashboard })
  const http = createHttpClient()
  try {
    const devnetBaseUrl = `${host.url}/devnet`
    const chain = HttpChain.forNetwork('devnet', { devnetBaseUrl })
    const terms = await fetchTerms(host.url)
    const [coin] = await fundFleet({ devnetBaseUrl, chain, feeRate: terms.feeRate, count: 1, satoshisEach: coinForCap(CAP, terms) })
    let fetched = 0
    const stopsMidFetch: HttpClient = {
      close: () => http.close(),
      async get(url, options) {
        const answer = await http.get(url, options)
        if (/seg_\d+\.ts$/.test(url) && ++fetched === STOP_AFTER) {
          const stop = await fetch(`${host.url}/api/host/stop`, { method: 'POST', headers: { Authorization: `Bearer ${host.adminToken}` } })
          assert.equal(stop.status, 200)
          // The host's settled notice reaches the viewer before these bytes do.
          await new Promise((resolve) => setTimeout(resolve, 500))
        }
        return answer
      },
    }
    const progress = { active: 0, finished: 0, segments: 0, satoshis: 0, errors: 0 }
    const result = await runViewer({ index: 0, url: host.url, playlistPath: stream.playlist, wallet: coinWallet(coin), cap: CAP, speed: 8, seconds: 30, http: stopsMidFetch, progress })
    assert.equal(result.stoppedEarly, 'settled_by_host')
    assert.equal(result.served, STOP_AFTER * 2 * PRICE, 'three 2-second segments were served')
    const summary = summarizeFleet([result], await checkClosesOnLedger([result], (txid) => chain.rawTx(txid)))
    assert.deepEqual(summary.mismatches, [])
    assert.equal(summary.satoshisPaid, STOP_AFTER * 2 * PRICE)
    assert.equal(summary.satoshisLost, 0)
  } finally {
    http.close()
    await host.dispose()
  }
})
