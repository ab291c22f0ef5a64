// The per-channel table: who watches, how much they locked and paid, and the transactions that opened and closed it.
import { type Network } from '../../protocol/messages.ts'
import { isFundingLoss } from '../../protocol/funding-loss.ts'
import type { ChannelRow } from '../../protocol/dashboard.ts'
import { explorerTxUrl } from './explorer.ts'
import { formatAgo, formatSats, formatMediaTime, shortHex } from './format.ts'
import { cell, fillRows } from './table-rows.ts'

const STATE_LABEL: Record<ChannelRow['state'], string> = { opening: 'Opening', open: 'Open', closing: 'Settling', closed: 'Settled' }
const REASON_LABEL: Record<string, string> = {
  viewer: 'by viewer',
  idle: 'idle',
  deadline: 'deadline',
  host_stopped: 'host stopped',
  recovery: 'after restart',
  funding_double_spent: 'funding double-spent',
  funding_spent: 'funding spent elsewhere',
}

function txCell(network: Network, txid: string | null, testid: string): HTMLTableCellElement {
  const td = document.createElement('td')
  td.className = 'mono'
  if (!txid) {
    td.textContent = '—'
    return td
  }
  const link = document.createElement('a')
  link.href = explorerTxUrl(network, txid)
  link.target = '_blank'
  link.rel = 'noopener'
  link.textContent = shortHex(txid, 8)
  link.title = txid
  link.dataset.testid = testid
  td.append(link)
  return td
}

export function renderChannelRows(body: HTMLTableSectionElement, rows: ChannelRow[], network: Network, now: number): void {
  fillRows(body, rows, { text: 'No channels yet. They appear here as soon as a viewer opens one.', columns: 8 }, (row) => {
    const tr = document.createElement('tr')
    tr.dataset.testid = 'channel-row'
    tr.dataset.channelId = row.id
    tr.dataset.state = row.state
    const viewer = cell(shortHex(row.viewer), 'mono')
    viewer.title = row.viewer
    const state = document.createElement('td')
    const pill = document.createElement('span')
    // A funding lost (double-spent, or spent by another tx) is flagged: the host stopped serving it, and its close has nothing to spend.
    pill.className = `pill pill-${row.state}${isFundingLoss(row.closeReason) ? ' pill-lost' : ''}`
    pill.dataset.testid = 'channel-state'
    pill.textContent = (row.settlementPending ? 'Settlement pending' : STATE_LABEL[row.state]) + (row.closeReason && row.state === 'closed' ? ` · ${REASON_LABEL[row.closeReason] ?? row.closeReason}` : '')
    if (row.settlementPending) pill.title = `${row.settlementPending.failures} failed attempts: ${row.settlementPending.lastError}`
    state.append(pill)
    const paid = cell(`${formatSats(row.paid)}${row.tips > 0 ? ` (${formatSats(row.tips)} tips)` : ''}`, 'num')
    paid.dataset.testid = 'channel-paid'
    tr.append(
      viewer,
      cell(formatSats(row.capacity), 'num'),
      paid,
      cell(formatMediaTime(row.seconds), 'num'),
      cell(formatAgo(row.lastActivityAt, now)),
      state,
      txCell(network, row.state === 'opening' ? null : row.fundingTxid, 'funding-link'),
      txCell(network, row.closeTxid, 'close-link'),
    )
    return tr
  })
}
