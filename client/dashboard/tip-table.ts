// The latest tips with their viewers' notes. A note is untrusted text from anyone who opened a channel: it goes into
// the page as text (textContent), never as markup.
import type { TipRow } from '../../protocol/dashboard.ts'
import { formatAgo, formatSats, shortHex } from './format.ts'
import { cell, fillRows } from './table-rows.ts'

export function renderTipRows(body: HTMLTableSectionElement, tips: readonly TipRow[], now: number): void {
  fillRows(body, tips, { text: 'No tips yet. Viewers tip from the player, with a note if they like.', columns: 4 }, (tip) => {
    const tr = document.createElement('tr')
    tr.dataset.testid = 'tip-row'
    const note = cell(tip.note ?? '—', 'note')
    note.dataset.testid = 'tip-note'
    tr.append(cell(formatAgo(tip.at, now)), cell(shortHex(tip.channelId), 'mono'), cell(formatSats(tip.amount), 'num'), note)
    return tr
  })
}
