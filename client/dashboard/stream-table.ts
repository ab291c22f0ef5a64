// The streams table: each stream of the library with the price it sells at, the media time sold and what it earned.
import type { StreamRow } from '../../protocol/dashboard.ts'
import { formatSats, formatMediaTime } from './format.ts'
import { cell, fillRows } from './table-rows.ts'

function priceText(pricePerSecond: number | null): string {
  if (pricePerSecond === null) return '—'
  return pricePerSecond === 0 ? 'free' : `${formatSats(pricePerSecond)} sat/s`
}

export function renderStreamRows(body: HTMLTableSectionElement, rows: StreamRow[]): void {
  fillRows(body, rows, { text: 'No streams in the media folder yet. Add one with npm run media.', columns: 4 }, (row) => {
    const tr = document.createElement('tr')
    tr.dataset.testid = 'stream-row'
    tr.dataset.stream = row.stream ?? ''
    const name = cell(row.name)
    if (row.stream) name.title = row.stream
    tr.append(name, cell(priceText(row.pricePerSecond), 'num'), cell(formatMediaTime(row.secondsSold), 'num'), cell(formatSats(row.earned), 'num'))
    return tr
  })
}
