// Checks each settled channel against the ledger: the close tx is there, spends the channel's funding, and pays
// exactly what the viewer last signed (host output) and the rest minus the fee back to the viewer.
import { bytesEqual, hexToBytes, outpointBytes, parseRawTx, txidOf } from '../../protocol/raw-tx.ts'
import { scriptBytesOfHex } from '../../protocol/scripts.ts'
import type { ViewerResult } from './viewer-result.ts'

export interface CloseExpectation {
  closeTxid: string
  fundingTxid: string
  fundingVout: number
  /** The host's payout script the viewer's updates paid (P2PKH hex, from the terms). */
  payoutScript: string
  /** Where the viewer's share goes (P2PKH hex). */
  payerScript: string
  /** The cumulative total of the viewer's last acknowledged update. */
  paid: number
  /** capacity - paid - fee: the viewer's change, an output only when above zero. */
  change: number
}

export type CloseVerdict = { ok: true } | { ok: false; reason: string }

/** Pure: does `rawHex` (from the ledger) settle the channel exactly as the viewer signed it? */
export function checkCloseTx(rawHex: string | null, expected: CloseExpectation): CloseVerdict {
  if (rawHex === null) return { ok: false, reason: `close tx ${expected.closeTxid} is not on the ledger` }
  let raw: ReturnType<typeof parseRawTx>
  let bytes: Uint8Array
  try {
    bytes = hexToBytes(rawHex)
    raw = parseRawTx(bytes)
  } catch (error) {
    return { ok: false, reason: `close tx ${expected.closeTxid} does not parse: ${error instanceof Error ? error.message : String(error)}` }
  }
  if (txidOf(bytes) !== expected.closeTxid) return { ok: false, reason: `the ledger's bytes for ${expected.closeTxid} hash to another txid` }
  if (raw.inputs.length !== 1 || !bytesEqual(raw.inputs[0].outpoint, outpointBytes(expected.fundingTxid, expected.fundingVout))) {
    return { ok: false, reason: `close tx ${expected.closeTxid} does not spend the channel funding ${expected.fundingTxid}:${expected.fundingVout}` }
  }
  const [host, viewer, ...extra] = raw.outputs
  if (host === undefined || !bytesEqual(host.script, scriptBytesOfHex(expected.payoutScript))) {
    return { ok: false, reason: `close tx ${expected.closeTxid} output 0 does not pay the host's payout script` }
  }
  if (host.satoshis !== expected.paid) {
    return { ok: false, reason: `close tx ${expected.closeTxid} pays the host ${host.satoshis} sat; the viewer signed ${expected.paid}` }
  }
  const change = viewer === undefined ? 0 : viewer.satoshis
  if (viewer !== undefined && !bytesEqual(viewer.script, scriptBytesOfHex(expected.payerScript))) {
    return { ok: false, reason: `close tx ${expected.closeTxid} output 1 does not pay the viewer` }
  }
  if (change !== expected.change) {
    return { ok: false, reason: `close tx ${expected.closeTxid} returns ${change} sat to the viewer; expected ${expected.change}` }
  }
  if (extra.length > 0) return { ok: false, reason: `close tx ${expected.closeTxid} has ${extra.length} unexpected extra outputs` }
  return { ok: true }
}

/** Pure: what a close on the ledger pays the host's payout script (its output 0); 0 when it pays it nothing. */
export function paysHost(rawHex: string | null, payoutScript: string): number {
  try {
    const host = rawHex === null ? undefined : parseRawTx(hexToBytes(rawHex)).outputs[0]
    return host !== undefined && bytesEqual(host.script, scriptBytesOfHex(payoutScript)) ? host.satoshis : 0
  } catch {
    return 0
  }
}

export interface LedgerCheck {
  index: number
  closeTxid: string
  verdict: CloseVerdict
  /** What the close on the ledger pays the host (0 when it is not there). */
  hostSatoshis: number
}

/** Fetches the close tx of every viewer that has one (a few at a time) and checks it; a fetch failure counts as a failed check. */
export async function checkClosesOnLedger(
  settled: readonly ViewerResult[],
  rawTx: (txid: string) => Promise<string | null>,
  concurrency = 8,
): Promise<LedgerCheck[]> {
  const checks: LedgerCheck[] = []
  let next = 0
  const worker = async () => {
    while (next < settled.length) {
      const result = settled[next++]
      const closeTxid = result.closeTxid!
      let verdict: CloseVerdict
      let hostSatoshis = 0
      try {
        const raw = await rawTx(closeTxid)
        hostSatoshis = paysHost(raw, result.payoutScript)
        verdict = checkCloseTx(raw, {
          closeTxid,
          fundingTxid: result.fundingTxid ?? '',
          fundingVout: result.fundingVout,
          payoutScript: result.payoutScript,
          payerScript: result.payerScript,
          paid: result.paid,
          change: result.capacity - result.paid - result.fee,
        })
      } catch (error) {
        verdict = { ok: false, reason: `could not fetch close tx ${closeTxid}: ${error instanceof Error ? error.message : String(error)}` }
      }
      checks.push({ index: result.index, closeTxid, verdict, hostSatoshis })
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, settled.length) }, worker))
  return checks.sort((a, b) => a.index - b.index)
}
