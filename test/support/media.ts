// A small hand-written HLS rendition for tests that need exact bytes and durations, not real video.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { tempDir } from './host.ts'

export interface TinyStream {
  mediaDir: string
  playlist: string
  segments: Array<{ path: string; duration: number; bytes: Buffer }>
}

/** media/<name>/360p/index.m3u8 with `durations.length` segments of random bytes. */
export function writeTinyStream(durations: number[], name = 'tiny', mediaDir = tempDir('media')): TinyStream {
  const folder = join(mediaDir, name, '360p')
  mkdirSync(folder, { recursive: true })
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${Math.ceil(Math.max(...durations))}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD']
  const segments = durations.map((duration, index) => {
    const file = `seg_${String(index).padStart(3, '0')}.ts`
    const bytes = randomBytes(2048 + index)
    writeFileSync(join(folder, file), bytes)
    lines.push(`#EXTINF:${duration.toFixed(6)},`, file)
    return { path: `/media/${name}/360p/${file}`, duration, bytes }
  })
  lines.push('#EXT-X-ENDLIST', '')
  writeFileSync(join(folder, 'index.m3u8'), lines.join('\n'))
  writeFileSync(join(mediaDir, name, 'master.m3u8'), ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360', '360p/index.m3u8', ''].join('\n'))
  return { mediaDir, playlist: `/media/${name}/360p/index.m3u8`, segments }
}
