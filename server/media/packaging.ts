// How ffmpeg lays out a rendition's segments: MPEG-TS or fragmented MP4 (CMAF), one file per segment or one file cut
// into EXT-X-BYTERANGEs. `npm run media -- --format fmp4 --byterange` picks them; the paywall prices each form alike.
import { join } from 'node:path'

export type SegmentFormat = 'ts' | 'fmp4'

export interface Packaging {
  format: SegmentFormat
  /** One media file per rendition, segments as byte ranges of it (ffmpeg's -hls_flags single_file). */
  byterange: boolean
}

export const DEFAULT_PACKAGING: Packaging = { format: 'ts', byterange: false }
export const SEGMENT_FORMATS: readonly SegmentFormat[] = ['ts', 'fmp4']
/** The fMP4 init segment (EXT-X-MAP) of each rendition, beside its playlist. */
export const INIT_SEGMENT_NAME = 'init.mp4'

/** For messages: "MPEG-TS segments", "fMP4 in one file (byte ranges)". */
export function describePackaging(packaging: Packaging): string {
  const container = packaging.format === 'fmp4' ? 'fMP4' : 'MPEG-TS'
  return packaging.byterange ? `${container} in one file (byte ranges)` : `${container} segments`
}

/** "seg_%05d.ts", "seg_%05d.m4s", or the single file "index.ts" / "index.mp4". */
export function segmentFilePattern(packaging: Packaging): string {
  if (packaging.byterange) return packaging.format === 'fmp4' ? 'index.mp4' : 'index.ts'
  return packaging.format === 'fmp4' ? 'seg_%05d.m4s' : 'seg_%05d.ts'
}

/** The -hls_flags this packaging needs (combined with the live ones by the caller). */
export function packagingFlags(packaging: Packaging): string[] {
  return packaging.byterange ? ['single_file'] : []
}

/** ffmpeg hls muxer options that name and type the segments written into `folder`. */
export function packagingArgs(packaging: Packaging, folder: string): string[] {
  const fmp4 = packaging.format === 'fmp4' ? ['-hls_segment_type', 'fmp4'] : []
  // ffmpeg 4.1 writes the init segment next to the playlist under this name; with single_file it goes into the file.
  const init = packaging.format === 'fmp4' && !packaging.byterange ? ['-hls_fmp4_init_filename', INIT_SEGMENT_NAME] : []
  return [...fmp4, ...init, '-hls_segment_filename', join(folder, segmentFilePattern(packaging))]
}
