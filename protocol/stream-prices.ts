// The price per second of a stream's media, shared by the host (what it charges) and the player (what it shows and
// signs for). Prices are set per folder of the media library, by a stream.json file (see server/media/stream-settings.ts):
// the nearest folder above a segment that sets a price wins, and the host's --price applies where none does. The host
// sends the table in its terms. A FolderPrice's folder is as served, e.g. /media/shows/s01 (no trailing slash).
import type { FolderPrice } from './messages.ts'

export type { FolderPrice }

function isInside(path: string, folder: string): boolean {
  return path.startsWith(folder + '/')
}

/** Price per second for the media at `path` (a segment, part or playlist path); null: not for sale. */
export function pricePerSecondFor(path: string, table: readonly FolderPrice[], hostPrice: number): number | null {
  let nearest: FolderPrice | null = null
  for (const entry of table) {
    if (isInside(path, entry.folder) && (nearest === null || entry.folder.length > nearest.folder.length)) nearest = entry
  }
  return nearest ? nearest.pricePerSecond : hostPrice
}
