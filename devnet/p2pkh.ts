// Plain pay-to-public-key-hash helpers for the devnet: what the faucet pays with, and what tests use to spend
// faucet coins. Addresses of both prefixes (0x00 mainnet, 0x6f testnet) name the same 20-byte key hash.
import { DEFAULT_FEE_RATE, feeFor } from '../protocol/fees.ts'
import { LockingScript, P2PKH, PrivateKey, Script, Transaction, Utils } from '@bsv/sdk'
import type { FeeRate } from '../protocol/messages.ts'

const P2PKH_SCRIPT = /^76a914([0-9a-f]{40})88ac$/
const BASE58_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{25,35}$/

/** The 20-byte key hash (hex) an address pays to, or null when it is not a valid P2PKH address. */
export function pubKeyHashOfAddress(address: string): string | null {
  if (!BASE58_ADDRESS.test(address)) return null
  try {
    const { prefix, data } = Utils.fromBase58Check(address, 'hex')
    if ((prefix !== '00' && prefix !== '6f') || data.length !== 40) return null
    return data as string
  } catch {
    return null
  }
}

/** The key hash a locking script pays to when it is exactly P2PKH, else null. */
export function pubKeyHashOfScript(lockingScriptHex: string): string | null {
  return P2PKH_SCRIPT.exec(lockingScriptHex)?.[1] ?? null
}

export function p2pkhScriptHex(pubKeyHashHex: string): string {
  return `76a914${pubKeyHashHex}88ac`
}

export interface SpendableOutput {
  txid: string
  vout: number
  satoshis: number
}

export interface PaymentOutput {
  /** Either a P2PKH address or a raw locking script. */
  address?: string
  lockingScriptHex?: string
  satoshis: number
}

export interface P2pkhSpendOptions {
  /** Owns every input (they are all P2PKH to this key). */
  key: PrivateKey
  inputs: SpendableOutput[]
  outputs: PaymentOutput[]
  /** When set, whatever is left after outputs and fee goes here (omitted below 1 sat). Without it, the rest is fee. */
  changeAddress?: string
  feeRate?: FeeRate
  version?: number
  lockTime?: number
  /** nSequence of every input; 0xFFFFFFFF (final) unless a timelock is wanted. */
  sequence?: number
}

function lockingScriptOf(out: PaymentOutput): LockingScript {
  if (out.lockingScriptHex !== undefined) return new LockingScript(Script.fromHex(out.lockingScriptHex).chunks)
  if (out.address !== undefined) return new P2PKH().lock(out.address)
  throw new Error('a payment output needs an address or a locking script')
}

/** Builds and signs (SIGHASH_ALL|FORKID) a tx spending P2PKH outputs of `key`. */
export async function buildSignedP2pkhTx(opts: P2pkhSpendOptions): Promise<Transaction> {
  const ownScript = new P2PKH().lock(opts.key.toAddress())
  const tx = new Transaction(opts.version ?? 1, [], [], opts.lockTime ?? 0)
  for (const input of opts.inputs) {
    tx.addInput({
      sourceTXID: input.txid,
      sourceOutputIndex: input.vout,
      sequence: opts.sequence ?? 0xffffffff,
      unlockingScriptTemplate: new P2PKH().unlock(opts.key, 'all', false, input.satoshis, ownScript),
    })
  }
  for (const out of opts.outputs) tx.addOutput({ lockingScript: lockingScriptOf(out), satoshis: out.satoshis })
  if (opts.changeAddress === undefined) {
    await tx.sign()
    return tx
  }
  const inTotal = opts.inputs.reduce((s, i) => s + i.satoshis, 0)
  const outTotal = opts.outputs.reduce((s, o) => s + o.satoshis, 0)
  const change = { lockingScript: new P2PKH().lock(opts.changeAddress), satoshis: 0 }
  tx.addOutput(change)
  await tx.sign()
  // A DER signature is 70-73 bytes: allow 2 spare bytes per input so the re-signed tx never falls short of the rate.
  const size = tx.toBinary().length + 2 * opts.inputs.length
  const left = inTotal - outTotal - feeFor(size, opts.feeRate ?? DEFAULT_FEE_RATE)
  if (left < 0) throw new Error(`inputs (${inTotal} sat) do not cover outputs (${outTotal} sat) and the fee`)
  if (left < 1) tx.outputs.pop()
  else change.satoshis = left
  await tx.sign()
  return tx
}
