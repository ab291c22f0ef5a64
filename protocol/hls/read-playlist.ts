// The entry point of the HLS model: playlist text and its path on this host in, a master or media playlist (or the
// reasons it is refused) out. Pure and isomorphic: the host, the player and the viewer fleet read playlists alike.
// Variables are substituted first (variables.ts), then the lines are read strictly (line-reader.ts) and m3u8-parser is
// fed one line at a time, so a line it cannot read is refused by its number, never with the parser's own exception.
import { Parser, type ParsedManifest } from 'm3u8-parser'
import type { FileSizes } from './entry-key.ts'
import { readLines } from './line-reader.ts'
import { readMasterPlaylist } from './read-master.ts'
import { readMediaPlaylist } from './read-media.ts'
import { MAX_PLAYLIST_BYTES, playlistIssue, type PlaylistIssueCode } from './playlist-issues.ts'
import type { PlaylistReading } from './playlist-model.ts'
import { substituteVariables } from './variables.ts'

export interface ReadOptions {
  /** Sizes of the resources the playlist names, where known: byte ranges past the end are then skipped. */
  fileSizes?: FileSizes
  /** The variables of the master playlists that list this one, for EXT-X-DEFINE:IMPORT. */
  imports?: ReadonlyMap<string, string>
}

const NO_IMPORTS: ReadonlyMap<string, string> = new Map()

function utf8Length(text: string): number {
  // Each UTF-16 unit is at most 3 bytes of UTF-8, so only long texts are measured exactly.
  return text.length * 3 <= MAX_PLAYLIST_BYTES ? text.length : new TextEncoder().encode(text).length
}

function refused(code: PlaylistIssueCode, message: string, line: number | null = null): PlaylistReading {
  return { ok: false, issues: [playlistIssue(code, message, line)] }
}

/** The tag a line starts with, to name it in a refusal. */
function tagOf(line: string): string {
  const trimmed = line.trim()
  if (!trimmed.startsWith('#')) return 'a URI line'
  return /^#[A-Z0-9-]*/.exec(trimmed)?.[0] ?? 'a tag'
}

/** m3u8-parser's reading, or the line it could not read. */
function parse(text: string): { ok: true; manifest: ParsedManifest } | { ok: false; line: number | null; tag: string } {
  const parser = new Parser()
  const lines = text.split('\n')
  for (const [index, line] of lines.entries()) {
    try {
      parser.push(`${line}\n`)
    } catch {
      return { ok: false, line: index + 1, tag: tagOf(line) }
    }
  }
  try {
    parser.end()
  } catch {
    return { ok: false, line: null, tag: 'the end of the playlist' }
  }
  return { ok: true, manifest: parser.manifest }
}

export function readHlsPlaylist(text: string, path: string, options: ReadOptions = {}): PlaylistReading {
  const size = utf8Length(text)
  if (size > MAX_PLAYLIST_BYTES) return refused('too_large', `The playlist is ${size} bytes; playlists over ${MAX_PLAYLIST_BYTES} bytes are refused.`)
  if (!text.replace(/^\uFEFF/, '').startsWith('#EXTM3U')) return refused('not_a_playlist', 'Not an HLS playlist: the first line must be #EXTM3U.')
  const substituted = substituteVariables(text, options.imports ?? NO_IMPORTS)
  if (!substituted.ok) return { ok: false, issues: [substituted.issue] }
  const raw = readLines(substituted.text)
  if (raw.hasVariants && raw.hasMediaTags) return refused('mixed_playlist', 'The playlist mixes EXT-X-STREAM-INF (master) with #EXTINF or EXT-X-TARGETDURATION (media).')
  const broken = raw.brokenAttributeLists[0]
  if (broken) {
    return refused(
      'bad_attribute_list',
      `Line ${broken.line}: the attributes of ${broken.tag} are malformed (${broken.problem}). Each is NAME=VALUE, separated by commas, with text values in double quotes (RFC 8216 §4.2).`,
      broken.line,
    )
  }
  if (raw.hasVariants && substituted.importLines.length > 0) {
    const line = substituted.importLines[0]
    return refused('bad_define', `EXT-X-DEFINE on line ${line}: IMPORT belongs in media playlists; a master playlist defines its variables with NAME and VALUE.`, line)
  }
  const parsed = parse(substituted.text)
  if (!parsed.ok) {
    const where = parsed.line === null ? parsed.tag : `Line ${parsed.line} (${parsed.tag})`
    return refused('unparseable', `${where} could not be read: check it against RFC 8216 (tag names, NAME=VALUE attributes, quotes).`, parsed.line)
  }
  if (raw.hasVariants) return readMasterPlaylist(parsed.manifest, raw, path, substituted.variables)
  return readMediaPlaylist(parsed.manifest, raw, path, options.fileSizes)
}
