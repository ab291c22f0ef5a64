// The payee's signature engines (libsecp256k1, OpenSSL, the SDK's JS) agree on real channel signatures, and the
// host runs the fast one.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { Curve, Hash, PrivateKey, Signature, Utils } from '@bsv/sdk'
import { DEFAULT_FEE_RATE } from '../../protocol/fees.ts'
import {
  buildUpdate,
  channelSighashPreimage,
  signChannelInput,
  type FundingOutpoint,
} from '../../protocol/transactions.ts'
import { p2pkhScriptHex } from '../../protocol/scripts.ts'
import { sdkVerifier } from '../../protocol/signature.ts'
import { signingKeyFromHex } from '../../server/crypto/signing-key.ts'
import { libsecp256k1Verifier, nativeVerifier, opensslVerifier, payeeVerifier } from '../../server/crypto/verify.ts'

const payerKey = PrivateKey.fromRandom()
const parties = { payerPublicKey: payerKey.toPublicKey().toString(), payeePublicKey: PrivateKey.fromRandom().toPublicKey().toString() }
const payoutScript = p2pkhScriptHex(PrivateKey.fromRandom().toPublicKey().toString())
const funding: FundingOutpoint = { txid: '7c'.repeat(32), vout: 0, satoshis: 50_000 }
const strangerKey = PrivateKey.fromRandom().toPublicKey().toString()

/** The payer's signature (DER, sighash byte dropped) on an update paying `paid`, and the preimage it signs. */
function signedUpdate(paid: number): { preimage: Uint8Array; der: Uint8Array } {
  const unsigned = buildUpdate({ ...parties, payoutScript, funding, paid, feeRate: DEFAULT_FEE_RATE })
  const signature = Utils.toArray(signChannelInput(unsigned, funding, parties, payerKey), 'hex')
  return { preimage: channelSighashPreimage(unsigned, funding, parties), der: Uint8Array.from(signature.slice(0, -1)) }
}

const engines = [
  ['libsecp256k1', libsecp256k1Verifier()],
  ['openssl', opensslVerifier()],
  ['sdk', sdkVerifier],
] as const

test('the host verifies with libsecp256k1 on this platform, inline on the event loop', async () => {
  const verifier = payeeVerifier()
  assert.equal(verifier.engine, 'libsecp256k1')
  const { preimage, der } = signedUpdate(500)
  assert.equal(verifier.verify({ preimage, der, publicKey: parties.payerPublicKey }), true, 'a plain boolean, no thread hop')
  assert.equal(verifier.verify({ preimage, der, publicKey: strangerKey }), false)
  assert.equal(nativeVerifier()(preimage, der, parties.payerPublicKey), true)
})

test('every engine accepts real update signatures and refuses them on another preimage or key', () => {
  const updates = [100, 2_000, 31_337].map(signedUpdate)
  for (const [name, verify] of engines) {
    for (const { preimage, der } of updates) {
      assert.equal(verify(preimage, der, parties.payerPublicKey), true, `${name}: valid`)
      assert.equal(verify(preimage, der, strangerKey), false, `${name}: wrong key`)
    }
    assert.equal(verify(updates[0].preimage, updates[1].der, parties.payerPublicKey), false, `${name}: signature of another update`)
    const flipped = Uint8Array.from(updates[0].preimage)
    flipped[flipped.length - 1] ^= 1
    assert.equal(verify(flipped, updates[0].der, parties.payerPublicKey), false, `${name}: a changed preimage`)
  }
})

test('garbage signatures and keys are false, never a throw', () => {
  const { preimage, der } = signedUpdate(700)
  for (const [name, verify] of engines) {
    assert.equal(verify(preimage, Uint8Array.from([0x30, 0x02, 0x01]), parties.payerPublicKey), false, `${name}: truncated DER`)
    assert.equal(verify(preimage, new Uint8Array(0), parties.payerPublicKey), false, `${name}: empty signature`)
    assert.equal(verify(preimage, der, '02' + '00'.repeat(32)), false, `${name}: a key off the curve`)
    assert.equal(verify(preimage, der, 'zz'), false, `${name}: not hex`)
  }
})

test('libsecp256k1 refuses the high-S twin that OpenSSL accepts (the payee refuses it by shape for both)', () => {
  const { preimage, der } = signedUpdate(900)
  const signature = Signature.fromDER(Array.from(der))
  const twin = Uint8Array.from(new Signature(signature.r, new Curve().n.sub(signature.s)).toDER() as number[])
  assert.equal(opensslVerifier()(preimage, twin, parties.payerPublicKey), true)
  assert.equal(libsecp256k1Verifier()(preimage, twin, parties.payerPublicKey), false)
})

test('the host signs through libsecp256k1 with the very signatures the SDK makes (RFC 6979, low S)', () => {
  const sdkKey = PrivateKey.fromRandom()
  const nativeKey = signingKeyFromHex(sdkKey.toHex())
  for (let i = 0; i < 5; i++) {
    const digest = Hash.sha256(Array.from(randomBytes(64)))
    const native = nativeKey.sign(digest, undefined, true)
    assert.deepEqual(native.toDER(), sdkKey.sign(digest, undefined, true).toDER())
    assert.ok(sdkKey.toPublicKey().verify(digest, native))
  }
  assert.equal(nativeKey.toPublicKey().toString(), sdkKey.toPublicKey().toString())
})
