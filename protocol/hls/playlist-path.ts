// Which paths name playlists: the paywall serves them free and reads them with the model, never as media; so an entry
// of a playlist that names one is never sold as a segment (it would be paid for and answered with a playlist).

/** A playlist by its path: `.m3u8`, or `.m3u`, which RFC 8216 §4 allows too. */
export function isPlaylistPath(path: string): boolean {
  const lower = path.toLowerCase()
  return lower.endsWith('.m3u8') || lower.endsWith('.m3u')
}
