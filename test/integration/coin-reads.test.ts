// This device's wallet reads its coins from the ledger once per start: the balance at page load and the channel's
// funding share one read of the unspent coins, the funding's parents are fetched as soon as the coins are known, and
// a spend never reuses a read another spend took. Against a real devnet, counting the requests the wallet sends.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PrivateKey } from '@bsv/sdk'
import { keyWallet } from '../../client/payer/key-wallet.ts'
import { MemoryStorage } from '../../client/payer/storage.ts'
import { DEFAULT_WALLET_KEY, ViewerWallet } from '../../client/payer/wallet.ts'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import { startTestDevnet } from '../support/devnet.ts'

test('the balance and the funding share one read of the coins, and the funding does not wait for its parents', async () => {
  const devnet = await startTestDevnet()
  try {
    const asked: string[] = []
    const counting: typeof fetch = (input, init) => {
      asked.push(new URL(String(input instanceof Request ? input.url : input)).pathname.replace(/^.*\/devnet\/woc\/v1\/bsv\/devnet/, ''))
      return fetch(input, init)
    }
    const key = PrivateKey.fromRandom()
    const storage = new MemoryStorage()
    storage.setItem(DEFAULT_WALLET_KEY, key.toWif())
    const ledger = ViewerWallet.ledgerAt(`${devnet.base}/woc/v1/bsv/devnet`, undefined, counting)
    const { wallet } = await ViewerWallet.load(storage, { network: 'devnet', ledger, devnetBaseUrl: devnet.base })
    const coin = await requestFaucet(devnet.base, wallet.address, 20_000)

    assert.equal(await wallet.balance(), 20_000)
    const afterBalance = [...asked]
    assert.deepEqual(afterBalance.map((path) => path.split('/')[1]), ['address', 'tx'], 'one read of the coins, then their parent at once')

    const funding = await keyWallet(wallet).fund({ keys: { payerPublicKey: key.toPublicKey().toString() }, payeePublicKey: PrivateKey.fromRandom().toPublicKey().toString(), capacity: 5_000, feeRate: { satoshis: 100, bytes: 1000 } })
    const { parents } = await funding.sendable
    assert.deepEqual(asked, afterBalance, 'the funding asked the ledger nothing more')
    assert.equal(parents?.length, 1)
    assert.ok(parents![0].length > 0)
    assert.match(asked[1], new RegExp(coin.txid), 'the parent fetched is the coin the faucet paid')

    // The funding took that read: the next spend reads the coins afresh, whatever the clock says.
    await keyWallet(wallet).fund({ keys: { payerPublicKey: key.toPublicKey().toString() }, payeePublicKey: PrivateKey.fromRandom().toPublicKey().toString(), capacity: 5_000, feeRate: { satoshis: 100, bytes: 1000 } })
    assert.equal(asked.filter((path) => path.startsWith('/address/')).length, 2, 'a second funding reads the coins again')
    assert.equal(asked.filter((path) => path.startsWith('/tx/')).length, 1, 'a raw transaction is asked for once')
  } finally {
    await devnet.close()
  }
})
