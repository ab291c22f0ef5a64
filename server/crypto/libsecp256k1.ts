// libsecp256k1, Bitcoin Core's own curve library, as the secp256k1 package ships it prebuilt (an N-API binary inside
// the npm package). Loaded once; null where the package has no binary for this platform. Never the package's pure-JS
// fallback: that one is slower than OpenSSL.
import { createRequire } from 'node:module'

/** The calls the host uses from the binding. */
export interface Secp256k1Binding {
  signatureImport(der: Uint8Array, output?: Uint8Array): Uint8Array
  signatureExport(signature: Uint8Array, output?: Uint8Array): Uint8Array
  ecdsaVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean
  /** A public key (33 or 65 bytes) in the other form; throws on bytes that are no point on the curve. */
  publicKeyConvert(publicKey: Uint8Array, compressed?: boolean, output?: Uint8Array): Uint8Array
  /** RFC 6979 nonces; the signature is normalised to low S. */
  ecdsaSign(message: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number }
}

function load(): Secp256k1Binding | null {
  try {
    return createRequire(import.meta.url)('secp256k1/bindings') as Secp256k1Binding
  } catch {
    return null
  }
}

export const libsecp256k1: Secp256k1Binding | null = load()
