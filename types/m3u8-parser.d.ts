// m3u8-parser ships no types; this covers the part we use (see node_modules/m3u8-parser/src/parser.js).
declare module 'm3u8-parser' {
  export interface ParsedByterange {
    length?: number
    offset?: number
  }

  export interface ParsedKey {
    method: string
    uri: string
    iv?: Uint32Array
  }

  export interface ParsedPart {
    uri?: string
    duration?: number
    independent?: boolean
    gap?: boolean
    byterange?: ParsedByterange
  }

  export interface ParsedPreloadHint {
    type?: string
    uri?: string
  }

  export interface ParsedSegment {
    uri: string
    duration: number
    title?: string
    byterange?: ParsedByterange
    map?: { uri?: string; byterange?: ParsedByterange; key?: ParsedKey }
    key?: ParsedKey
    discontinuity?: boolean
    /** Discontinuity sequence number of this segment. */
    timeline?: number
    /** Milliseconds since 1970, extrapolated from the nearest EXT-X-PROGRAM-DATE-TIME. */
    programDateTime?: number
    dateTimeString?: string
    parts?: ParsedPart[]
    preloadHints?: ParsedPreloadHint[]
  }

  export interface ParsedRendition {
    default: boolean
    autoselect: boolean
    language?: string
    uri?: string
    instreamId?: string
    characteristics?: string
    forced?: boolean
  }

  export interface ParsedManifest {
    /** Variants; `attributes` is absent on a URI line that no EXT-X-STREAM-INF precedes. */
    playlists?: Array<{ uri: string; attributes: Record<string, unknown> }>
    mediaGroups?: Record<string, Record<string, Record<string, ParsedRendition>>>
    iFramePlaylists?: Array<{ uri?: string; attributes?: Record<string, unknown> }>
    segments?: ParsedSegment[]
    preloadSegment?: Partial<ParsedSegment>
    endList?: boolean
    playlistType?: string
    targetDuration?: number
    mediaSequence?: number
    discontinuitySequence?: number
    skip?: { skippedSegments?: number }
    serverControl?: { canBlockReload?: boolean; partHoldBack?: number; holdBack?: number }
    partInf?: { partTarget?: number }
    [key: string]: unknown
  }

  export class Parser {
    push(chunk: string): void
    end(): void
    manifest: ParsedManifest
  }
}
