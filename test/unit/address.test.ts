// Addresses as people type them: P2PKH of the right network only, each mistake with its own message.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PrivateKey, Utils } from '@bsv/sdk'
import { checkAddress } from '../../protocol/address.ts'
import { payoutAddressProblem } from '../../server/config.ts'

const key = PrivateKey.fromRandom()
const mainnet = key.toAddress('mainnet')
const testnet = key.toAddress('testnet')
const hash = Utils.toHex(key.toPublicKey().toHash() as number[])

test('a P2PKH address of the right network gives its locking script, spaces trimmed', () => {
  assert.deepEqual(checkAddress(` ${mainnet}\n`, 'mainnet'), { ok: true, address: mainnet, script: `76a914${hash}88ac` })
  assert.deepEqual(checkAddress(testnet, 'testnet'), { ok: true, address: testnet, script: `76a914${hash}88ac` })
  assert.equal(checkAddress(mainnet, 'devnet').ok, true, 'the devnet uses mainnet-style addresses')
})

test('each wrong address says what is wrong with it', () => {
  const problem = (text: string, network: 'mainnet' | 'testnet' | 'devnet') => {
    const checked = checkAddress(text, network)
    return checked.ok ? 'ok' : checked.problem
  }
  assert.equal(problem('', 'mainnet'), 'empty')
  assert.equal(problem(testnet, 'mainnet'), 'wrong_network')
  assert.equal(problem(mainnet, 'testnet'), 'wrong_network')
  assert.equal(problem(testnet, 'devnet'), 'wrong_network')
  assert.equal(problem(mainnet.slice(0, -1), 'mainnet'), 'not_an_address', 'a character short')
  assert.equal(problem(mainnet.slice(0, -1) + (mainnet.endsWith('z') ? 'y' : 'z'), 'mainnet'), 'not_an_address', 'a typo fails the checksum')
  assert.equal(problem('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'mainnet'), 'not_an_address')
  const p2sh = Utils.toBase58Check(Utils.toArray(hash, 'hex'), [0x05])
  assert.equal(problem(p2sh, 'mainnet'), 'not_p2pkh')
  const wrong = checkAddress(testnet, 'mainnet')
  assert.ok(!wrong.ok && /testnet address.*mainnet/.test(wrong.message))
})

test('the host needs a payout address on real networks, of that network', () => {
  assert.equal(payoutAddressProblem(undefined, 'devnet'), null)
  assert.match(payoutAddressProblem(undefined, 'testnet') ?? '', /required on testnet.*starting with m or n/)
  assert.match(payoutAddressProblem(undefined, 'mainnet') ?? '', /required on mainnet.*starting with 1/)
  assert.match(payoutAddressProblem(testnet, 'mainnet') ?? '', /testnet address/)
  assert.equal(payoutAddressProblem(mainnet, 'mainnet'), null)
})
