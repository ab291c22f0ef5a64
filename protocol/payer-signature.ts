// The payer's signature on a channel spend (an update or the refund), read one way by everyone: the host reads it on
// every update and on the refund it co-signs, the payer on the host's echo of its own last update. Pure; the curve
// check itself is left to the caller, who has the verifier it can afford (native on the host, the SDK's elsewhere).
import { rawPayerSignature, rawSighashPreimage, type Hash256, type RawTx } from './raw-tx.ts'
import { channelScriptBytes } from './scripts.ts'
import { checkPayerSignature, type SignatureCheck } from './signature.ts'

/** The channel a spend claims to come from: the 2-of-2 of these keys, holding `capacity`. */
export interface SpentChannel {
  payerPublicKey: string
  payeePublicKey: string
  capacity: number
}

export type PayerSignatureRead =
  | { ok: true; preimage: Uint8Array; der: Uint8Array }
  | Extract<SignatureCheck, { ok: false }>

/**
 * Input 0 must be unlocked by exactly `OP_0 <payerSignature>`, the signature in strict DER with low S and sighash
 * byte 0x41. Returns the signature (DER, without that byte) and the BIP143 preimage it must sign.
 */
export function readPayerSignature(bytes: Uint8Array, raw: RawTx, channel: SpentChannel, hash256?: Hash256): PayerSignatureRead {
  const input = raw.inputs[0]
  const signature = input === undefined ? null : rawPayerSignature(input.script)
  if (signature === null) return { ok: false, code: 'bad_signature_encoding', message: 'input 0 must be unlocked by exactly OP_0 <payerSignature>' }
  const shape = checkPayerSignature(signature)
  if (!shape.ok) return shape
  const scriptCode = channelScriptBytes(channel.payerPublicKey, channel.payeePublicKey)
  return { ok: true, preimage: rawSighashPreimage(bytes, raw, 0, scriptCode, channel.capacity, hash256), der: shape.der }
}
