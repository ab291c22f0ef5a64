// Whether a restore may replace this device's wallet now, decided before anything is written. Pure.
import { importRefunds, type KeptRefund } from './refund-backup.ts'
import { readWalletSecret, type WalletSecret } from './wallet-phrase.ts'

export type RestorePlan =
  | { kind: 'problem'; message: string }
  /** The wallet here holds coins: the viewer must say once more that it may be replaced. */
  | { kind: 'confirm'; message: string }
  | { kind: 'restore'; secret: Extract<WalletSecret, { ok: true }>; refunds: KeptRefund[] }

export function planRestore(p: {
  secretText: string
  refundCode: string
  currentPublicKey: string
  channelOpen: boolean
  balance: number | null
  confirmed: boolean
}): RestorePlan {
  const secret = readWalletSecret(p.secretText)
  if (!secret.ok) return { kind: 'problem', message: secret.message }
  const refunds = importRefunds(p.refundCode, secret.key.toPublicKey().toString())
  if (!refunds.ok) return { kind: 'problem', message: refunds.message }
  const same = secret.key.toPublicKey().toString() === p.currentPublicKey
  if (!same && p.channelOpen) {
    return { kind: 'problem', message: 'A channel is open with this wallet: press "Stop and settle" first, so its change comes back here, then restore.' }
  }
  if (!same && !p.confirmed && (p.balance === null || p.balance > 0)) {
    const holds = p.balance === null ? 'may hold coins' : `holds ${p.balance.toLocaleString('en-US')} sat`
    return { kind: 'confirm', message: `This device's wallet ${holds}. Restoring replaces it: back up its phrase or withdraw first. Press Restore again to replace it.` }
  }
  return { kind: 'restore', secret, refunds: refunds.refunds }
}
