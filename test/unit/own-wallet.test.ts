// The rules around the viewer's own BRC-100 wallet that need no wallet: which network it may pay on, which wallet
// pays the page, what the history owes it, how its refunds travel in a backup, and the merkle proofs it is handed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PrivateKey, Transaction, UnlockingScript, type WalletInterface } from '@bsv/sdk'
import { returnToTake, HISTORY_LIMIT, SessionHistory, type HistoryEntry } from '../../client/payer/history.ts'
import { keyWallet } from '../../client/payer/key-wallet.ts'
import { exportRefunds, importRefunds } from '../../client/payer/refund-backup.ts'
import { MemoryStorage } from '../../client/payer/storage.ts'
import { findWallet, shortKey, walletNetworkProblem, type WalletSearch } from '../../client/payer/wallet-discovery.ts'
import type { WalletReturn } from '../../client/payer/wallet-keys.ts'
import { parseWalletChoice, payingWallet } from '../../client/player/wallet-choice.ts'
import { merklePathOfTsc } from '../../protocol/chain/tsc-proof.ts'
import { p2pkhLockingScript, p2pkhScriptHex } from '../../protocol/scripts.ts'
import { settlementSummary } from '../../protocol/settlement.ts'
import { merkleLevels, merklePathOf, merkleRootOf, tscNodesOf } from '../../devnet/merkle.ts'
import { originatorOf } from '../../scripts/devnet-wallet/wallet-http.ts'

test('a wallet pays only on its own network: the devnet takes a testnet wallet, never a mainnet one', () => {
  assert.equal(walletNetworkProblem('mainnet', 'mainnet'), null)
  assert.equal(walletNetworkProblem('testnet', 'testnet'), null)
  assert.equal(walletNetworkProblem('devnet', 'testnet'), null)
  assert.match(walletNetworkProblem('devnet', 'mainnet') ?? '', /on mainnet, and this host runs on its devnet.*Switch your wallet to testnet, or pay with this device's wallet/)
  assert.match(walletNetworkProblem('mainnet', 'testnet') ?? '', /on testnet, and this host takes mainnet coins/)
  assert.equal(shortKey('02' + 'ab'.repeat(32)), '02abab…abab')
})

/** A wallet where the page looks, as the outside world answers: on a network, refusing, or never. */
function outsideWallet(answer: 'testnet' | 'mainnet' | 'refuses' | 'silent', identityKey = '02' + '22'.repeat(32)): WalletInterface {
  const network = () =>
    answer === 'refuses' ? Promise.reject(new Error('connection refused')) : answer === 'silent' ? new Promise<never>(() => {}) : Promise.resolve({ network: answer })
  return { getNetwork: network, getPublicKey: async () => ({ publicKey: identityKey }) } as unknown as WalletInterface
}

test('the search takes the first place, in order, where a wallet answers; none answering or all silent is none', async () => {
  const second = outsideWallet('testnet', '02' + '33'.repeat(32))
  const found = await findWallet('devnet', () => [outsideWallet('refuses'), second, outsideWallet('testnet')])
  assert.equal(found.kind, 'found')
  if (found.kind === 'found') assert.equal(found.wallet, second)
  assert.deepEqual(await findWallet('devnet', () => [outsideWallet('refuses'), outsideWallet('refuses')]), { kind: 'none' })
  assert.deepEqual(await findWallet('devnet', () => [outsideWallet('silent')], 20), { kind: 'none' })
  assert.equal((await findWallet('devnet', () => [outsideWallet('mainnet')])).kind, 'wrong_network')
})

test("the viewer's own wallet pays whenever one answered, unless the viewer chose this device's", () => {
  const found = { kind: 'found', identityKey: '02' + '11'.repeat(32), network: 'testnet' } as WalletSearch
  const wrong: WalletSearch = { kind: 'wrong_network', network: 'mainnet', message: '' }
  assert.deepEqual(parseWalletChoice(null), { pays: null, shareIdentity: false }, 'identity stays private unless chosen')
  assert.deepEqual(parseWalletChoice({ pays: 'brc100', shareIdentity: 'yes' }), { pays: 'brc100', shareIdentity: false })
  assert.equal(payingWallet(parseWalletChoice(null), found), 'brc100')
  assert.equal(payingWallet({ pays: 'device', shareIdentity: false }, found), 'device')
  assert.equal(payingWallet({ pays: 'brc100', shareIdentity: false }, wrong), 'device')
  assert.equal(payingWallet({ pays: 'brc100', shareIdentity: false }, { kind: 'none' }), 'device')
})

const returnTo: WalletReturn = {
  keyId: 'a2V5',
  returnKey: { derivationPrefix: 'cHJl', derivationSuffix: 'c3Vm', senderIdentityKey: '03' + '22'.repeat(32) },
  host: 'host.example',
  stream: '/media/show/master.m3u8',
  payerScript: p2pkhScriptHex(PrivateKey.fromRandom().toPublicKey().toString()),
}
const closeTxid = 'c1'.repeat(32)
const entry = (paid: number, change: number, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  summary: { ...settlementSummary({ channelId: 'ch', capacity: 1_000, fee: 27, lockTime: 300, paid, tips: 0, seconds: paid / 10, segments: paid / 20 }, 'viewer', paid > 0 ? closeTxid : null), change },
  settledAt: 0,
  returnTo,
  ...extra,
})

