// Returning viewers: those who let the host know their identity key when they opened a channel, with how many
// channels they funded and what those paid. Viewers who kept their identity to themselves are not here at all.
import type { KnownViewerRow } from '../../protocol/dashboard.ts'
import { formatAgo, formatSats, shortHex } from './format.ts'
import { cell, fillRows } from './table-rows.ts'

export function renderViewerRows(body: HTMLTableSectionElement, viewers: readonly KnownViewerRow[], now: number): void {
  fillRows(body, viewers, { text: 'No known viewers yet. A viewer paying from their own wallet may let you know them.', columns: 4 }, (viewer) => {
    const tr = document.createElement('tr')
    tr.dataset.testid = 'viewer-row'
    tr.dataset.identity = viewer.identityKey
    const identity = cell(shortHex(viewer.identityKey), 'mono')
    identity.title = viewer.identityKey
    tr.append(identity, cell(formatSats(viewer.channels), 'num'), cell(formatSats(viewer.paid), 'num'), cell(formatAgo(viewer.lastSeenAt, now)))
    return tr
  })
}
