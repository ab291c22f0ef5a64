// Spending a wallet's own P2PKH coins: the channel's funding and a withdrawal of everything. Isomorphic and pure.
import { LockingScript, type PrivateKey, Transaction, UnlockingScript } from '@bsv/sdk'
import type { FeeRate } from './messages.ts'
import { feeFor, P2PKH_INPUT_BYTES, P2PKH_OUTPUT_BYTES } from './fees.ts'
import { p2pkhLockingScript } from './scripts.ts'
import { CHANNEL_SIGHASH } from './signature.ts'
import { signInput } from './signing.ts'

/** A P2PKH output of the signing key. */
export interface OwnCoin {
  txid: string
  vout: number
  satoshis: number
}

const FINAL_SEQUENCE = 0xffffffff

/**
 * Every input spends a P2PKH coin of `key`, signed SIGHASH_ALL|FORKID, with a final nSequence; version 1 and nLockTime
 * 0 unless told (every input being final, any nLockTime leaves the tx final).
 */
export function signedP2pkhSpend(p: { key: PrivateKey; utxos: readonly OwnCoin[]; outputs: Array<{ satoshis: number; lockingScript: LockingScript }>; version?: number; lockTime?: number }): Transaction {
  const version = p.version ?? 1
  const lockTime = p.lockTime ?? 0
  const script = p2pkhLockingScript(p.key.toPublicKey().toString())
  const inputs = (unlocking: (i: number) => UnlockingScript) =>
    p.utxos.map((u, i) => ({ sourceTXID: u.txid, sourceOutputIndex: u.vout, sequence: FINAL_SEQUENCE, unlockingScript: unlocking(i) }))
  const unsigned = new Transaction(version, inputs(() => new UnlockingScript()), p.outputs, lockTime)
  const publicKey = p.key.toPublicKey().encode(true) as number[]
  const unlocking = p.utxos.map((u, i) => {
    const sig = signInput(unsigned, i, u.satoshis, script, p.key, CHANNEL_SIGHASH)
    return new UnlockingScript([
      { op: sig.length, data: sig },
      { op: publicKey.length, data: publicKey },
    ])
  })
  return new Transaction(version, inputs((i) => unlocking[i]), p.outputs, lockTime)
}

/** Size of a tx spending `inputs` signed P2PKH coins to one P2PKH output. */
export function sweepBytes(inputs: number): number {
  const varInt = (n: number) => (n < 0xfd ? 1 : n <= 0xffff ? 3 : 5)
  return 4 + varInt(inputs) + inputs * P2PKH_INPUT_BYTES + 1 + P2PKH_OUTPUT_BYTES + 4
}

export type SweepPlan = { ok: true; total: number; fee: number; amount: number } | { ok: false; total: number; fee: number; message: string }

/** What sending every coin to one address moves: the total, the fee at `feeRate`, and what arrives. */
export function planSweep(utxos: readonly OwnCoin[], feeRate: FeeRate): SweepPlan {
  const total = utxos.reduce((sum, u) => sum + u.satoshis, 0)
  if (utxos.length === 0) return { ok: false, total: 0, fee: 0, message: 'The wallet holds no coins to send.' }
  const fee = feeFor(sweepBytes(utxos.length), feeRate)
  if (total - fee < 1) return { ok: false, total, fee, message: `The wallet's ${total} sat do not cover the ${fee} sat network fee.` }
  return { ok: true, total, fee, amount: total - fee }
}

/** Every coin of `key` to one P2PKH script (hex): the withdrawal. Throws when the coins do not cover the fee. */
export function buildSweep(p: { key: PrivateKey; utxos: readonly OwnCoin[]; toScript: string; feeRate: FeeRate }): { tx: Transaction; hex: string; txid: string; amount: number; fee: number } {
  const plan = planSweep(p.utxos, p.feeRate)
  if (!plan.ok) throw new Error(plan.message)
  const tx = signedP2pkhSpend({ key: p.key, utxos: p.utxos, outputs: [{ satoshis: plan.amount, lockingScript: LockingScript.fromHex(p.toScript) }] })
  return { tx, hex: tx.toHex(), txid: tx.id('hex'), amount: plan.amount, fee: plan.fee }
}
