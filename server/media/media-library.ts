// The host's media library: every stream under --media DIR, however deeply nested (shows/s01/e01/master.m3u8). A
// stream is a master playlist, or a media playlist that no master lists (a rendition is not a stream of its own).
// Names read like the folders ("shows / s01 / e01") unless the folder's stream.json gives a title. Hidden entries
// (the media tool's .NAME.tmp-PID folders among them) are skipped, and so are symbolic links: one that leaves the
// media folder is reported, one that stays inside names media that is listed under its own path already (listing it
// twice would sell it under two paths, and so at two prices). The walk is bounded, so a huge tree cannot hold the host up.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { join, sep } from 'node:path'
import { MAX_PLAYLIST_BYTES } from '../../protocol/hls/playlist-issues.ts'
import { isPlaylistPath } from '../../protocol/hls/playlist-path.ts'
import { readHlsPlaylist } from '../../protocol/hls/read-playlist.ts'
import type { FolderPrice } from '../../protocol/stream-prices.ts'
import { MAX_STREAM_SETTINGS_BYTES, parseStreamSettings, STREAM_SETTINGS_FILE, type StreamSettings } from './stream-settings.ts'

export const MEDIA_MOUNT = '/media'
export const MAX_LIBRARY_DEPTH = 12
export const MAX_LIBRARY_ENTRIES = 20_000

export interface LibraryStream {
  /** Its playlist as the host serves it: /media/shows/s01/e01/master.m3u8 (percent-encoded). */
  url: string
  /** The same path decoded, as segment keys and the dashboard name it. */
  path: string
  name: string
  /** Its folder below the media folder, "/"-separated; "" at the top. */
  folder: string
  kind: 'master' | 'media'
  /** From the nearest stream.json that sets one; null: the host's --price. */
  pricePerSecond: number | null
}

export interface LibraryProblem {
  /** Below the media folder. */
  path: string
  message: string
}

export interface MediaLibrary {
  streams: LibraryStream[]
  problems: LibraryProblem[]
  /** Every folder whose stream.json sets a price, or is broken (price null): for pricePerSecondFor(). */
  prices: FolderPrice[]
}

interface Found {
  playlists: string[]
  settings: Map<string, StreamSettings | null>
  problems: LibraryProblem[]
}

