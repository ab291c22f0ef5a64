// Host earnings reach the host's own wallet: updates, and so the close, pay the payout address; the channel key only
// co-signs and lives in a 0600 file. A channel keeps the payout script it opened with across a restart with another
// address, an update paying anything else is refused, and a real network refuses to start without an address.
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { execFile } from 'node:child_process'
import { readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import request from 'supertest'
import { PrivateKey, Transaction } from '@bsv/sdk'
import { checkAddress } from '../../protocol/address.ts'
import { p2pkhScriptHex } from '../../protocol/scripts.ts'
import { buildUpdate, signChannelInput, withPayerSignature } from '../../protocol/transactions.ts'
import { signSegment } from '../../client/payer/payer.ts'
import { CHANNEL_KEY_FILE } from '../../server/identity.ts'
import { SqliteChannelStore } from '../../server/store/sqlite-store.ts'
import { startTestHost, tempDir, type TestHost } from '../support/host.ts'
import { writeTinyStream } from '../support/media.ts'
import { connect, openRawViewer, send, type RawViewer } from '../support/raw-viewer.ts'

const stream = writeTinyStream([2, 2, 2, 2])
const addressX = PrivateKey.fromRandom().toAddress()
const addressY = PrivateKey.fromRandom().toAddress()
const scriptOf = (address: string) => (checkAddress(address, 'devnet') as { script: string }).script
const folders: string[] = []

async function hostOn(dataDir: string, payoutAddress: string): Promise<TestHost> {
  const host = await startTestHost({ mediaDir: stream.mediaDir, price: 10, dataDir, payoutAddress })
  assert.equal((await request(host.url).get(stream.playlist)).status, 200)
  return host
}

function folder(): string {
  const dir = tempDir('payout')
  folders.push(dir)
  return dir
}

/** An update paying `script` instead of the channel's agreed payout, signed by the viewer. */
function updatePaying(viewer: RawViewer, script: string, paid: number): string {
  const ch = viewer.channel
  const unsigned = buildUpdate({ payerPublicKey: ch.payerPublicKey, payeePublicKey: ch.payeePublicKey, funding: ch.funding, paid, feeRate: viewer.terms.feeRate, payoutScript: script })
  return withPayerSignature(unsigned, signChannelInput(unsigned, ch.funding, ch, viewer.key)).toHex()
}

after(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

describe('the payout address', () => {
  test('a channel opened with --payout-address settles to exactly that address; an update paying any other script is refused', async () => {
    const dataDir = folder()
    const host = await hostOn(dataDir, addressX)
    try {
      const viewer = await openRawViewer(host.url, 5_000)
      assert.equal(viewer.terms.payoutScript, scriptOf(addressX))
      const [first, second] = stream.segments
      assert.ok((await viewer.pay(first.path, 20)).ok)
      viewer.delivered(first.path)
      // Paying the channel key's own P2PKH, as closes did before payout addresses, is now someone else's script.
      const toChannelKey = await viewer.send('update', { channelId: viewer.channelId, tx: updatePaying(viewer, p2pkhScriptHex(viewer.terms.payeePublicKey), 40), segment: second.path })
      assert.equal(!toChannelKey.ok && toChannelKey.code, 'wrong_payee_script')
      assert.ok((await viewer.pay(second.path, 20)).ok)
      const closed = await viewer.send('close', { channelId: viewer.channelId })
      assert.ok(closed.ok && closed.closeTxid)

      const close = Transaction.fromHex(host.ledger!.rawTx(closed.closeTxid)!)
      assert.equal(close.outputs[0].lockingScript.toHex(), scriptOf(addressX))
      assert.equal(close.outputs[0].satoshis, 40)
      assert.deepEqual(host.ledger!.unspent(addressX).map((u) => [u.txid, u.vout, u.satoshis]), [[closed.closeTxid, 0, 40]])
      viewer.disconnect()

      // The channel key: in a file only the owner can read, gone from the settings table, never served.
      const keyFile = join(dataDir, CHANNEL_KEY_FILE)
      assert.equal(statSync(keyFile).mode & 0o777, 0o600)
      const wif = readFileSync(keyFile, 'utf8').trim()
      assert.equal(PrivateKey.fromWif(wif).toPublicKey().toString(), viewer.terms.payeePublicKey)
      const pages = await Promise.all(['/api/info', '/health', '/'].map(async (path) => (await request(host.url).get(path)).text))
      assert.ok(pages.every((text) => !text.includes(wif)))
    } finally {
      await host.dispose()
    }
  })

  test('a channel keeps its payout script after the host restarts with another address; new channels pay the new one', async () => {
    const dataDir = folder()
    const [first, second, third] = stream.segments
    let host = await hostOn(dataDir, addressX)
    const viewer = await openRawViewer(host.url, 5_000)
    assert.ok((await viewer.pay(first.path, 20)).ok)
    viewer.delivered(first.path)
    viewer.disconnect()
    await host.dispose()

    host = await hostOn(dataDir, addressY)
    try {
      const { socket, terms } = await connect(host.url)
      assert.equal(terms.payoutScript, scriptOf(addressY), 'new channels pay the new address')
      assert.equal(terms.payeePublicKey, viewer.terms.payeePublicKey, 'the channel key survived the restart')
      assert.ok((await send(socket, 'resume', { channelId: viewer.channelId, token: viewer.token })).ok)
      const toNewAddress = await send(socket, 'update', { channelId: viewer.channelId, tx: updatePaying(viewer, scriptOf(addressY), 40), segment: second.path })
      assert.equal(!toNewAddress.ok && toNewAddress.code, 'wrong_payee_script', 'the old channel does not switch scripts')
      const signed = signSegment(viewer.channel, viewer.key, second.path, 20, viewer.terms.feeRate)
      assert.ok(signed.ok)
      assert.ok((await send(socket, 'update', { channelId: viewer.channelId, tx: signed.tx, segment: second.path })).ok)
      const closed = await send(socket, 'close', { channelId: viewer.channelId })
      assert.ok(closed.ok && closed.closeTxid)
      assert.equal(Transaction.fromHex(host.ledger!.rawTx(closed.closeTxid)!).outputs[0].lockingScript.toHex(), scriptOf(addressX))
      socket.disconnect()

      const fresh = await openRawViewer(host.url, 5_000)
      assert.ok((await fresh.pay(third.path, 20)).ok)
      const freshClose = await fresh.send('close', { channelId: fresh.channelId })
      assert.ok(freshClose.ok && freshClose.closeTxid)
      assert.equal(Transaction.fromHex(host.ledger!.rawTx(freshClose.closeTxid)!).outputs[0].lockingScript.toHex(), scriptOf(addressY))
      fresh.disconnect()
    } finally {
      await host.dispose()
    }
  })

  test('an older data folder: the channel key moves from the settings table to its file, and old channels read as paying it', async () => {
    const dataDir = folder()
    const oldKey = PrivateKey.fromRandom()
    const store = SqliteChannelStore.open(dataDir, { durability: 'normal' })
    await store.putSetting('payee_key', oldKey.toHex())
    await store.close()
    // A channels table from before payout scripts, with a channel in it.
    const db = new Database(join(dataDir, 'host.sqlite'))
    db.exec('ALTER TABLE channels DROP COLUMN payout_script')
    db.prepare(`INSERT INTO channels (id, token, payer_public_key, funding_txid, funding_vout, capacity, fee, lock_time, refund_tx, state, created_at, last_activity_at)
      VALUES ('aaaaaaaaaaaaaaaaaaaaaaaa', 'tok', '02${'11'.repeat(32)}', '${'ab'.repeat(32)}', 0, 5000, 50, 900, '00', 'closed', 1, 1)`).run()
    db.close()

    const host = await startTestHost({ dataDir, mediaDir: stream.mediaDir })
    try {
      const { socket, terms } = await connect(host.url)
      socket.disconnect()
      assert.equal(terms.payeePublicKey, oldKey.toPublicKey().toString(), 'the same channel key as before the upgrade')
      assert.equal(PrivateKey.fromWif(readFileSync(join(dataDir, CHANNEL_KEY_FILE), 'utf8').trim()).toHex(), oldKey.toHex())
      assert.equal(terms.payoutScript, scriptOf(host.payout.address), 'devnet without --payout-address pays a key of its own')
      assert.ok(host.payout.generated)
      assert.notEqual(terms.payoutScript, p2pkhScriptHex(terms.payeePublicKey))
    } finally {
      await host.dispose()
    }
    const reopened = SqliteChannelStore.open(dataDir, { durability: 'normal' })
    assert.equal(await reopened.setting('payee_key'), null)
    assert.equal((await reopened.channel('aaaaaaaaaaaaaaaaaaaaaaaa'))?.payoutScript, null)
    await reopened.close()
  })

  test('--network mainnet without a payout address, or with a testnet one, fails to start and says why', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--port', '0', '--data', folder(), '--no-sample', ...args], { env: { ...process.env, P2P_PAYOUT_ADDRESS: '' } }, (error, _stdout, stderr) =>
          resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, stderr }),
        )
      })
    const missing = await run(['--network', 'mainnet'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /--payout-address \(or P2P_PAYOUT_ADDRESS\) is required on mainnet/)
    assert.match(missing.stderr, /address of a wallet you control/)
    const wrongNetwork = await run(['--network', 'mainnet', '--payout-address', PrivateKey.fromRandom().toAddress('testnet')])
    assert.equal(wrongNetwork.code, 1)
    assert.match(wrongNetwork.stderr, /That is a testnet address, but the coins here are on mainnet/)
  })
})
