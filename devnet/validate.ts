// The devnet's acceptance rules, as one pure function: a parsed tx plus a way to look up the outputs it spends,
// in; a verdict out. Codes follow ARC's (pkg/api/status.go, doc/errors.md): 460 missing parent, 461 unlocking script,
// 462 inputs, 463 malformed, 464 outputs, 465 fee, 474 size; so clients handle devnet rejections exactly like real
// ones. Outputs already spent are no verdict of their own: the tx is checked in full and its conflicts returned, for
// the ledger to treat as a double spend (ARC checks a double spend like any tx before calling it one).
import { LockingScript, Script, Spend, type Transaction } from '@bsv/sdk'
import type { FeeRate } from '../protocol/messages.ts'
import { feeFor } from '../protocol/fees.ts'
import { isDataCarrier } from '../protocol/scripts.ts'
import { hexToBytes } from '../protocol/raw-tx.ts'

export interface PrevOut {
  satoshis: number
  lockingScriptHex: string
  /** txid of the (mempool or mined) tx that already spends it, or null. */
  spentBy: string | null
}

export type OutpointLookup = (txid: string, vout: number) => PrevOut | undefined

export interface ValidationContext {
  lookup: OutpointLookup
  /** Current tip height: the tx would go into block height + 1. */
  height: number
  feeRate: FeeRate
}

/** An input whose outpoint another tx already spends. */
export interface Conflict {
  input: number
  outpoint: string
  spentBy: string
}

export type Verdict =
  | { ok: true; txid: string; fee: number; size: number; conflicts: Conflict[] }
  | { ok: false; code: number; reason: string; txid?: string }

const FINAL_SEQUENCE = 0xffffffff
/** nLockTime at or above this is a Unix time, not a height (bitcoin-sv LOCKTIME_THRESHOLD). */
const LOCKTIME_THRESHOLD = 500_000_000
const MAX_SATOSHIS = 21e14
const NULL_TXID = '0'.repeat(64)
/** The policy's maxtxsizepolicy: 1 MB is far above anything a channel needs. */
export const MAX_TX_BYTES = 1_000_000

/** A tx is final when every input is final or its nLockTime is below the height of the block it would enter. */
export function isFinalAtHeight(tx: Transaction, height: number): boolean {
  if (tx.lockTime === 0) return true
  if (tx.inputs.every((i) => (i.sequence ?? FINAL_SEQUENCE) === FINAL_SEQUENCE)) return true
  if (tx.lockTime >= LOCKTIME_THRESHOLD) return false
  return tx.lockTime < height + 1
}

