// m3u8-parser ships no types; this covers the part we use.
declare module 'm3u8-parser' {
  export class Parser {
    push(chunk: string): void
    end(): void
    manifest: {
      playlists?: Array<{ uri: string; attributes: Record<string, unknown> }>
      segments?: Array<{ uri: string; duration: number; map?: { uri: string } }>
      endList?: boolean
      playlistType?: string
      targetDuration?: number
      mediaSequence?: number
      [key: string]: unknown
    }
  }
}
