// The wallet as words and the refunds as a code: BIP39 per its published vector, the documented derivation, what a
// restore accepts and refuses, and when it may replace the wallet.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Mnemonic, PrivateKey, Transaction, UnlockingScript, Utils } from '@bsv/sdk'
import { p2pkhLockingScript } from '../../protocol/scripts.ts'
import { exportRefunds, importedRefundSummary, importRefunds, REFUND_CODE_PREFIX } from '../../client/payer/refund-backup.ts'
import { planRestore } from '../../client/payer/restore-plan.ts'
import { MemoryStorage } from '../../client/payer/storage.ts'
import { ViewerWallet } from '../../client/payer/wallet.ts'
import { keyFromPhrase, keyFromPhraseAsync, newWalletPhrase, readWalletSecret, WALLET_DERIVATION_PATH } from '../../client/payer/wallet-phrase.ts'
import { HOT_WALLET_ACKNOWLEDGED, shouldWarnHotWallet } from '../../client/player/hot-wallet.ts'

const ABANDON = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'

test("the SDK's BIP39 matches the published vector; our key is BIP44 m/44'/236'/0'/0/0 of it, through the SDK or WebCrypto", async () => {
  // BIP39's first reference vector (passphrase "TREZOR"), as the reference implementation publishes it.
  assert.equal(
    Utils.toHex(Mnemonic.fromString(ABANDON).toSeed('TREZOR')),
    'c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04',
  )
  assert.equal(WALLET_DERIVATION_PATH, "m/44'/236'/0'/0/0")
  const key = keyFromPhrase(ABANDON)
  assert.equal(keyFromPhrase(`  ${ABANDON.toUpperCase().replace(/ /g, '   ')}\n`).toHex(), key.toHex(), 'spacing and case do not matter')
  assert.equal((await keyFromPhraseAsync(` ${ABANDON.toUpperCase()}`)).toHex(), key.toHex(), 'the seed from WebCrypto is the same')
  const fresh = newWalletPhrase()
  assert.equal((await keyFromPhraseAsync(fresh)).toHex(), keyFromPhrase(fresh).toHex())
  assert.notEqual(keyFromPhrase(newWalletPhrase()).toHex(), key.toHex())
  assert.equal(newWalletPhrase().split(' ').length, 12)
})

test('a restore reads a phrase or a WIF, and says what is wrong with anything else', () => {
  const phrase = readWalletSecret(ABANDON)
  assert.ok(phrase.ok && phrase.phrase === ABANDON && phrase.key.toHex() === keyFromPhrase(ABANDON).toHex())
  const legacy = PrivateKey.fromRandom()
  const wif = readWalletSecret(` ${legacy.toWif()} `)
  assert.ok(wif.ok && wif.phrase === null && wif.key.toHex() === legacy.toHex())
  const message = (text: string) => {
    const read = readWalletSecret(text)
    return read.ok ? 'ok' : read.message
  }
  assert.match(message(''), /12 words/)
  assert.match(message('abandon abandon abandon'), /has 12 words.*that is 3/)
  assert.match(message(ABANDON.replace(/about$/, 'abandon')), /not a valid phrase.*checksum/)
  assert.match(message('notawif'), /neither a backup phrase nor a private key/)
})

test('a new wallet is made from a phrase and stored with it; a restored one replaces it, a legacy key has no phrase', async () => {
  const storage = new MemoryStorage()
  const ledger = { unspent: async () => [], rawTx: async () => null, broadcast: async () => '' }
  const { wallet, created } = await ViewerWallet.load(storage, { network: 'devnet', ledger })
  assert.ok(created && wallet.phrase)
  assert.equal(keyFromPhrase(wallet.phrase).toHex(), wallet.key.toHex())
  const again = await ViewerWallet.load(storage, { network: 'devnet', ledger })
  assert.deepEqual([again.created, again.wallet.phrase, again.wallet.address], [false, wallet.phrase, wallet.address])
  const legacy = PrivateKey.fromRandom()
  ViewerWallet.store(storage, { ok: true, key: legacy, phrase: null }, { network: 'devnet', ledger })
  const reloaded = (await ViewerWallet.load(storage, { network: 'devnet', ledger })).wallet
  assert.deepEqual([reloaded.key.toHex(), reloaded.phrase], [legacy.toHex(), null])
})

