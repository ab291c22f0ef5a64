// One input's BIP143 preimage and signature, as every transaction here signs them (channel spends, funding, a wallet's
// withdrawal). Isomorphic.
import { Hash, type LockingScript, type PrivateKey, type Transaction, TransactionSignature } from '@bsv/sdk'

/** nSequence the SDK leaves unset means final. */
const FINAL = 0xffffffff

export function inputPreimage(tx: Transaction, inputIndex: number, sourceSatoshis: number, subscript: LockingScript, scope: number): Uint8Array {
  const input = tx.inputs[inputIndex]
  if (input === undefined || input.sourceTXID === undefined) throw new Error(`input ${inputIndex} has no source txid`)
  return TransactionSignature.formatBytes({
    sourceTXID: input.sourceTXID,
    sourceOutputIndex: input.sourceOutputIndex,
    sourceSatoshis,
    transactionVersion: tx.version,
    otherInputs: tx.inputs.filter((_, i) => i !== inputIndex),
    outputs: tx.outputs,
    inputIndex,
    subscript,
    inputSequence: input.sequence ?? FINAL,
    lockTime: tx.lockTime,
    scope,
  })
}

/** DER + sighash byte over one input, with the SDK's BIP143 preimage and a low-S signature. */
export function signInput(tx: Transaction, inputIndex: number, sourceSatoshis: number, subscript: LockingScript, key: PrivateKey, scope: number): number[] {
  return signPreimage(inputPreimage(tx, inputIndex, sourceSatoshis, subscript, scope), key, scope)
}

/** DER + sighash byte over a BIP143 preimage: the digest signed is hash256(preimage), with a low S. */
export function signPreimage(preimage: Uint8Array, key: PrivateKey, scope: number): number[] {
  // PrivateKey.sign hashes its message with SHA-256 once more: the signed digest is hash256(preimage).
  const signature = key.sign(Hash.sha256(Array.from(preimage)), undefined, true)
  return [...(signature.toDER() as number[]), scope]
}

/** The digest a channel signature covers, for a wallet that signs a given hash (BRC-100 hashToDirectlySign). */
export function sighashDigest(preimage: Uint8Array): number[] {
  return Hash.hash256(Array.from(preimage))
}
