// An unfunded open holds storage for no longer than --open-timeout, even when its funding was sent and refused: the
// ledger refuses the funding, the opening is unfunded again, and the sweep deletes it with its co-signed refund. So do
// openings a crash left with a funding the ledger never took: the next start asks the ledger once, then they expire
// too. Their outpoints stay claimed.
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import { PrivateKey } from '@bsv/sdk'
import type { ChannelState } from '../../protocol/messages.ts'
import { openPayerChannel } from '../../client/payer/channel-offer.ts'
import { buildSignedP2pkhTx } from '../../devnet/p2pkh.ts'
import { startTestHost, tempDir, type TestHost } from '../support/host.ts'
import { connect, send } from '../support/raw-viewer.ts'

const OPEN_TIMEOUT_SECONDS = 2

const rowsIn = async (host: TestHost, states: ChannelState[] | null) => host.channels.list({ states, before: null, limit: 100 })

async function untilNoRows(host: TestHost): Promise<void> {
  for (let i = 0; i < 100 && (await rowsIn(host, null)).length > 0; i++) await sleep(50)
}

test('refused fundings leave no rows once the open timeout has passed, and their outpoints stay claimed', async () => {
  const dataDir = tempDir('stuck-opens')
  let host = await startTestHost({ dataDir, openTimeoutSeconds: OPEN_TIMEOUT_SECONDS })
  try {
    const { socket, terms } = await connect(host.url)
    const key = PrivateKey.fromRandom()
    const coin = await host.ledger!.faucet(key.toAddress(), 20_000)
    const opens = [0, 1, 2].map((i) => openPayerChannel({ payerKey: key, terms, cap: 5_000 + i, utxos: [coin] }))
    // The coin the fundings spend goes elsewhere first, and is mined: the ledger will refuse every one of them.
    const elsewhere = await buildSignedP2pkhTx({ key, inputs: [coin], outputs: [{ address: PrivateKey.fromRandom().toAddress(), satoshis: coin.satoshis - 500 }] })
    host.ledger!.submit(elsewhere.toHex())
    host.ledger!.mine()
    const ids: string[] = []
    for (const opened of opens) {
      const reply = await send(socket, 'open', opened.request)
      assert.ok(reply.ok)
      ids.push(reply.channelId)
    }
    for (const [i, opened] of opens.entries()) {
      const fund = await send(socket, 'fund', { channelId: ids[i], fundingTx: opened.fundingHex })
      assert.equal(fund.ok ? 'funded' : fund.code, 'ledger_rejected')
    }
    assert.deepEqual((await rowsIn(host, ['opening'])).map((row) => row.fundingTx), [null, null, null], 'each refused funding cleared')

    await untilNoRows(host)
    assert.deepEqual(await rowsIn(host, null), [], 'nothing left past the open timeout')
    const again = await send(socket, 'open', opens[0].request)
    assert.equal(again.ok ? 'accepted' : again.code, 'outpoint_reused', 'the outpoint stays claimed')
    socket.disconnect()

    // A crash between storing a funding and the ledger's answer: the opening holds a funding the ledger never took.
    const fresh = await connect(host.url)
    const crashed = openPayerChannel({ payerKey: key, terms, cap: 6_000, utxos: [coin] })
    const open = await send(fresh.socket, 'open', crashed.request)
    assert.ok(open.ok)
    fresh.socket.disconnect()
    await host.dispose()
    const db = new Database(join(dataDir, 'host.sqlite'))
    db.prepare('UPDATE channels SET funding_tx = ? WHERE id = ?').run(crashed.fundingHex, open.channelId)
    db.close()
    host = await startTestHost({ dataDir, openTimeoutSeconds: OPEN_TIMEOUT_SECONDS })
    await untilNoRows(host)
    assert.deepEqual(await rowsIn(host, null), [], 'the next start asked the ledger once, and the opening then expired')
  } finally {
    await host.dispose()
    rmSync(dataDir, { recursive: true, force: true })
  }
})