function refundPaying(key: PrivateKey, satoshis = 4_900, lockTime = 1234): string {
  return new Transaction(1, [{ sourceTXID: 'ab'.repeat(32), sourceOutputIndex: 0, sequence: 0, unlockingScript: new UnlockingScript() }], [{ satoshis, lockingScript: p2pkhLockingScript(key.toPublicKey().toString()) }], lockTime).toHex()
}

test('refunds travel as a code that only the wallet they pay can import', () => {
  const key = keyFromPhrase(ABANDON)
  const refunds = [{ channelId: 'a'.repeat(24), refundHex: refundPaying(key) }, { channelId: 'b'.repeat(24), refundHex: refundPaying(key, 700, 99) }]
  const code = exportRefunds(refunds)
  assert.ok(code.startsWith(REFUND_CODE_PREFIX) && /^[\w:-]+$/.test(code), 'copyable: no spaces, no base64 padding')
  assert.deepEqual(importRefunds(code, key.toPublicKey().toString()), { ok: true, refunds })
  assert.deepEqual(importRefunds('  ', key.toPublicKey().toString()), { ok: true, refunds: [] })
  const other = PrivateKey.fromRandom().toPublicKey().toString()
  assert.match((importRefunds(code, other) as { message: string }).message, /pay another wallet/)
  assert.match((importRefunds(code.slice(0, -5), key.toPublicKey().toString()) as { message: string }).message, /damaged/)
  assert.match((importRefunds('hello', key.toPublicKey().toString()) as { message: string }).message, /starts with "p2p-refunds-v1:"/)
  const summary = importedRefundSummary(refunds[1])
  assert.deepEqual([summary.paid, summary.capacity, summary.refundAfterHeight, summary.closeTxid], [0, 700, 99, null])
})

test('a restore refuses while a channel is open, and asks once more before replacing a wallet that holds coins', () => {
  const current = PrivateKey.fromRandom().toPublicKey().toString()
  const base = { secretText: ABANDON, refundCode: '', currentPublicKey: current, channelOpen: false, balance: 0, confirmed: false }
  assert.equal(planRestore(base).kind, 'restore')
  assert.equal(planRestore({ ...base, channelOpen: true }).kind, 'problem')
  const confirm = planRestore({ ...base, balance: 50_000 })
  assert.ok(confirm.kind === 'confirm' && /holds 50,000 sat/.test(confirm.message))
  assert.equal(planRestore({ ...base, balance: 50_000, confirmed: true }).kind, 'restore')
  assert.equal(planRestore({ ...base, balance: null }).kind, 'confirm', 'an unknown balance may be coins')
  assert.equal(planRestore({ ...base, currentPublicKey: keyFromPhrase(ABANDON).toPublicKey().toString(), balance: 50_000, channelOpen: true }).kind, 'restore', 'the same wallet again replaces nothing')
  assert.equal(planRestore({ ...base, secretText: 'abandon' }).kind, 'problem')
  assert.equal(planRestore({ ...base, refundCode: 'junk' }).kind, 'problem')
})

test('the hot-wallet warning shows on real networks until acknowledged, never on devnet', () => {
  const storage = new MemoryStorage()
  assert.equal(shouldWarnHotWallet('devnet', storage), false)
  assert.equal(shouldWarnHotWallet('testnet', storage), true)
  assert.equal(shouldWarnHotWallet('mainnet', storage), true)
  storage.setItem(HOT_WALLET_ACKNOWLEDGED, '1')
  assert.equal(shouldWarnHotWallet('mainnet', storage), false)
})
