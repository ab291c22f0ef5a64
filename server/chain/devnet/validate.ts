// The devnet's acceptance rules, as one pure function: a parsed tx plus a way to look up the outputs it spends,
// in; a verdict out. Codes follow ARC (460 missing parent, 461 script, 462 inputs, 463 malformed, 464 outputs,
// 465 fee, 466 conflict) so clients handle devnet rejections exactly like real ones.
import { LockingScript, Script, Spend, Transaction, Utils } from '@bsv/sdk'
import type { FeeRate } from '../../../protocol/messages.ts'
import { feeFor } from '../../../protocol/fees.ts'
import { isDataCarrier } from '../../../protocol/scripts.ts'
import { hexToBytes } from '../../../protocol/transactions.ts'

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

export type Verdict =
  | { ok: true; txid: string; fee: number; size: number }
  | { ok: false; code: number; title: string; reason: string; txid?: string }

const FINAL_SEQUENCE = 0xffffffff
/** nLockTime at or above this is a Unix time, not a height (bitcoin-sv LOCKTIME_THRESHOLD). */
const LOCKTIME_THRESHOLD = 500_000_000
const MAX_SATOSHIS = 21e14
const NULL_TXID = '0'.repeat(64)

export type Parsed = { ok: true; tx: Transaction; size: number } | { ok: false; code: 400; title: string; reason: string }

/** Parses raw tx hex strictly: it must re-serialize to exactly the same bytes (no trailing garbage). */
export function parseRawTx(rawHex: string): Parsed {
  const hex = rawHex.trim().toLowerCase()
  if (!/^(?:[0-9a-f]{2})+$/.test(hex)) return { ok: false, code: 400, title: 'Bad request', reason: 'the transaction must be even-length hex' }
  let tx: Transaction
  try {
    tx = Transaction.fromHex(hex)
  } catch (err) {
    return { ok: false, code: 400, title: 'Bad request', reason: `not a transaction: ${(err as Error).message}` }
  }
  let again: string
  try {
    // A fresh copy: the parsed tx caches its input bytes, so only a rebuild shows what the fields really encode.
    again = Utils.toHex(new Transaction(tx.version, tx.inputs, tx.outputs, tx.lockTime).toBinary())
  } catch (err) {
    return { ok: false, code: 400, title: 'Bad request', reason: `not a transaction: ${(err as Error).message}` }
  }
  if (again !== hex) return { ok: false, code: 400, title: 'Bad request', reason: 'not a transaction: bytes left over after parsing' }
  return { ok: true, tx, size: hex.length / 2 }
}

/** A tx is final when every input is final or its nLockTime is below the height of the block it would enter. */
export function isFinalAtHeight(tx: Transaction, height: number): boolean {
  if (tx.lockTime === 0) return true
  if (tx.inputs.every((i) => (i.sequence ?? FINAL_SEQUENCE) === FINAL_SEQUENCE)) return true
  if (tx.lockTime >= LOCKTIME_THRESHOLD) return false
  return tx.lockTime < height + 1
}

export function checkTransaction(tx: Transaction, size: number, ctx: ValidationContext): Verdict {
  const txid = tx.id('hex')
  const reject = (code: number, title: string, reason: string): Verdict => ({ ok: false, code, title, reason, txid })

  if (tx.inputs.length === 0) return reject(462, 'Invalid inputs', 'the transaction has no inputs')
  if (tx.outputs.length === 0) return reject(464, 'Invalid outputs', 'the transaction has no outputs')

  const seen = new Set<string>()
  const prevOuts: PrevOut[] = []
  for (const [i, input] of tx.inputs.entries()) {
    const sourceTxid = input.sourceTXID ?? ''
    if (sourceTxid === NULL_TXID) return reject(462, 'Invalid inputs', `input ${i} is a coinbase input; only the devnet itself mints coins`)
    const key = `${sourceTxid}:${input.sourceOutputIndex}`
    if (seen.has(key)) return reject(463, 'Malformed transaction', `input ${i} spends ${key} a second time in the same transaction`)
    seen.add(key)
    const prev = ctx.lookup(sourceTxid, input.sourceOutputIndex)
    if (!prev) return reject(460, 'Missing parent output', `input ${i} spends ${key}, which this ledger does not know (wrong txid or vout, or its parent was never broadcast)`)
    if (prev.spentBy !== null && prev.spentBy !== txid) {
      return reject(466, 'Conflicting tx found', `input ${i} spends ${key}, already spent by ${prev.spentBy} (DOUBLE_SPEND_ATTEMPTED)`)
    }
    prevOuts.push(prev)
  }

  let outTotal = 0
  for (const [i, out] of tx.outputs.entries()) {
    const sats = out.satoshis ?? 0
    const scriptHex = out.lockingScript.toHex()
    if (!Number.isSafeInteger(sats) || sats < 0 || sats > MAX_SATOSHIS) return reject(464, 'Invalid outputs', `output ${i} has an impossible amount ${sats}`)
    if (sats < 1 && !isDataCarrier(hexToBytes(scriptHex))) return reject(464, 'Invalid outputs', `output ${i} is dust: a spendable output needs at least 1 satoshi`)
    outTotal += sats
  }
  if (outTotal > MAX_SATOSHIS) return reject(464, 'Invalid outputs', 'outputs add up to more than 21 million coins')

  const inTotal = prevOuts.reduce((s, p) => s + p.satoshis, 0)
  if (outTotal > inTotal) return reject(462, 'Invalid inputs', `outputs (${outTotal} sat) exceed inputs (${inTotal} sat)`)

  if (!isFinalAtHeight(tx, ctx.height)) {
    const why = tx.lockTime >= LOCKTIME_THRESHOLD
      ? 'time-based nLockTime is not supported on devnet; use a block height'
      : `nLockTime ${tx.lockTime} is not below the next block height ${ctx.height + 1}`
    return reject(463, 'Non-final transaction', `non-final: ${why}`)
  }

  const fee = inTotal - outTotal
  const required = feeFor(size, ctx.feeRate)
  if (fee < required) {
    return reject(465, 'Fee too low', `fee ${fee} sat is below ${required} sat (${size} bytes at ${ctx.feeRate.satoshis} sat per ${ctx.feeRate.bytes} bytes)`)
  }

  for (const [i, input] of tx.inputs.entries()) {
    const prev = prevOuts[i]
    if (!input.unlockingScript) return reject(461, 'Unlocking script failed', `input ${i} has no unlocking script`)
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
    if (!valid) return reject(461, 'Unlocking script failed', `input ${i}: ${why}`)
  }

  return { ok: true, txid, fee, size }
}
