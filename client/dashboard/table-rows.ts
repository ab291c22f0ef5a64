// What the dashboard's tables share: a text cell, and a body filled with one row per item, or a single line saying
// why there is none yet.

export function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td')
  td.textContent = text
  if (className) td.className = className
  return td
}

export function fillRows<T>(body: HTMLTableSectionElement, items: readonly T[], empty: { text: string; columns: number }, row: (item: T) => HTMLTableRowElement): void {
  if (items.length === 0) {
    const tr = document.createElement('tr')
    const td = cell(empty.text, 'empty')
    td.colSpan = empty.columns
    tr.append(td)
    body.replaceChildren(tr)
    return
  }
  body.replaceChildren(...items.map(row))
}
