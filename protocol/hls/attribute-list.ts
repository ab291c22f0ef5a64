// RFC 8216 §4.2 attribute lists: NAME=VALUE pairs separated by commas, a quoted string between double quotes (it may
// hold commas), any other value without quotes. m3u8-parser reads a broken list silently wrong (a URI that keeps its
// stray quote) or throws from deep inside; the tags whose attributes decide what is sold are checked here first, so a
// broken one is refused with its line and what is wrong with it. Whitespace around names and separators, which
// packagers write and players accept, is tolerated.

/** The tags whose attribute lists the HLS model reads: a broken one refuses the playlist. */
export const CHECKED_TAGS = new Set([
  '#EXT-X-MAP',
  '#EXT-X-KEY',
  '#EXT-X-PART',
  '#EXT-X-PART-INF',
  '#EXT-X-PRELOAD-HINT',
  '#EXT-X-SERVER-CONTROL',
  '#EXT-X-SKIP',
  '#EXT-X-MEDIA',
  '#EXT-X-STREAM-INF',
  '#EXT-X-I-FRAME-STREAM-INF',
  '#EXT-X-DEFINE',
])

const PAIR = /^\s*([A-Za-z0-9_-]+)\s*=\s*("[^"]*"|[^",]*?)\s*(?:,|$)/

/** One attribute of a list, unquoted; null when absent. */
export function attribute(list: string, name: string): string | null {
  const pattern = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/g
  for (let match = pattern.exec(list); match; match = pattern.exec(list)) {
    if (match[1] === name) return match[2].startsWith('"') ? match[2].slice(1, -1) : match[2]
  }
  return null
}

/** What is wrong with an attribute list, or null when each attribute is NAME=VALUE. */
export function attributeListProblem(list: string): string | null {
  let rest = list
  while (rest.trim() !== '') {
    const match = PAIR.exec(rest)
    if (!match) {
      const at = rest.trim().slice(0, 40)
      return at.includes('"') ? `an unclosed or stray double quote at "${at}"` : `"${at}" is not NAME=VALUE`
    }
    rest = rest.slice(match[0].length)
  }
  return null
}
