// EXT-X-DEFINE variables (RFC 8216bis), substituted the way hls.js substitutes them, before the playlist is read:
// `{$name}` in URI lines and in the quoted-string attribute values of EXT-X- tags becomes the value an EXT-X-DEFINE
// above it gave (NAME and VALUE, or IMPORT of a variable of the master playlists that list this one). A reference to a
// variable nothing above it defines refuses the playlist, as hls.js refuses it, and so does a malformed or duplicate
// define. QUERYPARAM is refused: it takes its value from each viewer's own playlist URL, and the host reads and prices
// one copy of a playlist for every viewer. The defines are blanked (line numbers stay), so m3u8-parser, which would
// substitute only the first reference to each, never sees one. The substituted text is bounded like the playlist.
import { attribute } from './attribute-list.ts'
import { MAX_PLAYLIST_BYTES, playlistIssue, type PlaylistIssue } from './playlist-issues.ts'

export type Substitution =
  | {
      ok: true
      text: string
      /** Every variable defined, imported ones included. */
      variables: Map<string, string>
      /** Lines of EXT-X-DEFINE:IMPORT, which only a media playlist may hold. */
      importLines: number[]
    }
  | { ok: false; issue: PlaylistIssue }

const REFERENCE = /\{\$([a-zA-Z0-9_-]+)\}/g
const VARIABLE_NAME = /^[a-zA-Z0-9_-]+$/
const QUOTED = /"[^"]*"/g
const DEFINE = '#EXT-X-DEFINE:'

class Refusal extends Error {
  constructor(readonly issue: PlaylistIssue) {
    super(issue.message)
  }
}

/** `text` with its variables substituted; `imports`: the variables of the masters that list it. */
export function substituteVariables(text: string, imports: ReadonlyMap<string, string>): Substitution {
  const variables = new Map<string, string>()
  const importLines: number[] = []
  if (!text.includes('{$') && !text.includes(DEFINE)) return { ok: true, text, variables, importLines }
  let length = 0
  const out: string[] = []
  try {
    for (const [index, raw] of text.split('\n').entries()) {
      const line = index + 1
      const trimmed = raw.trim()
      const substitute = (value: string) =>
        value.replace(REFERENCE, (_reference, name: string) => {
          const found = variables.get(name)
          if (found === undefined) throw new Refusal(playlistIssue('undefined_variable', `Line ${line} refers to {$${name}}, which no EXT-X-DEFINE above it defines.`, line))
          return found
        })
      const inQuotes = (value: string) => value.replace(QUOTED, substitute)
      let result = raw
      if (trimmed.startsWith(DEFINE)) {
        define(inQuotes(trimmed.slice(DEFINE.length)), line, variables, imports, importLines)
        result = ''
      } else if (trimmed.startsWith('#EXT-X-')) result = inQuotes(raw)
      else if (trimmed !== '' && !trimmed.startsWith('#')) result = substitute(raw)
      length += result.length + 1
      if (length > MAX_PLAYLIST_BYTES) {
        throw new Refusal(playlistIssue('too_large', `With its variables substituted, the playlist is over ${MAX_PLAYLIST_BYTES} characters; such playlists are refused.`))
      }
      out.push(result)
    }
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, issue: error.issue }
    throw error
  }
  return { ok: true, text: out.join('\n'), variables, importLines }
}

function define(list: string, line: number, variables: Map<string, string>, imports: ReadonlyMap<string, string>, importLines: number[]): void {
  const refuse = (message: string): never => {
    throw new Refusal(playlistIssue('bad_define', `EXT-X-DEFINE on line ${line}: ${message}`, line))
  }
  const [name, value, imported, fromQuery] = ['NAME', 'VALUE', 'IMPORT', 'QUERYPARAM'].map((key) => attribute(list, key))
  if ([name, imported, fromQuery].filter((given) => given !== null).length !== 1) refuse('it needs exactly one of NAME, IMPORT and QUERYPARAM.')
  if (fromQuery !== null) {
    refuse(
      `QUERYPARAM="${fromQuery}" takes its value from each viewer's own playlist URL, but the host reads and prices one copy of a playlist for every viewer. Define ${fromQuery} with NAME and VALUE (or IMPORT it from the master playlist) instead.`,
    )
  }
  const variable = (name ?? imported) as string
  if (!VARIABLE_NAME.test(variable)) refuse(`"${variable}" is not a variable name (letters, digits, - and _).`)
  if (variables.has(variable)) refuse(`${variable} is defined twice.`)
  if (imported !== null) {
    const found = imports.get(imported)
    if (found === undefined) {
      throw new Refusal(
        playlistIssue(
          'undefined_variable',
          `EXT-X-DEFINE on line ${line} imports ${imported}, which no master playlist listing this one defines (or the masters define it differently). Load the master playlist first, or define ${imported} here with NAME and VALUE.`,
          line,
        ),
      )
    }
    importLines.push(line)
    variables.set(imported, found)
    return
  }
  variables.set(variable, value ?? refuse(`${variable} has no VALUE.`))
}
