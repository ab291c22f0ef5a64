// Playlist text in and out. ffmpeg writes the media playlists; these functions finish them as VOD playlists and
// build the master playlist from what was actually produced (measured bitrates, real sizes).

/**
 * Makes a finished media playlist an explicit VOD playlist: adds #EXT-X-PLAYLIST-TYPE:VOD (ffmpeg 4.1 cannot add it
 * safely alongside our other options) and #EXT-X-ENDLIST when missing. Idempotent.
 */
export function finalizeVodPlaylist(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop()
  if (lines[0]?.trim() !== '#EXTM3U') throw new Error('Not an HLS playlist: missing #EXTM3U')
  const withoutType = lines.filter((line) => !line.startsWith('#EXT-X-PLAYLIST-TYPE:'))
  const anchor = withoutType.findIndex((line) => line.startsWith('#EXT-X-VERSION:'))
  withoutType.splice(anchor >= 0 ? anchor + 1 : 1, 0, '#EXT-X-PLAYLIST-TYPE:VOD')
  if (!withoutType.some((line) => line.trim() === '#EXT-X-ENDLIST')) withoutType.push('#EXT-X-ENDLIST')
  return `${withoutType.join('\n')}\n`
}

/**
 * BANDWIDTH must be the peak segment bitrate (RFC 8216 §4.3.4.2), AVERAGE-BANDWIDTH the whole-stream average; both
 * in bits per second, measured from the segment files including container overhead.
 */
export function measureBandwidth(segments: Array<{ duration: number; bytes: number }>): { peak: number; average: number } {
  const usable = segments.filter((segment) => segment.duration > 0)
  if (usable.length === 0) return { peak: 0, average: 0 }
  const peak = Math.max(...usable.map((segment) => (segment.bytes * 8) / segment.duration))
  const totalBytes = usable.reduce((sum, segment) => sum + segment.bytes, 0)
  const totalDuration = usable.reduce((sum, segment) => sum + segment.duration, 0)
  return { peak: Math.ceil(peak), average: Math.ceil((totalBytes * 8) / totalDuration) }
}

export interface MasterVariant {
  /** Relative URI of the media playlist, e.g. "360p/index.m3u8". */
  uri: string
  bandwidth: number
  averageBandwidth?: number
  /** Absent for audio-only variants. */
  width?: number
  height?: number
  /** Every codec the variant plays, its audio rendition's included (RFC 8216 §4.3.4.2). */
  codecs: string
  frameRate?: number
  /** GROUP-ID of the EXT-X-MEDIA audio it plays with. */
  audioGroup?: string
}

/** An alternate audio rendition (EXT-X-MEDIA:TYPE=AUDIO). */
export interface MasterAudio {
  uri: string
  groupId: string
  name: string
  language?: string
  isDefault: boolean
}

/** Master playlist listing the audio renditions, then the variants from lowest to highest bandwidth. */
export function buildMasterPlaylist(variants: MasterVariant[], audio: MasterAudio[] = []): string {
  if (variants.length === 0) throw new Error('A master playlist needs at least one variant')
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS']
  for (const rendition of audio) {
    const language = rendition.language ? `,LANGUAGE="${rendition.language}"` : ''
    const choice = rendition.isDefault ? 'DEFAULT=YES,AUTOSELECT=YES' : 'DEFAULT=NO,AUTOSELECT=YES'
    lines.push(`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${rendition.groupId}",NAME="${rendition.name}"${language},${choice},URI="${rendition.uri}"`)
  }
  for (const variant of [...variants].sort((a, b) => a.bandwidth - b.bandwidth)) {
    const attributes = [
      `BANDWIDTH=${Math.ceil(variant.bandwidth)}`,
      ...(variant.averageBandwidth ? [`AVERAGE-BANDWIDTH=${Math.ceil(variant.averageBandwidth)}`] : []),
      ...(variant.width && variant.height ? [`RESOLUTION=${variant.width}x${variant.height}`] : []),
      `CODECS="${variant.codecs}"`,
      ...(variant.frameRate ? [`FRAME-RATE=${variant.frameRate.toFixed(3)}`] : []),
      ...(variant.audioGroup ? [`AUDIO="${variant.audioGroup}"`] : []),
    ]
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, variant.uri)
  }
  return `${lines.join('\n')}\n`
}
