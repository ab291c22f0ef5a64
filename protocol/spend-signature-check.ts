// The script interpreter with its curve math handed to a verifier of our choosing. @bsv/sdk's own ECDSA check keeps a
// precomputed table for every public key it has met in a module-wide Map that nothing empties (WNAF_TABLE_CACHE in
// @bsv/sdk 2.1.0, ~3.7 KB a key): a host that runs the interpreter on each viewer's close would grow by that much per
// channel for as long as it runs. Spend has no hook for this, so its private per-signature check is replaced on the one
// instance; the script, its flags and the sighash preimage stay the SDK's.
import { TransactionSignature, type PublicKey, type Script, type Spend } from '@bsv/sdk'
import { CHANNEL_SIGHASH, type SignatureVerifier } from './signature.ts'

/** The check Spend runs for each signature an OP_CHECKSIG or OP_CHECKMULTISIG meets (private in its types). */
interface SignatureStep {
  verifySignature(signature: TransactionSignature, publicKey: PublicKey, subscript: Script): boolean
}

/**
 * Makes `spend` check channel signatures (SIGHASH_ALL|FORKID) with `verify`; any other sighash keeps the SDK's check,
 * quirks included. Throws when the SDK no longer has the step, rather than silently keep the unbounded cache.
 */
export function checkSignaturesWith(spend: Spend, verify: SignatureVerifier): void {
  const step = spend as unknown as SignatureStep
  if (typeof step.verifySignature !== 'function') throw new Error("@bsv/sdk's Spend no longer has verifySignature: update protocol/spend-signature-check.ts")
  const sdkCheck = step.verifySignature.bind(spend)
  step.verifySignature = (signature, publicKey, subscript) => {
    if (signature.scope !== CHANNEL_SIGHASH) return sdkCheck(signature, publicKey, subscript)
    const preimage = TransactionSignature.formatBytes({
      sourceTXID: spend.sourceTXID,
      sourceOutputIndex: spend.sourceOutputIndex,
      sourceSatoshis: spend.sourceSatoshis,
      transactionVersion: spend.transactionVersion,
      otherInputs: spend.otherInputs,
      outputs: spend.outputs,
      inputIndex: spend.inputIndex,
      subscript,
      inputSequence: spend.inputSequence,
      lockTime: spend.lockTime,
      scope: signature.scope,
    })
    return verify(preimage, Uint8Array.from(signature.toDER() as number[]), publicKey.toString())
  }
}