function walk(root: string, realRoot: string): Found {
  const found: Found = { playlists: [], settings: new Map(), problems: [] }
  let entries = 0
  const visit = (folder: string, depth: number) => {
    let listing
    try {
      listing = readdirSync(join(root, folder), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    } catch (error) {
      found.problems.push({ path: folder, message: `Cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).` })
      return
    }
    for (const entry of listing) {
      if (entry.name.startsWith('.')) continue
      const path = folder === '' ? entry.name : `${folder}/${entry.name}`
      if (++entries > MAX_LIBRARY_ENTRIES) {
        if (entries === MAX_LIBRARY_ENTRIES + 1) found.problems.push({ path, message: `More than ${MAX_LIBRARY_ENTRIES} files: the rest of the media folder is not listed.` })
        return
      }
      if (entry.isSymbolicLink()) {
        if (!isInside(join(root, path), realRoot)) found.problems.push({ path, message: 'A link that leaves the media folder: not followed.' })
      } else if (entry.isDirectory()) {
        if (depth < MAX_LIBRARY_DEPTH) visit(path, depth + 1)
        else found.problems.push({ path, message: `Nested deeper than ${MAX_LIBRARY_DEPTH} folders: not listed.` })
      } else if (entry.isFile() && isPlaylistPath(entry.name)) {
        found.playlists.push(path)
      } else if (entry.isFile() && entry.name === STREAM_SETTINGS_FILE) {
        const reading = parseStreamSettings(readText(join(root, path), MAX_STREAM_SETTINGS_BYTES))
        found.settings.set(folder, reading.ok ? reading.settings : null)
        if (!reading.ok) found.problems.push({ path, message: `Not used, and nothing below it is sold until it is fixed: ${reading.message}` })
      }
    }
  }
  visit('', 0)
  return found
}

function isInside(link: string, realRoot: string): boolean {
  try {
    const target = realpathSync(link)
    return target === realRoot || target.startsWith(realRoot + sep)
  } catch {
    return false
  }
}

/** The file's text, or null past `limit` bytes or when it cannot be read (the readers then say what is wrong). */
function readText(path: string, limit: number): string | null {
  try {
    return statSync(path).size > limit ? null : readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '' : path.slice(0, slash)
}

function ancestry(folder: string): string[] {
  const parts = folder === '' ? [] : folder.split('/')
  return ['', ...parts.map((_, index) => parts.slice(0, index + 1).join('/'))]
}

/** "shows / s01 / e01"; a playlist at the top is named by its file. */
function folderName(folder: string, playlist: string): string {
  return folder === '' ? playlist.replace(/\.m3u8$/i, '') : folder.split('/').join(' / ')
}

function urlOf(path: string): string {
  return `${MEDIA_MOUNT}/${path.split('/').map(encodeURIComponent).join('/')}`
}

export function scanLibrary(root: string): MediaLibrary {
  let realRoot: string
  try {
    realRoot = realpathSync(root)
  } catch {
    return { streams: [], problems: [], prices: [] }
  }
  const found = walk(root, realRoot)
  const readings = found.playlists.flatMap((path) => {
    const text = readText(join(root, path), MAX_PLAYLIST_BYTES)
    const reading = text === null ? null : readHlsPlaylist(text, `${MEDIA_MOUNT}/${path}`)
    if (reading?.ok) return [{ path, playlist: reading.playlist }]
    const reason = reading ? reading.issues.find((issue) => issue.severity === 'refused')?.message : `it cannot be read or is larger than ${MAX_PLAYLIST_BYTES} bytes`
    found.problems.push({ path, message: `Not a stream: ${reason}` })
    return []
  })
  const listed = new Set(
    readings.flatMap(({ playlist }) =>
      playlist.kind === 'master' ? [...playlist.variants.map((variant) => variant.path), ...playlist.renditions.flatMap((rendition) => rendition.path ?? []), ...playlist.iFramePlaylists] : [],
    ),
  )
  const candidates = readings.filter(({ path, playlist }) => playlist.kind === 'master' || !listed.has(`${MEDIA_MOUNT}/${path}`))
  const perFolder = new Map<string, number>()
  for (const { path } of candidates) perFolder.set(parentOf(path), (perFolder.get(parentOf(path)) ?? 0) + 1)
  const streams = candidates.flatMap(({ path, playlist }): LibraryStream[] => {
    const folder = parentOf(path)
    const chain = ancestry(folder).filter((ancestor) => found.settings.has(ancestor))
    if (chain.some((ancestor) => found.settings.get(ancestor) === null)) return []
    const priced = chain.map((ancestor) => found.settings.get(ancestor)?.pricePerSecond).filter((price) => price !== undefined)
    const file = path.slice(folder.length === 0 ? 0 : folder.length + 1)
    const base = found.settings.get(folder)?.title ?? folderName(folder, file)
    const name = (perFolder.get(folder) ?? 0) > 1 && folder !== '' ? `${base} / ${file.replace(/\.m3u8$/i, '')}` : base
    return [{ url: urlOf(path), path: `${MEDIA_MOUNT}/${path}`, name, folder, kind: playlist.kind, pricePerSecond: priced.at(-1) ?? null }]
  })
  streams.sort((a, b) => (a.folder === 'sample' ? -1 : b.folder === 'sample' ? 1 : a.name.localeCompare(b.name, undefined, { numeric: true })))
  const prices: FolderPrice[] = [...found.settings.entries()].flatMap(([folder, settings]) =>
    settings === null || settings.pricePerSecond !== undefined ? [{ folder: folder === '' ? MEDIA_MOUNT : `${MEDIA_MOUNT}/${folder}`, pricePerSecond: settings?.pricePerSecond ?? null }] : [],
  )
  return { streams, problems: found.problems, prices }
}

