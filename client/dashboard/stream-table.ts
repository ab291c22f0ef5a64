// The streams table: each stream of the library with the price it sells at, the media time sold and what it earned.
import type { StreamRow } from '../../protocol/dashboard.ts'
import { formatSats, formatWatchTime } from './format.ts'

function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td')
  td.textContent = text
  if (className) td.className = className
  return td
}

function priceText(pricePerSecond: number | null): string {
  if (pricePerSecond === null) return '—'
  return pricePerSecond === 0 ? 'free' : `${formatSats(pricePerSecond)} sat/s`
}

export function renderStreamRows(body: HTMLTableSectionElement, rows: StreamRow[]): void {
  if (rows.length === 0) {
    const tr = document.createElement('tr')
    const td = cell('No streams in the media folder yet. Add one with npm run media.', 'empty')
    td.colSpan = 4
    tr.append(td)
    body.replaceChildren(tr)
    return
  }
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr')
      tr.dataset.testid = 'stream-row'
      tr.dataset.stream = row.stream ?? ''
      const name = cell(row.name)
      if (row.stream) name.title = row.stream
      tr.append(name, cell(priceText(row.pricePerSecond), 'num'), cell(formatWatchTime(row.secondsSold), 'num'), cell(formatSats(row.earned), 'num'))
      return tr
    }),
  )
}
