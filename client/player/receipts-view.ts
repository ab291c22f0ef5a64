// The receipts in the history card, each transaction linked to its explorer page, and their download as CSV or JSON.
// A refund still waiting for its block says which block and about when; the chain's height is asked only then.
import { localDay } from '../payer/budgets.ts'
import type { HistoryEntry } from '../payer/history.ts'
import { receiptOf, receiptsToCsv, receiptsToJson, type Receipt } from '../payer/receipts.ts'
import { formatDuration, formatSats } from './cap-format.ts'
import { byTestId, el } from './dom.ts'

export interface ReceiptsSources {
  txUrl: (txid: string) => string
  height: () => Promise<number>
}

function anchor(txid: string, url: string, testId: string): HTMLAnchorElement {
  return el('a', { href: url, target: '_blank', rel: 'noopener', class: 'txid', 'data-testid': testId, 'data-txid': txid }, `${txid.slice(0, 12)}…${txid.slice(-6)}`)
}

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = el('a', { href: url, download: name, hidden: true })
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export class ReceiptsView {
  private readonly list = byTestId('history-list')
  private height: number | null = null
  private entries: readonly HistoryEntry[] = []

  constructor(private readonly sources: ReceiptsSources) {
    byTestId('receipts-csv').addEventListener('click', () => download(this.fileName('csv'), 'text/csv', receiptsToCsv(this.receipts())))
    byTestId('receipts-json').addEventListener('click', () => download(this.fileName('json'), 'application/json', receiptsToJson(this.receipts())))
  }

  receipts(): Receipt[] {
    return this.entries.map((entry) => receiptOf(entry, { txUrl: this.sources.txUrl, height: this.height, now: Date.now() }))
  }

  render(entries: readonly HistoryEntry[] = this.entries): void {
    this.entries = entries
    const receipts = this.receipts()
    if (receipts.length === 0) {
      this.list.replaceChildren(el('li', { class: 'muted' }, 'No receipts yet.'))
      return
    }
    this.list.replaceChildren(...receipts.map((r) => this.item(r)))
    if (receipts.some((r) => r.refund === 'waiting')) void this.dateRefunds()
  }

  private item(r: Receipt): HTMLElement {
    const watched = r.watchedSeconds === null ? '' : `watched ${formatDuration(r.watchedSeconds)}, `
    return el(
      'li',
      { 'data-testid': 'history-entry', 'data-channel': r.channelId },
      el('span', {}, new Date(r.settledAt).toLocaleString()),
      r.host ? el('span', {}, ` · ${r.host}`) : null,
      el('span', {}, ` · ${watched}bought ${formatDuration(r.boughtSeconds)} · ${formatSats(r.paid)}`),
      r.tips > 0 ? el('span', {}, ` (tips ${formatSats(r.tips)})`) : null,
      el('span', {}, ` · fee ${formatSats(r.fee)}`),
      r.fundingTxid && r.fundingUrl ? el('span', {}, ' · funding ', anchor(r.fundingTxid, r.fundingUrl, 'receipt-funding')) : null,
      r.closeTxid && r.closeUrl ? el('span', {}, ' · close ', anchor(r.closeTxid, r.closeUrl, 'receipt-close')) : el('span', { class: 'muted' }, ' · not settled on chain'),
      this.refundNote(r),
    )
  }

  private refundNote(r: Receipt): HTMLElement | null {
    if (r.refund === 'reclaimed' && r.refundTxid && r.refundUrl) return el('span', { 'data-testid': 'history-refund' }, ' · refund ', anchor(r.refundTxid, r.refundUrl, 'receipt-refund'))
    if (r.refund === 'not needed') return el('span', { class: 'muted' }, ' · no refund needed')
    if (r.refund !== 'waiting') return null
    const when = r.refundExpectedAt ? ` (≈ ${new Date(r.refundExpectedAt).toLocaleString()})` : ''
    return el('span', { class: 'muted', 'data-testid': 'history-refund' }, ` · refund unlocks at block ${r.refundBlock}${when}`)
  }

  private async dateRefunds(): Promise<void> {
    try {
      const height = await this.sources.height()
      if (height === this.height) return
      this.height = height
      this.render()
    } catch {
      // Without the height the refund is listed by its block alone; the next render asks again.
    }
  }

  private fileName(ext: string): string {
    return `p2p-receipts-${localDay(Date.now())}.${ext}`
  }
}
