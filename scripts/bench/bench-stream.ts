// The bench's media: one rendition of equal segments with random bytes. Latency depends on bytes and count, not on
// whether the bytes decode, so no ffmpeg is needed and every path serves exactly the same files.
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { StreamSegment } from '../fleet/playlist.ts'

export interface BenchStream {
  masterPath: string
  mediaPlaylistPath: string
  segments: StreamSegment[]
}

export function writeBenchStream(mediaDir: string, opts: { segments: number; seconds: number; bytes: number }): BenchStream {
  const folder = join(mediaDir, 'bench', '360p')
  mkdirSync(folder, { recursive: true })
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${Math.ceil(opts.seconds)}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD']
  const segments: StreamSegment[] = []
  for (let i = 0; i < opts.segments; i++) {
    const file = `seg_${String(i).padStart(4, '0')}.ts`
    writeFileSync(join(folder, file), randomBytes(opts.bytes))
    lines.push(`#EXTINF:${opts.seconds.toFixed(6)},`, file)
    const path = `/media/bench/360p/${file}`
    segments.push({ id: path, key: { path, query: null, range: null }, duration: opts.seconds })
  }
  lines.push('#EXT-X-ENDLIST', '')
  writeFileSync(join(folder, 'index.m3u8'), lines.join('\n'))
  writeFileSync(join(mediaDir, 'bench', 'master.m3u8'), ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360', '360p/index.m3u8', ''].join('\n'))
  return { masterPath: '/media/bench/master.m3u8', mediaPlaylistPath: '/media/bench/360p/index.m3u8', segments }
}
