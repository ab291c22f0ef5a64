// What a viewing cost, shown when it ends: the media time watched and the media time bought (they differ by what
// was bought ahead of the playhead), segments, paid, tips, fee, change, and the close tx; and the receipts of the
// past ones (receipts-view.ts).
import type { Network, SettlementSummary } from '../../protocol/messages.ts'
import type { HistoryEntry } from '../payer/history.ts'
import { formatDuration, formatSats } from './cap-format.ts'
import { byTestId, el } from './dom.ts'
import { ReceiptsView } from './receipts-view.ts'

/** Where a txid links to: the host's devnet tx page, or WhatsOnChain on real networks. */
export function txLink(txid: string, network: Network | null, devnetBase: string | null): string {
  if (network === 'devnet' && devnetBase) return `${devnetBase.replace(/\/$/, '')}/tx/${txid}`
  return `https://${network === 'testnet' ? 'test.' : ''}whatsonchain.com/tx/${txid}`
}

function row(label: string, value: Node | string, testId: string): HTMLElement {
  return el('div', { class: 'summary-row' }, el('dt', {}, label), el('dd', { 'data-testid': testId }, value))
}

export class SettleSummaryView {
  private readonly panel = byTestId('summary')
  private readonly body = byTestId('summary-body')
  private readonly receipts: ReceiptsView

  constructor(private readonly network: () => Network | null, private readonly devnetBase: string | null, height: () => Promise<number>) {
    this.receipts = new ReceiptsView({ txUrl: (txid) => txLink(txid, this.network(), this.devnetBase), height })
  }

  /** `watched`: the media seconds the video played in this viewing (the host's summary knows only what was bought). */
  show(summary: SettlementSummary, watched: number): void {
    this.panel.hidden = false
    this.body.replaceChildren(this.details(summary, watched))
    this.panel.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
  }

  renderHistory(entries: readonly HistoryEntry[]): void {
    this.receipts.render(entries)
  }

  private details(s: SettlementSummary, watched: number): HTMLElement {
    const prefix = 'summary'
    const close = s.closeTxid
      ? this.txAnchor(s.closeTxid, `${prefix}-close-txid`)
      : el('span', {}, s.refundAfterHeight !== undefined ? `nothing paid; your refund unlocks at block ${s.refundAfterHeight}` : 'none')
    return el(
      'dl',
      { class: 'summary-list' },
      row('Watched', formatDuration(watched), `${prefix}-watched`),
      row('Bought', formatDuration(s.seconds), `${prefix}-bought`),
      row('Segments', String(s.segments), `${prefix}-segments`),
      row('Paid to host', formatSats(s.paid), `${prefix}-paid`),
      row('Tips (included)', formatSats(s.tips), `${prefix}-tips`),
      row('Network fee', formatSats(s.fee), `${prefix}-fee`),
      row('Change returned', formatSats(s.change), `${prefix}-change`),
      row('Close transaction', close, `${prefix}-close`),
    )
  }

  private txAnchor(txid: string, testId?: string): HTMLAnchorElement {
    return el('a', { href: txLink(txid, this.network(), this.devnetBase), target: '_blank', rel: 'noopener', class: 'txid', 'data-testid': testId, 'data-txid': txid }, `${txid.slice(0, 12)}…${txid.slice(-6)}`)
  }
}