test("what the wallet is owed: the close's change, a sent refund, nothing twice, nothing for this device's channels", () => {
  assert.deepEqual(returnToTake(entry(200, 773)), { txid: closeTxid, what: 'change' })
  assert.equal(returnToTake(entry(973, 0)), null, 'a close that spent it all returns nothing')
  assert.equal(returnToTake(entry(200, 773, { takenBack: closeTxid })), null)
  assert.equal(returnToTake(entry(0, 0, { refundHex: 'aa' })), null, 'a refund waiting for its block')
  assert.deepEqual(returnToTake(entry(0, 0, { refundHex: 'aa', refund: { status: 'reclaimed', txid: 'r1'.repeat(32) } })), { txid: 'r1'.repeat(32), what: 'refund' })
  assert.equal(returnToTake({ ...entry(200, 773), returnTo: undefined }), null)

  const history = new SessionHistory(new MemoryStorage(), 'h')
  history.record(entry(200, 773).summary, undefined, returnTo)
  for (let i = 0; i < HISTORY_LIMIT + 3; i++) history.record({ ...entry(20, 0).summary, channelId: `other-${i}` })
  assert.equal(history.entries().at(-1)?.summary.channelId, 'ch', 'an entry owing the wallet its coins is not trimmed')
  history.recordTakenBack('ch', closeTxid)
  history.record({ ...entry(20, 0).summary, channelId: 'newest' })
  assert.equal(history.entries().some((e) => e.summary.channelId === 'ch'), false, 'once taken back it ages out')
})

test("a refund paying the wallet's named key travels in the backup with what the wallet needs to take it back", () => {
  const walletKey = p2pkhLockingScript(PrivateKey.fromRandom().toPublicKey().toString())
  const toWallet = new Transaction(1, [{ sourceTXID: 'ab'.repeat(32), sourceOutputIndex: 0, sequence: 0, unlockingScript: new UnlockingScript() }], [{ satoshis: 973, lockingScript: walletKey }], 300)
  const walletRefund = { channelId: 'ch', refundHex: toWallet.toHex(), returnTo: { ...returnTo, payerScript: toWallet.outputs[0].lockingScript.toHex() } }
  const device = PrivateKey.fromRandom().toPublicKey().toString()
  const imported = importRefunds(exportRefunds([walletRefund]), device)
  assert.ok(imported.ok)
  assert.deepEqual(imported.refunds, [walletRefund])
  const forged = importRefunds(exportRefunds([{ ...walletRefund, returnTo: { ...returnTo } }]), device)
  assert.ok(!forged.ok && /pay another wallet/.test(forged.message), 'the named script must be the one the refund pays')
})

test("this device's key does not sign a channel its BSV wallet opened", async () => {
  const key = PrivateKey.fromRandom()
  const wallet = keyWallet({ key, utxos: async () => [] })
  const payee = PrivateKey.fromRandom().toPublicKey().toString()
  await assert.rejects(wallet.sign({ payerPublicKey: key.toPublicKey().toString(), payeePublicKey: payee, wallet: returnTo }, new Uint8Array(10)), /opened with your BSV wallet/)
  assert.match(await wallet.sign({ payerPublicKey: key.toPublicKey().toString(), payeePublicKey: payee }, new Uint8Array(10)), /^30[0-9a-f]+41$/)
})

test("WhatsOnChain's TSC proof becomes the same BUMP the devnet's ARC gives, for every position in odd and even blocks", () => {
  for (const size of [1, 2, 3, 7, 8]) {
    const txids = Array.from({ length: size }, (_, i) => (i + 1).toString(16).padStart(2, '0').repeat(32))
    const levels = merkleLevels(txids)
    txids.forEach((txid, index) => {
      const path = merklePathOfTsc(txid, { index, txOrId: txid, target: 'ff'.repeat(32), nodes: tscNodesOf(levels, index) }, 42)
      assert.equal(path.computeRoot(txid), merkleRootOf(levels), `block of ${size}, tx ${index}`)
      assert.equal(path.computeRoot(txid), merklePathOf(levels, index, 42).computeRoot(txid))
      assert.equal(path.blockHeight, 42)
    })
  }
  assert.throws(() => merklePathOfTsc('aa'.repeat(32), { index: 0, txOrId: 'bb'.repeat(32), target: 'ff'.repeat(32), nodes: [] }, 1), /is for/)
})

test('the wallet names the calling app as BSV Desktop does: the host of Origin (a browser), else of Originator (Node)', () => {
  assert.equal(originatorOf({ origin: 'http://127.0.0.1:8080' }), '127.0.0.1:8080')
  assert.equal(originatorOf({ originator: 'http://viewers.fleet.local' }), 'viewers.fleet.local')
  assert.equal(originatorOf({ originator: 'app.example' }), 'app.example')
  assert.equal(originatorOf({ origin: 'https://a.example', originator: 'b.example' }), 'a.example', 'the browser-set Origin wins')
  assert.equal(originatorOf({}), null)
  assert.equal(originatorOf({ origin: 'null' }), null)
})
