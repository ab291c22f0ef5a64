// The dashboard's streams table: the library as it stands (names, prices), each with what it has sold. Pure: the
// library and the sales come in, the rows go out.
import type { StreamRow } from '../../protocol/dashboard.ts'
import { UNRECORDED_STREAM, type HostStats } from './stats.ts'

export interface ListedStream {
  path: string
  name: string
  /** From stream.json; null: the host's price. */
  pricePerSecond: number | null
}

export function streamRows(sales: HostStats['streams'], library: readonly ListedStream[], hostPrice: number): StreamRow[] {
  const listed = new Set(library.map((stream) => stream.path))
  const sold = (path: string) => sales[path] ?? { seconds: 0, sats: 0 }
  const rows: StreamRow[] = library.map((stream) => ({
    stream: stream.path,
    name: stream.name,
    pricePerSecond: stream.pricePerSecond ?? hostPrice,
    secondsSold: sold(stream.path).seconds,
    earned: sold(stream.path).sats,
  }))
  for (const [path, { seconds, sats }] of Object.entries(sales)) {
    if (listed.has(path)) continue
    const unrecorded = path === UNRECORDED_STREAM
    rows.push({ stream: unrecorded ? null : path, name: unrecorded ? 'Earlier payments (stream not recorded)' : path, pricePerSecond: null, secondsSold: seconds, earned: sats })
  }
  return rows
}
