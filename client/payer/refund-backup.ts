// Refunds waiting for their block travel with a backup: they need no host, only the co-signed transaction itself, and
// no phrase can derive the host's signature. The code is text to copy: "p2p-refunds-v1:" and base64url JSON.
// Isomorphic and pure.
import { Utils } from '@bsv/sdk'
import type { SettlementSummary } from '../../protocol/messages.ts'
import { p2pkhScriptBytes, scriptBytesOfHex } from '../../protocol/scripts.ts'
import { settlementSummary } from '../../protocol/settlement.ts'
import { bytesEqual, hexToBytes, parseRawTx } from '../../protocol/raw-tx.ts'
import type { WalletReturn } from './wallet-keys.ts'

export const REFUND_CODE_PREFIX = 'p2p-refunds-v1:'
/** More than any viewer keeps (the history holds 30 entries plus the refunds still unsent). */
const MAX_REFUNDS = 200

export interface KeptRefund {
  channelId: string
  refundHex: string
  /** A channel paid from a BRC-100 wallet: its refund pays a key that wallet derives, and this hands the coins to it. */
  returnTo?: WalletReturn
}

export function exportRefunds(refunds: readonly KeptRefund[]): string {
  const json = JSON.stringify(refunds.map(({ channelId, refundHex, returnTo }) => ({ c: channelId, r: refundHex, ...(returnTo ? { w: returnTo } : {}) })))
  return REFUND_CODE_PREFIX + Utils.toBase64(Utils.toArray(json, 'utf8')).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export type RefundImport = { ok: true; refunds: KeptRefund[] } | { ok: false; message: string }

/**
 * Reads a refund code; every refund must parse and pay the wallet being restored (`payerPublicKey`), or, for a channel
 * paid from a BRC-100 wallet, the script that wallet named.
 */
export function importRefunds(code: string, payerPublicKey: string): RefundImport {
  const text = code.trim()
  if (text === '') return { ok: true, refunds: [] }
  if (!text.startsWith(REFUND_CODE_PREFIX)) return { ok: false, message: `A refund code starts with "${REFUND_CODE_PREFIX}": copy it whole from the backup.` }
  let entries: unknown
  try {
    const base64 = text.slice(REFUND_CODE_PREFIX.length).replace(/-/g, '+').replace(/_/g, '/')
    entries = JSON.parse(Utils.toUTF8(Utils.toArray(base64, 'base64')))
  } catch {
    return { ok: false, message: 'That refund code is damaged: copy it again from the backup.' }
  }
  if (!Array.isArray(entries) || entries.length > MAX_REFUNDS) return { ok: false, message: 'That refund code is damaged: copy it again from the backup.' }
  const mine = p2pkhScriptBytes(payerPublicKey)
  const refunds: KeptRefund[] = []
  for (const entry of entries as Array<{ c?: unknown; r?: unknown; w?: WalletReturn }>) {
    if (typeof entry?.c !== 'string' || typeof entry.r !== 'string') return { ok: false, message: 'That refund code is damaged: copy it again from the backup.' }
    const returnTo = typeof entry.w?.payerScript === 'string' && typeof entry.w.keyId === 'string' ? entry.w : undefined
    try {
      const tx = parseRawTx(hexToBytes(entry.r))
      const payee = returnTo ? scriptBytesOfHex(returnTo.payerScript) : mine
      if (tx.outputs.length !== 1 || !bytesEqual(tx.outputs[0].script, payee)) {
        return { ok: false, message: 'Those refunds pay another wallet: restore the phrase they were backed up with.' }
      }
    } catch {
      return { ok: false, message: 'That refund code is damaged: copy it again from the backup.' }
    }
    refunds.push({ channelId: entry.c, refundHex: entry.r.toLowerCase(), ...(returnTo ? { returnTo } : {}) })
  }
  return { ok: true, refunds }
}

/** How an imported refund shows in the history: nothing paid, its coins back from its lock time. */
export function importedRefundSummary(refund: KeptRefund): SettlementSummary {
  const tx = parseRawTx(hexToBytes(refund.refundHex))
  const satoshis = tx.outputs[0].satoshis
  const books = { channelId: refund.channelId, capacity: satoshis, fee: 0, lockTime: tx.lockTime, paid: 0, tips: 0, seconds: 0, segments: 0 }
  return settlementSummary(books, 'recovery', null)
}
