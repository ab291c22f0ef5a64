// Lets the viewer choose among the host's streams (the sample, a live stream, the host's own videos), each with its
// price per second, so the price is known before any money moves. The choice lives in the URL, so a reload keeps it
// and a link can point at one stream.
import { byTestId, el } from './dom.ts'

export interface StreamEntry {
  name: string
  url: string
  /** Satoshis per second it is sold at. */
  pricePerSecond: number
}

function label(stream: StreamEntry): string {
  return `${stream.name} · ${stream.pricePerSecond === 0 ? 'free' : `${stream.pricePerSecond} sat/s`}`
}

export function renderStreamPicker(streams: readonly StreamEntry[], current: string): void {
  const holder = byTestId('stream-picker')
  if (streams.length < 2) return
  const select = el(
    'select',
    { 'data-testid': 'stream-select', 'aria-label': 'Stream' },
    ...streams.map((stream) => el('option', { value: stream.url, selected: stream.url === current }, label(stream))),
  )
  select.addEventListener('change', () => {
    const next = new URL(location.href)
    next.searchParams.set('stream', select.value)
    location.assign(next)
  })
  holder.replaceChildren(el('label', {}, 'Watching ', select))
  holder.hidden = false
}
