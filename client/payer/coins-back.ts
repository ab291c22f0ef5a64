// Coins that come back to the viewer's BRC-100 wallet: the close's change and a sent refund pay a key the wallet
// derives, but the wallet learns of them only when it is handed the transaction. Once that transaction is mined, it
// goes to the wallet with its merkle path (internalizeAction), described so the wallet's history shows the viewing.
// Isomorphic: the ledger is anything that serves raw transactions and merkle paths.
import { Transaction, type MerklePath } from '@bsv/sdk'
import { bytesEqual, hexToBytes, parseRawTx } from '../../protocol/raw-tx.ts'
import { scriptBytesOfHex } from '../../protocol/scripts.ts'
import { returnToTake, type HistoryEntry } from './history.ts'
import type { Remittance } from './wallet-keys.ts'

/** WhatsOnChainClient satisfies it. */
export interface ReturnLedger {
  rawTx(txid: string): Promise<string | null>
  merklePath(txid: string): Promise<MerklePath | null>
}

/** What the wallet is handed: a mined transaction, the output that pays it, how it derives that output's key. */
export interface ReturnedCoins {
  beef: number[]
  outputIndex: number
  remittance: Remittance
  description: string
}

/** The wallet side: the BRC-100 wallet's internalizeAction, as brc100-wallet.ts calls it. */
export type TakeBack = (coins: ReturnedCoins) => Promise<void>

export type TakeBackOutcome = { channelId: string; txid: string; satoshis: number }

/** What the wallet's history says of a viewing. */
export function describeReturn(entry: HistoryEntry, what: 'change' | 'refund'): string {
  const { returnTo, summary } = entry
  const where = `${returnTo?.stream ?? 'a stream'} on ${returnTo?.host ?? 'a host'}`
  return what === 'change'
    ? `Watched ${Math.round(summary.seconds)} s of ${where}: paid ${summary.paid} sat, ${summary.change} sat back`
    : `Refund of a channel with nothing paid: ${where}`
}

/** Hands the wallet every return that is mined and not yet taken in; the rest waits for the next call. */
export async function takeBackCoins(history: readonly HistoryEntry[], ledger: ReturnLedger, takeBack: TakeBack): Promise<TakeBackOutcome[]> {
  const taken: TakeBackOutcome[] = []
  for (const entry of history) {
    const owed = returnToTake(entry)
    if (!owed || !entry.returnTo) continue
    const [raw, path] = await Promise.all([ledger.rawTx(owed.txid), ledger.merklePath(owed.txid)])
    if (raw === null || path === null) continue
    const outputs = parseRawTx(hexToBytes(raw)).outputs
    const script = scriptBytesOfHex(entry.returnTo.payerScript)
    const outputIndex = outputs.findIndex((output) => bytesEqual(output.script, script))
    if (outputIndex < 0) throw new Error(`${owed.txid} pays nothing to this viewer's wallet`)
    const tx = Transaction.fromHex(raw)
    tx.merklePath = path
    await takeBack({ beef: tx.toAtomicBEEF(), outputIndex, remittance: entry.returnTo.returnKey, description: describeReturn(entry, owed.what) })
    taken.push({ channelId: entry.summary.channelId, txid: owed.txid, satoshis: outputs[outputIndex].satoshis })
  }
  return taken
}
