// A small human-readable page for one devnet transaction, for the dashboard to link to. Pure: values in, HTML out.
import { Transaction } from '@bsv/sdk'
import type { LedgerTxStatus } from './ledger.ts'
import { isDataCarrier } from '../protocol/scripts.ts'
import { hexToBytes } from '../protocol/raw-tx.ts'
import { pubKeyHashOfScript } from './p2pkh.ts'

export interface TxViewOutput {
  vout: number
  satoshis: number
  lockingScriptHex: string
  spentBy: string | null
}

function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

function describeScript(hex: string): string {
  const pkh = pubKeyHashOfScript(hex)
  if (pkh) return `P2PKH to key hash ${pkh}`
  if (/^5221[0-9a-f]{66}21[0-9a-f]{66}52ae$/.test(hex)) return '2-of-2 multisig (payment channel funding)'
  if (isDataCarrier(hexToBytes(hex))) return 'OP_RETURN data'
  return 'other script'
}

const txLink = (txid: string): string => `<a href="./${esc(txid)}"><code>${esc(txid)}</code></a>`

function whereItIs(status: LedgerTxStatus, tipHeight: number): string {
  if (status.blockHeight !== undefined) {
    return `mined in block ${status.blockHeight} (${tipHeight - status.blockHeight + 1} confirmations), hash <code>${esc(status.blockHash ?? '')}</code>`
  }
  const rivals = (status.competingTxs ?? []).map(txLink).join(', ')
  if (status.status === 'DOUBLE_SPEND_ATTEMPTED') return `a double spend: competing with ${rivals}; whichever is mined wins`
  if (status.status === 'REJECTED') return `rejected: ${esc(status.extraInfo ?? '')}${rivals ? `; competing with ${rivals}` : ''}`
  return 'in the mempool, waiting for the next block'
}

export function renderTxPage(rawHex: string, status: LedgerTxStatus, outputs: TxViewOutput[], tipHeight: number): string {
  const tx = Transaction.fromHex(rawHex)
  const inputs = tx.inputs
    .map((input, i) => {
      const coinbase = input.sourceTXID === '0'.repeat(64)
      const from = coinbase ? 'coinbase (devnet genesis)' : `${txLink(input.sourceTXID ?? '')}:${input.sourceOutputIndex}`
      return `<tr><td>${i}</td><td>${from}</td><td><code>0x${(input.sequence ?? 0xffffffff).toString(16)}</code></td></tr>`
    })
    .join('\n')
  const outs = outputs
    .map((o) => {
      const spent = o.spentBy ? `spent by ${txLink(o.spentBy)}` : 'unspent'
      return `<tr><td>${o.vout}</td><td>${o.satoshis.toLocaleString('en')}</td><td>${esc(describeScript(o.lockingScriptHex))}</td><td>${spent}</td></tr>`
    })
    .join('\n')
  const where = whereItIs(status, tipHeight)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>devnet tx ${esc(status.txid.slice(0, 12))}…</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;margin:1rem 0}
td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}code{font-size:12px;word-break:break-all}</style></head>
<body>
<h1>Devnet transaction</h1>
<p><code>${esc(status.txid)}</code></p>
<p>Status: <strong>${esc(status.status)}</strong>, ${where}.</p>
<p>Version ${tx.version}, nLockTime ${tx.lockTime}, ${rawHex.length / 2} bytes.</p>
<h2>Inputs</h2>
<table><tr><th>#</th><th>spends</th><th>nSequence</th></tr>
${inputs}
</table>
<h2>Outputs</h2>
<table><tr><th>#</th><th>satoshis</th><th>script</th><th>state</th></tr>
${outs}
</table>
<details><summary>Raw hex</summary><p><code>${esc(rawHex)}</code></p></details>
</body></html>
`
}