export function checkTransaction(tx: Transaction, size: number, ctx: ValidationContext): Verdict {
  const txid = tx.id('hex')
  const reject = (code: number, reason: string): Verdict => ({ ok: false, code, reason, txid })

  if (tx.inputs.length === 0) return reject(462, 'the transaction has no inputs')
  if (tx.outputs.length === 0) return reject(464, 'the transaction has no outputs')
  if (size > MAX_TX_BYTES) return reject(474, `the transaction is ${size} bytes; the policy allows ${MAX_TX_BYTES}`)

  const seen = new Set<string>()
  const prevOuts: PrevOut[] = []
  const conflicts: Conflict[] = []
  for (const [i, input] of tx.inputs.entries()) {
    const sourceTxid = input.sourceTXID ?? ''
    if (sourceTxid === NULL_TXID) return reject(462, `input ${i} is a coinbase input; only the devnet itself mints coins`)
    const key = `${sourceTxid}:${input.sourceOutputIndex}`
    if (seen.has(key)) return reject(463, `input ${i} spends ${key} a second time in the same transaction`)
    seen.add(key)
    const prev = ctx.lookup(sourceTxid, input.sourceOutputIndex)
    if (!prev) return reject(460, `input ${i} spends ${key}, which this ledger does not know (wrong txid or vout, or its parent was never broadcast)`)
    // Extended Format (and BEEF) carry what each input spends; it must be what the ledger holds.
    const claimed = input.sourceTransaction?.outputs[input.sourceOutputIndex]
    if (claimed && (claimed.satoshis !== prev.satoshis || claimed.lockingScript.toHex() !== prev.lockingScriptHex)) {
      return reject(463, `input ${i}: the transaction says ${key} holds ${claimed.satoshis} sat locked by ${claimed.lockingScript.toHex()}, but it holds ${prev.satoshis} sat locked by ${prev.lockingScriptHex}`)
    }
    if (prev.spentBy !== null && prev.spentBy !== txid) conflicts.push({ input: i, outpoint: key, spentBy: prev.spentBy })
    prevOuts.push(prev)
  }

  let outTotal = 0
  for (const [i, out] of tx.outputs.entries()) {
    const sats = out.satoshis ?? 0
    const scriptHex = out.lockingScript.toHex()
    if (!Number.isSafeInteger(sats) || sats < 0 || sats > MAX_SATOSHIS) return reject(464, `output ${i} has an impossible amount ${sats}`)
    if (sats < 1 && !isDataCarrier(hexToBytes(scriptHex))) return reject(464, `output ${i} is dust: a spendable output needs at least 1 satoshi`)
    outTotal += sats
  }
  if (outTotal > MAX_SATOSHIS) return reject(464, 'outputs add up to more than 21 million coins')

  if (!isFinalAtHeight(tx, ctx.height)) {
    const why = tx.lockTime >= LOCKTIME_THRESHOLD
      ? 'time-based nLockTime is not supported on devnet; use a block height'
      : `nLockTime ${tx.lockTime} is not below the next block height ${ctx.height + 1}`
    return reject(463, `non-final: ${why}`)
  }

  // ARC counts outputs above inputs as a fee of 0, too low (465).
  const inTotal = prevOuts.reduce((s, p) => s + p.satoshis, 0)
  if (outTotal > inTotal) return reject(465, `outputs (${outTotal} sat) exceed inputs (${inTotal} sat)`)
  const fee = inTotal - outTotal
  const required = feeFor(size, ctx.feeRate)
  if (fee < required) {
    return reject(465, `fee ${fee} sat is below ${required} sat (${size} bytes at ${ctx.feeRate.satoshis} sat per ${ctx.feeRate.bytes} bytes)`)
  }

  for (const [i, input] of tx.inputs.entries()) {
    const prev = prevOuts[i]
    if (!input.unlockingScript) return reject(461, `input ${i} has no unlocking script`)
    // A node's standardness rule, which ARC checks as malformed (463).
    if (!input.unlockingScript.isPushOnly()) return reject(463, `input ${i}: an unlocking script may only push data`)
    const spend = new Spend({
      sourceTXID: input.sourceTXID ?? '',
      sourceOutputIndex: input.sourceOutputIndex,
      sourceSatoshis: prev.satoshis,
      lockingScript: new LockingScript(Script.fromHex(prev.lockingScriptHex).chunks),
      // The version decides the rule set: version 1 keeps the anti-malleability rules (LOW_S, NULLDUMMY, ...).
      transactionVersion: tx.version,
      otherInputs: tx.inputs.filter((_, j) => j !== i),
      outputs: tx.outputs,
      inputIndex: i,
      unlockingScript: input.unlockingScript,
      inputSequence: input.sequence ?? FINAL_SEQUENCE,
      lockTime: tx.lockTime,
    })
    let valid: boolean
    let why = 'the script evaluated to false'
    try {
      valid = spend.validate()
    } catch (err) {
      valid = false
      // The SDK appends stack dumps after the first line; the first line says what failed.
      why = String((err as Error).message).split('\n')[0]
    }
    if (!valid) return reject(461, `input ${i}: ${why}`)
  }

  return { ok: true, txid, fee, size, conflicts }
}
